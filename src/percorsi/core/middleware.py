"""Request id, and the site of `/s/<site>/...` URLs: resolved once, checked, scoped."""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_scopes import scope

from percorsi.core import audit
from percorsi.core.selectors import membership_for_slug

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind a trusted proxy, the address it forwarded."""
    raw = request.META.get("REMOTE_ADDR", "")
    if settings.PERCORSI_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])  # no IPv6 zone id
    except ValueError:
        return None
    # An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d: record the IPv4 address,
    # as the database would store it anyway (the audit hash is over the stored form).
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed one from the proxy) for logs and the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The proxy's id is kept only behind a trusted proxy; a client cannot choose its own.
        trusted = settings.PERCORSI_TRUST_X_FORWARDED_FOR
        incoming = request.META.get("HTTP_X_REQUEST_ID", "") if trusted else ""
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        with audit.audit_context(request_id=request_id, client_ip=client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SiteMiddleware:
    """For URLs under `/s/<site>/`: find the site and the user's membership, and scope every query.

    No such site, or no membership in it: 404 (the page does not say whether the site exists).
    The permission of the view is checked by the view's decorator (403).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.site = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        actor_id = user.pk if user is not None and user.is_authenticated else None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        slug = match.kwargs.get("site") if match is not None else None
        if slug is None or actor_id is None:
            # Anonymous users reach a site URL only to be sent to the login page by the view's
            # LoginRequiredMiddleware check; no site is resolved for them.
            with audit.audit_context(actor_id=actor_id):
                return self.get_response(request)

        site, membership = membership_for_slug(user=user, slug=slug, request=request)
        if site is None:
            raise Http404
        if membership is None:
            # Recorded under the site that was asked for, so that its auditor sees the attempt.
            audit.record_denied(
                action="core.site.accessed",
                object_type="core.site",
                object_id=site.pk,
                actor_id=actor_id,
                site_id=site.pk,
            )
            raise Http404
        request.site = site  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        with (
            audit.audit_context(actor_id=actor_id, role=membership.role, site_id=site.pk),
            scope(site=site),
        ):
            if request.session.get("last_site") != site.slug:
                request.session["last_site"] = site.slug
            return self.get_response(request)


class SessionRenewalMiddleware:
    """Starts the idle time of a session again, writing it at most once a minute (core.sessions).

    Placed just inside SessionMiddleware, which saves the session when it is marked modified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and hasattr(session, "renew_if_due"):
            session.renew_if_due()
        return response


class LanguageMiddleware:
    """Italian unless the user chose otherwise (the language cookie, set at login and by the switch).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not used: the association
    works in Italian, and a colleague's English browser should not change the first page they see."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
