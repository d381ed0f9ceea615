"""The areas of the navigation. An area shows when it is built (its URL exists) and the role may open it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from percorsi.core.models import Membership, Site


@dataclass(frozen=True)
class Area:
    key: str
    label: str | Promise
    url_name: str
    permission: str
    description: str | Promise = ""


# In the order of the menu. Later parts of Percorsi add their URL; the menu then shows them.
AREAS: tuple[Area, ...] = (
    Area(
        "people",
        pgettext_lazy("area", "People"),
        "people:list",
        "people:read",
        _("Intake, records, documents and expiring permits"),
    ),
    Area(
        "plans",
        pgettext_lazy("area", "Plans"),
        "plans:list",
        "plans:read",
        _("Accompaniment plans, goals, reviews and interventions"),
    ),
    Area(
        "jobs",
        pgettext_lazy("area", "Work"),
        "jobs:home",
        "jobs:read",
        _("Training, recognition of qualifications, CVs, job offers"),
    ),
    Area(
        "language",
        pgettext_lazy("area", "Italian course"),
        "language:home",
        "language:read",
        _("Courses, enrolment, attendance and levels"),
    ),
    Area(
        "housing",
        pgettext_lazy("area", "Housing"),
        "housing:home",
        "housing:read",
        _("Housing situations, listings, mediation"),
    ),
    Area(
        "funds",
        pgettext_lazy("area", "Contributions"),
        "funds:home",
        "funds:read",
        _("Funds, contributions, payments and receipts"),
    ),
    Area(
        "stats",
        pgettext_lazy("area", "Statistics"),
        "stats:home",
        "stats:read",
        _("Figures and the yearly report"),
    ),
)

# Pages of the site's own management, shown after the areas.
MANAGEMENT: tuple[Area, ...] = (
    Area(
        "staff", _("Staff"), "core:staff_list", "staff:read", _("Who works at this site, and in which role")
    ),
    Area(
        "site",
        _("Site details"),
        "core:site_settings",
        "site:manage",
        _("Name, city and address of the site"),
    ),
    Area(
        "audit",
        _("Audit log"),
        "core:audit_log",
        "audit:read",
        _("Who did and saw what, and denied accesses"),
    ),
    Area(
        "plan_templates",
        _("Plan templates"),
        "plans:templates",
        "reference:manage",
        _("The phases and suggested goals new plans start from"),
    ),
    Area(
        "merges",
        _("Merged records"),
        "people:merges",
        "people:unmerge",
        _("Merges of duplicates, and undoing them"),
    ),
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url: str
    description: str | Promise
    active: bool = False


def _items(areas: tuple[Area, ...], site: Site, membership: Membership, path: str) -> list[NavItem]:
    items = []
    for area in areas:
        if not membership.has(area.permission):
            continue
        try:
            url = reverse(area.url_name, kwargs={"site": site.slug})
        except NoReverseMatch:
            continue  # not built yet
        items.append(NavItem(area.key, area.label, url, area.description, active=path.startswith(url)))
    return items


def areas_for(site: Site, membership: Membership, path: str = "") -> list[NavItem]:
    return _items(AREAS, site, membership, path)


def management_for(site: Site, membership: Membership, path: str = "") -> list[NavItem]:
    return _items(MANAGEMENT, site, membership, path)


# One's own day (appointments, tasks, what is overdue), first on the home page of those who follow cases.
MY_WORK = Area(
    "my_work",
    _("My work"),
    "plans:my_work",
    "plans:read",
    _("Today's appointments, my tasks, goals past their date, reviews due and expiring permits"),
)


def my_work_for(site: Site, membership: Membership) -> NavItem | None:
    items = _items((MY_WORK,), site, membership, "")
    return items[0] if items else None


# What each role does in Percorsi, in one sentence, for its home page (DOMAIN.md, "Who uses it").
ROLE_INTROS: dict[str, str | Promise] = {
    "administrator": _(
        "You look after the sites, the staff accounts and their roles, and the reference data."
    ),
    "coordinator": _(
        "You follow the site's cases with the operators, approve contributions, close plans "
        "and look after the site's staff."
    ),
    "operator": _(
        "You open and follow cases, write the plans with the people you accompany and log interventions."
    ),
    "desk-volunteer": _("You work at the job desk: CVs, job offers and applications."),
    "teacher": _("You run the Italian-for-work courses: enrolment, attendance and levels."),
    "accountant": _("You keep the funds, contributions, payments and funder reports."),
    "auditor": _(
        "You check who did and saw what, and handle the privacy duties: "
        "access requests, erasure and retention."
    ),
}


# The page that makes each area's permissions usable; None: not built in any version yet.
_AREA_PAGES: dict[str, str | None] = {
    "site": "core:home",
    "staff": "core:staff_list",
    "audit": "core:audit_log",
    "people": "people:list",
    "plans": "plans:list",
    "jobs": "jobs:home",
    "language": "language:home",
    "housing": "housing:home",
    "funds": "funds:home",
    "stats": "stats:home",
    "reference": None,
    "privacy": None,
    "portal": None,
}


def permission_is_built(code: str, site: Site) -> bool:
    """Whether the pages a permission opens exist in this version of Percorsi."""
    url_name = _AREA_PAGES.get(code.split(":", 1)[0])
    if url_name is None:
        return False
    try:
        reverse(url_name, kwargs={"site": site.slug})
    except NoReverseMatch:
        return False
    return True


def switch_url(view_name: str | None, kwargs: dict[str, object], site: Site) -> str:
    """The same page at another site when it is a page of the site as a whole, else its home page."""
    if view_name and set(kwargs) == {"site"}:
        try:
            return reverse(view_name, kwargs={"site": site.slug})
        except NoReverseMatch:
            pass
    return reverse("core:home", kwargs={"site": site.slug})
