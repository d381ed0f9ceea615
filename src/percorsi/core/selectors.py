"""Reads for sites, memberships and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Membership, Site


def site_by_slug(slug: str) -> Site | None:
    return Site.objects.filter(slug=slug, is_active=True).first()


def active_memberships(user: User, request: HttpRequest | None = None) -> list[Membership]:
    """The user's active memberships with their sites, in one query. With a request, read once for
    it: the site middleware and the site switcher of the same page share them."""
    cached: list[Membership] | None = getattr(request, "_active_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, is_active=True).select_related("site"))
        if request is not None:
            request._active_memberships = cached  # type: ignore[attr-defined]
    return cached


def membership_for_slug(
    *, user: User, slug: str, request: HttpRequest | None = None
) -> tuple[Site | None, Membership | None]:
    """The active site of that slug and the user's active membership for it: the site's own, else
    an all-sites one. A site the user belongs to costs no query beyond their memberships; another
    site (or none of that slug) one more, to tell "no such site" from "not yours"."""
    memberships = active_memberships(user, request)
    for membership in memberships:
        if membership.site is not None and membership.site.slug == slug and membership.site.is_active:
            return membership.site, membership
    site = site_by_slug(slug)
    if site is None:
        return None, None
    return site, next((m for m in memberships if m.site_id is None), None)


def sites_for_user(user: User, request: HttpRequest | None = None) -> list[Site]:
    """The active sites the user can open, by name: no query beyond their memberships for a user of
    some sites, one more (every active site) for a user of all sites."""
    memberships = active_memberships(user, request)
    if any(m.site_id is None for m in memberships):
        return list(Site.objects.filter(is_active=True).order_by("name"))
    sites = {m.site.pk: m.site for m in memberships if m.site is not None and m.site.is_active}
    return sorted(sites.values(), key=lambda site: (site.name, site.pk))


def site_staff(*, site: Site) -> QuerySet[Membership]:
    """Memberships that give access to this site: its own and the all-sites ones."""
    return (
        Membership.objects.filter(Q(site=site) | Q(site__isnull=True))
        .select_related("user", "site")
        .order_by("-is_active", "user__full_name", "user__email")
    )


def operator_choices(site: Site) -> list[tuple[int, str]]:
    """(user id, name) of the site's active operators and coordinators: who may be in charge."""
    return [
        (m.user_id, str(m.user))
        for m in site_staff(site=site).filter(is_active=True, role__in=["operator", "coordinator"])
    ]


def audit_entries(
    *,
    site: Site,
    action: str = "",
    outcome: str = "",
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries of one site, newest first, with the filters of the auditor's page.

    Besides what happened at the site, the site's auditor sees what happened to the accounts of its
    own staff outside any site: logins, failed logins, logouts, password and language changes."""
    staff_ids = list(Membership.objects.filter(site=site).values_list("user_id", flat=True))
    about_staff = Q(site_id__isnull=True) & (
        Q(actor_id__in=staff_ids) | Q(object_type="accounts.user", object_id__in=[str(i) for i in staff_ids])
    )
    entries = AuditEntry.objects.filter(Q(site_id=site.pk) | about_staff)
    if action:
        entries = entries.filter(action__startswith=action)
    if outcome:
        entries = entries.filter(outcome=outcome)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        entries = entries.filter(
            created_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    return entries.order_by("-id")


# Later apps add figures to the home page without core knowing them: each provider is called with
# (site, membership) and returns (label, value, url name) tuples for what that role may see.
HOME_FIGURES: list[Callable[[Site, Membership], list[tuple[str, int, str]]]] = []


def home_summary(*, site: Site, membership: Membership) -> list[tuple[str, int, str]]:
    """A few figures for the home page, each only for a role that may see them: (label, value, url)."""
    from django.utils.translation import gettext as _

    figures: list[tuple[str, int, str]] = []
    if membership.has("staff:read"):
        active = site_staff(site=site).filter(is_active=True, user__is_active=True).count()
        figures.append((_("active staff at this site"), active, "core:staff_list"))
    if membership.has("audit:read"):
        week_start = timezone.localdate() - timedelta(days=6)
        denied = audit_entries(site=site, outcome="denied", date_from=week_start).count()
        figures.append(
            (
                _("denied accesses in the last 7 days"),
                denied,
                f"core:audit_log?outcome=denied&date_from={week_start.isoformat()}",
            )
        )
    for provider in HOME_FIGURES:
        figures.extend(provider(site, membership))
    # A figure links to its page; one whose page is not built (not in the URLs) is left out.
    shown = []
    for label, value, target in figures:
        url_name, _sep, query = target.partition("?")  # "app:name" or "app:name?filters"
        try:
            url = reverse(url_name, kwargs={"site": site.slug})
        except NoReverseMatch:
            continue
        shown.append((label, value, f"{url}?{query}" if query else url))
    return shown


def users_by_id(ids: set[int]) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=ids)}
