from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from percorsi.core import audit, audit_labels, selectors, services
from percorsi.core.decorators import site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.forms import AuditFilterForm, MembershipForm, SiteForm, StaffAddForm, audited_object_types
from percorsi.core.history import history_rows
from percorsi.core.models import AuditEntry, Membership
from percorsi.core.navigation import ROLE_INTROS, my_work_for, permission_is_built
from percorsi.core.permissions import ASSIGNABLE_ROLES, PERMISSIONS, Role, can_assign


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """After login: straight to the only site, to the last one used, or to the site picker."""
    sites = selectors.sites_for_user(request.user, request)
    if len(sites) == 1:
        return redirect("core:home", site=sites[0].slug)
    last = request.session.get("last_site")
    if last and any(s.slug == last for s in sites):
        return redirect("core:home", site=last)
    return redirect("core:site_picker")


@require_GET
def site_picker(request: HttpRequest) -> HttpResponse:
    sites = selectors.sites_for_user(request.user, request)
    return render(request, "core/site_picker.html", {"sites": sites})


@require_GET
@site_permission_required("site:view")
def home(request: HttpRequest, site: str) -> HttpResponse:
    membership = request.membership
    allowed = [p for p in PERMISSIONS if membership.has(p)]
    context = {
        "role_permissions": [PERMISSIONS[p] for p in allowed if permission_is_built(p, request.site)],
        "coming_permissions": [PERMISSIONS[p] for p in allowed if not permission_is_built(p, request.site)],
        "role_intro": ROLE_INTROS.get(membership.role, ""),
        "summary": selectors.home_summary(site=request.site, membership=membership),
        "my_work": my_work_for(request.site, membership),
    }
    return render(request, "core/home.html", context)


@require_GET
@site_permission_required("staff:read")
def staff_list(request: HttpRequest, site: str) -> HttpResponse:
    memberships = list(selectors.site_staff(site=request.site))
    can_write = request.membership.has("staff:write")
    assignable = ASSIGNABLE_ROLES.get(request.membership.role, ())
    return render(
        request,
        "core/staff_list.html",
        {"memberships": memberships, "can_write": can_write, "assignable": assignable},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("staff:write")
def staff_new(request: HttpRequest, site: str) -> HttpResponse:
    form = StaffAddForm(
        request.POST if request.method == "POST" else None, actor_role=request.membership.role
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_create(
                site=request.site,
                actor=request.user,
                actor_membership=request.membership,
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            names = {"name": membership.user, "site": request.site.name}
            if membership.user.has_usable_password():
                text = _("%(name)s now works at %(site)s too, with the password they already use.") % names
            else:
                text = (
                    _(
                        "Access given to %(name)s. Tell them to open the login page and choose "
                        "“First access, or forgot your password?”."
                    )
                    % names
                )
            messages.success(request, text)
            return redirect("core:staff_list", site=site)
    return render(request, "core/staff_form.html", {"form": form}, status=400 if form.errors else 200)


def _site_membership_or_404(request: HttpRequest, pk: int) -> Membership:
    """A membership of the request's site (all-sites memberships are read-only here).

    One of another site is a 404, like a missing one, and the attempt is recorded."""
    membership = Membership.objects.select_related("user").filter(pk=pk, site=request.site).first()
    if membership is None:
        if Membership.objects.filter(pk=pk).exists():
            audit.record_denied(
                action="core.membership.accessed", object_type="core.membership", object_id=pk
            )
        raise Http404
    return membership


@require_http_methods(["GET", "POST"])
@site_permission_required("staff:write")
def staff_edit(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    membership = _site_membership_or_404(request, pk)
    initial = {"role": membership.role, "is_active": membership.is_active, "version": membership.version}
    form = MembershipForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        actor_role=request.membership.role,
    )
    editable = membership.pk != request.membership.pk and can_assign(request.membership.role, membership.role)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.membership_update(
                membership=membership,
                actor=request.user,
                actor_membership=request.membership,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
                version=form.cleaned_data["version"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            names = {"name": membership.user, "site": request.site.name}
            if membership.is_active and not updated.is_active:
                text = _("%(name)s no longer has access to %(site)s.") % names
            elif not membership.is_active and updated.is_active:
                text = _("Access of %(name)s to %(site)s restored.") % names
            else:
                text = _("The role of %(name)s was saved.") % names
            messages.success(request, text)
            return redirect("core:staff_list", site=site)
    return render(
        request,
        "core/staff_edit.html",
        {"form": form, "membership": membership, "editable": editable},
        status=400 if form.errors else 200,
    )


@require_GET
@site_permission_required("staff:read")
def staff_history(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    membership = _site_membership_or_404(request, pk)
    audit.record(action="core.membership.history_viewed", obj=membership)
    return render(
        request,
        "core/history.html",
        {
            # The role and the account (name, address, language) in one list, newest first.
            "rows": sorted(
                history_rows(membership) + history_rows(membership.user),
                key=lambda row: row.when,
                reverse=True,
            ),
            "title": _("History of %(name)s's account and role") % {"name": membership.user},
            "back_url": "core:staff_list",
        },
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("site:manage")
def site_settings(request: HttpRequest, site: str) -> HttpResponse:
    current = request.site
    initial = {
        "name": current.name,
        "city": current.city,
        "address": current.address,
        "version": current.version,
    }
    form = SiteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(site=current, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The site's details were saved."))
            return redirect("core:site_settings", site=site)
    return render(request, "core/site_settings.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@site_permission_required("site:manage")
def site_history(request: HttpRequest, site: str) -> HttpResponse:
    audit.record(action="core.site.history_viewed", obj=request.site)
    return render(
        request,
        "core/history.html",
        {
            "rows": history_rows(request.site),
            "title": _("History of the site's details"),
            "back_url": "core:site_settings",
        },
    )


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor: Any
    role: Any
    action: Any
    kind: Any


@require_GET
@site_permission_required("audit:read")
def audit_log(request: HttpRequest, site: str) -> HttpResponse:
    actors = [
        (m.user_id, f"{m.user} ({m.get_role_display()})") for m in selectors.site_staff(site=request.site)
    ]
    form = AuditFilterForm(request.GET or None, actors=actors)
    # With a filter that cannot be applied, show nothing rather than more than was asked for.
    filters = form.cleaned_data if form.is_valid() else {}
    entries = (
        AuditEntry.objects.none()
        if form.is_bound and form.errors
        else selectors.audit_entries(
            site=request.site,
            action=filters.get("action") or "",
            outcome=filters.get("outcome") or "",
            actor_id=filters.get("actor"),
            object_type=filters.get("object_type") or "",
            object_id=filters.get("object_id") or "",
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actors = selectors.users_by_id({e.actor_id for e in page.object_list if e.actor_id})
    role_labels = dict(Role.choices)
    kinds = dict(audited_object_types())
    rows = [
        AuditRow(
            entry=entry,
            actor=actors.get(entry.actor_id),
            role=role_labels.get(entry.role, entry.role),
            action=audit_labels.action_label(entry.action),
            kind=kinds.get(
                entry.object_type, _("page") if entry.object_type == "view" else entry.object_type
            ),
        )
        for entry in page.object_list
    ]
    audit.record(action="core.audit.viewed", object_type="core.site", object_id=request.site.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
        },
    )
