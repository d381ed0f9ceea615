from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from percorsi.core.navigation import areas_for, management_for, switch_url
from percorsi.core.selectors import sites_for_user


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: the site, the role, the site switcher and the menu."""
    site = getattr(request, "site", None)
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {
        # Limits quoted in the pages, from the settings that set them.
        "LOGIN_FAILURE_LIMIT": settings.AXES_FAILURE_LIMIT,
        "LOCKOUT_MINUTES": round(settings.AXES_COOLOFF_TIME * 60),
        "RESET_LINK_DAYS": settings.PASSWORD_RESET_TIMEOUT // 86400,
        "current_site": site,
        "current_membership": membership,
        "LANGUAGES": settings.LANGUAGES,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        match = request.resolver_match

        def switcher() -> list[tuple[object, str]]:
            view_name = match.view_name if match else None
            kwargs = match.kwargs if match else {}
            return [(s, switch_url(view_name, kwargs, s)) for s in sites_for_user(user, request)]

        context["user_sites"] = switcher
    if site is not None and membership is not None:
        context["nav_areas"] = areas_for(site, membership, request.path)
        context["nav_management"] = management_for(site, membership, request.path)
        if membership.has("people:read"):
            with contextlib.suppress(NoReverseMatch):
                context["people_search_url"] = reverse("people:list", kwargs={"site": site.slug})
    return context
