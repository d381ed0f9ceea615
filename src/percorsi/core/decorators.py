"""View decorators: every staff view declares the one permission it needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django_scopes import scopes_disabled

from percorsi.core import audit
from percorsi.core.permissions import PERMISSIONS

View = TypeVar("View", bound=Callable[..., HttpResponse])


def site_permission_required(permission: str) -> Callable[[View], View]:
    """For views under `/s/<site>/`: 403 (and an audit entry) without `permission` at that site."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None:
                # The middleware resolves every `/s/<site>/` URL; reaching here means a URL without one.
                raise Http404
            if not membership.has(permission):
                match = request.resolver_match
                audit.record_denied(
                    action="core.permission.denied",
                    object_type="view",
                    object_id=match.view_name if match else "",
                    data={"permission": permission},
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def get_site_object_or_404[M: models.Model](
    model: type[M], request: HttpRequest, pk: Any, *, action: str
) -> M:
    """Load an object of the request's site; an object of another site is a 404 with an audit entry.

    `model` must be site-owned (scoped by the middleware); the lookup outside the scope only decides
    whether the denial is worth recording, and is never shown."""
    try:
        return model.objects.get(pk=pk)  # type: ignore[attr-defined]
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        with scopes_disabled():
            other = (
                model.objects.filter(pk=pk).values_list("site_id", flat=True).first() if _is_int(pk) else None
            )  # type: ignore[attr-defined]
        if other is not None:
            # Under the site that owns the object, so that its auditor sees the attempt.
            audit.record_denied(
                action=action,
                object_type=model._meta.label_lower,
                object_id=pk,
                site_id=other,
                data={"from_site": audit.current_site_id()},
            )
        raise Http404 from None


def _is_int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True
