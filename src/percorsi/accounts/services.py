"""Writes for users' own accounts."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.db import transaction

from percorsi.accounts.models import User
from percorsi.core import audit


def user_set_language(*, user: User, language: str) -> User:
    with transaction.atomic():
        user.preferred_language = language
        user.full_clean(exclude=["password"])
        user._history_user = user  # type: ignore[attr-defined]
        user.save(update_fields=["preferred_language"])
        audit.record(action="accounts.user.language_changed", obj=user, data={"language": language})
    return user


def password_changed(*, user: User) -> None:
    """Record a password change (the change itself is made by Django's form)."""
    audit.record(action="accounts.user.password_changed", obj=user, actor_id=user.pk)


def password_reset(*, user: User) -> None:
    """Record a password set through the e-mailed link, and lift a lock-out of the account:
    whoever chose the new password proved they own the address."""
    axes_reset(username=user.email.lower())
    audit.record(action="accounts.user.password_reset", obj=user, actor_id=user.pk)
