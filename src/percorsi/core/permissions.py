"""Roles and permissions: one registry.

Every view declares exactly one permission string (`area:action`); every role is a set of them.
Later parts of Percorsi (people, plans, job desk, course, housing, funds, statistics, privacy)
already have their permissions here, so roles are decided once, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", pgettext_lazy("role", "Administrator")
    COORDINATOR = "coordinator", pgettext_lazy("role", "Coordinator")
    OPERATOR = "operator", pgettext_lazy("role", "Operator")
    DESK_VOLUNTEER = "desk-volunteer", pgettext_lazy("role", "Desk volunteer")
    TEACHER = "teacher", pgettext_lazy("role", "Teacher")
    ACCOUNTANT = "accountant", pgettext_lazy("role", "Accountant")
    AUDITOR = "auditor", pgettext_lazy("role", "Auditor")
    BENEFICIARY = "beneficiary", pgettext_lazy("role", "Person followed")


@dataclass(frozen=True)
class Permission:
    code: str
    label: str


_P = Permission
PERMISSIONS: dict[str, Permission] = {
    p.code: p
    for p in [
        _P("site:view", _("Open the site's home page")),
        _P("site:manage", _("Edit the site's details")),
        _P("staff:read", _("See the site's staff and their roles")),
        _P("staff:write", _("Add staff, change roles, deactivate accounts")),
        _P("reference:manage", _("Edit reference data (templates, lists, thresholds)")),
        _P("people:read", _("See people followed (names, contacts, case status)")),
        _P("people:write", _("Open cases and edit people's records")),
        _P("people:sensitive", _("See and edit legal status details and confidential notes")),
        _P("people:merge", _("Merge duplicates, transfer records to another site, delete and restore them")),
        _P("people:unmerge", _("Undo a merge of two records")),
        _P("people:export", _("Export the people list to a spreadsheet")),
        _P("plans:read", _("See accompaniment plans and interventions")),
        _P("plans:write", _("Write plans, goals, reviews, interventions and appointments")),
        _P("plans:close", _("Close accompaniment plans")),
        _P("jobs:read", _("See the job desk: CVs, offers, applications")),
        _P("jobs:write", _("Work at the job desk: CVs, offers, applications, placements")),
        _P("language:read", _("See courses, learners and attendance")),
        _P("language:write", _("Manage courses, enrolment, attendance and levels")),
        _P("housing:read", _("See housing situations, listings and mediation")),
        _P("housing:write", _("Record housing support and mediation")),
        _P("funds:read", _("See funds and contributions")),
        _P("funds:request", _("Request a contribution for a person")),
        _P("funds:approve", _("Approve or refuse contributions")),
        _P("funds:pay", _("Record payments and receipts")),
        _P("funds:manage", _("Manage funds, budgets and funder reports")),
        _P("stats:read", _("See statistics and the yearly report")),
        _P("audit:read", _("Browse the audit log")),
        _P("privacy:manage", _("Handle access requests, erasure and retention")),
        _P("portal:own", _("See one's own plan, appointments and CV")),
    ]
}

_CASEWORK = {
    "site:view",
    "people:read",
    "people:write",
    "people:sensitive",
    "people:export",
    "plans:read",
    "plans:write",
    "jobs:read",
    "jobs:write",
    "language:read",
    "housing:read",
    "housing:write",
    "funds:read",
    "funds:request",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Sites, staff and reference data; no case content by default.
    Role.ADMINISTRATOR: frozenset(
        {
            "site:view",
            "site:manage",
            "staff:read",
            "staff:write",
            "reference:manage",
            "stats:read",
            "people:unmerge",
        }
    ),
    # Everything an operator does, plus approvals, closing plans, merging records and the site's staff.
    Role.COORDINATOR: frozenset(
        _CASEWORK
        | {
            "people:merge",
            "plans:close",
            "funds:approve",
            "stats:read",
            "staff:read",
            "staff:write",
            "reference:manage",
        }
    ),
    Role.OPERATOR: frozenset(_CASEWORK),
    # Job desk work only: never legal, health or confidential notes.
    Role.DESK_VOLUNTEER: frozenset({"site:view", "people:read", "jobs:read", "jobs:write"}),
    # Courses; a learner's name and language profile are shown through the course pages only.
    Role.TEACHER: frozenset({"site:view", "language:read", "language:write"}),
    Role.ACCOUNTANT: frozenset({"site:view", "funds:read", "funds:pay", "funds:manage", "stats:read"}),
    # The data protection officer: the audit log and privacy duties, no case content.
    Role.AUDITOR: frozenset({"site:view", "audit:read", "privacy:manage"}),
    # Reserved for the person's own portal (a later part of Percorsi); no staff page admits it.
    Role.BENEFICIARY: frozenset({"portal:own"}),
}

# Which roles a role may give to others on its site.
ASSIGNABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.ADMINISTRATOR: (
        Role.ADMINISTRATOR,
        Role.COORDINATOR,
        Role.OPERATOR,
        Role.DESK_VOLUNTEER,
        Role.TEACHER,
        Role.ACCOUNTANT,
        Role.AUDITOR,
    ),
    Role.COORDINATOR: (Role.OPERATOR, Role.DESK_VOLUNTEER, Role.TEACHER),
}


def can_assign(actor_role: str, role: str) -> bool:
    """Whether someone with `actor_role` may give `role` to a colleague (or change a colleague's)."""
    return role in ASSIGNABLE_ROLES.get(actor_role, ())


def role_has(role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: add it to core.permissions.PERMISSIONS")
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def _check_registry() -> None:
    for role, perms in ROLE_PERMISSIONS.items():
        unknown = perms - PERMISSIONS.keys()
        if unknown:
            raise KeyError(f"Role {role} has unknown permissions {sorted(unknown)}")


_check_registry()
