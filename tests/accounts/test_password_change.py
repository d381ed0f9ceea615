"""Changing one's password: the old one is checked, the new one works, the change is audited."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from percorsi.core.models import AuditEntry
from tests.conftest import Persona

OLD = "a-long-test-password"
NEW = "a-brand-new-passphrase-2026"


def test_password_change(client_for: Callable[[str], Client], personas: dict[str, Persona]) -> None:
    user = personas["operator_a"].user
    client = client_for("operator_a")
    assert client.get(reverse("accounts:password_change")).status_code == 200

    response = client.post(
        reverse("accounts:password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    # Still logged in on this device.
    assert client.get(response["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW)
    entry = AuditEntry.objects.get(action="accounts.user.password_changed")
    assert (entry.actor_id, entry.object_id, entry.outcome) == (user.pk, str(user.pk), "allowed")

    fresh = Client()
    assert fresh.post(reverse("accounts:login"), {"username": user.email, "password": OLD}).status_code == 200
    assert fresh.post(reverse("accounts:login"), {"username": user.email, "password": NEW}).status_code == 302


def test_wrong_old_password_changes_nothing(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    response = client_for("operator_a").post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    personas["operator_a"].user.refresh_from_db()
    assert personas["operator_a"].user.check_password(OLD)
    assert not AuditEntry.objects.filter(action="accounts.user.password_changed").exists()


def test_a_weak_new_password_is_refused(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    response = client_for("operator_a").post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert errors
    assert errors[0] in response.content.decode()
    personas["operator_a"].user.refresh_from_db()
    assert personas["operator_a"].user.check_password(OLD)
