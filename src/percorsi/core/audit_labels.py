"""What each audit action means, in words a data protection officer reads.

Each app registers the labels of its actions (core and accounts here, people in its app config);
the audit log shows the label and keeps the dotted code in a tooltip. A test checks that every
action written anywhere in the code has a label."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "accounts.login": _("Login"),
    "accounts.logout": _("Logout"),
    "accounts.user.created": _("Account created"),
    "accounts.user.language_changed": _("Interface language changed"),
    "accounts.user.password_changed": _("Password changed"),
    "accounts.user.password_reset": _("Password chosen from the e-mailed link"),
    "core.audit.viewed": _("Audit log consulted"),
    "core.membership.accessed": _("Another site's staff record requested"),
    "core.membership.created": _("Role given"),
    "core.membership.history_viewed": _("History of a role consulted"),
    "core.membership.updated": _("Role changed"),
    "core.permission.denied": _("Page not allowed to the role"),
    "core.site.accessed": _("Site not allowed to the user"),
    "core.site.created": _("Site created"),
    "core.site.history_viewed": _("History of the site consulted"),
    "core.site.updated": _("Site details changed"),
}


def register(labels: dict[str, str | Promise]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str | Promise:
    return ACTION_LABELS.get(action, action)


def action_choices() -> list[tuple[str, str]]:
    return sorted(
        ((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda pair: pair[1].lower()
    )
