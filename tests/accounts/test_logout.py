"""Logging out ends the session; it is a POST, so a link or an image cannot log anyone out."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from percorsi.core.models import AuditEntry
from tests.conftest import Persona


def test_logout_ends_the_session_and_is_audited(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    client = client_for("operator_a")
    home = reverse("core:home", kwargs={"site": "roma"})
    assert client.get(home).status_code == 200

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(home)["Location"].startswith(reverse("accounts:login"))
    entry = AuditEntry.objects.get(action="accounts.logout")
    assert entry.actor_id == personas["operator_a"].user.pk


def test_logout_by_get_is_refused(client_for: Callable[[str], Client]) -> None:
    client = client_for("operator_a")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("core:home", kwargs={"site": "roma"})).status_code == 200
