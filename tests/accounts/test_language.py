"""Italian by default, English on request; a logged-in user keeps the choice for next time."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from percorsi.core.models import AuditEntry
from tests.conftest import Persona

HOME = "/s/roma/"


def _language_of(response: object) -> str:
    return response["Content-Language"]  # type: ignore[index]


def test_switch_to_english_is_kept_for_a_logged_in_user(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    client = client_for("operator_a")
    assert _language_of(client.get(HOME)) == "it"

    response = client.post(reverse("accounts:language"), {"language": "en", "next": HOME})
    assert response.status_code == 302
    assert response["Location"] == HOME

    page = client.get(HOME)
    assert _language_of(page) == "en"
    assert '<html lang="en">' in page.content.decode()
    assert "Log out" in page.content.decode()
    user = personas["operator_a"].user
    user.refresh_from_db()
    assert user.preferred_language == "en"

    # On another device, the preference comes back at login.
    other_device = Client()
    other_device.post(reverse("accounts:login"), {"username": user.email, "password": "a-long-test-password"})
    assert _language_of(other_device.get(HOME)) == "en"


def test_switch_back_to_italian(client_for: Callable[[str], Client], personas: dict[str, Persona]) -> None:
    client = client_for("operator_a")
    client.post(reverse("accounts:language"), {"language": "en", "next": HOME})
    client.post(reverse("accounts:language"), {"language": "it", "next": HOME})
    assert _language_of(client.get(HOME)) == "it"
    personas["operator_a"].user.refresh_from_db()
    assert personas["operator_a"].user.preferred_language == "it"
    assert AuditEntry.objects.filter(action="accounts.user.language_changed").count() == 2


def test_an_anonymous_visitor_can_switch_the_login_page(db: None) -> None:
    client = Client()
    login = reverse("accounts:login")
    response = client.post(reverse("accounts:language"), {"language": "en", "next": login})
    assert response["Location"] == login
    page = client.get(login)
    assert _language_of(page) == "en"
    assert "Log in to Percorsi" in page.content.decode()
    assert not AuditEntry.objects.exists()


def test_an_unknown_language_changes_nothing(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    client = client_for("operator_a")
    client.post(reverse("accounts:language"), {"language": "xx", "next": HOME})
    assert _language_of(client.get(HOME)) == "it"
    personas["operator_a"].user.refresh_from_db()
    assert personas["operator_a"].user.preferred_language == "it"


def test_the_switch_does_not_send_anyone_to_another_host(client_for: Callable[[str], Client]) -> None:
    response = client_for("operator_a").post(
        reverse("accounts:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:start")


def test_a_language_chosen_on_the_login_page_is_kept_after_login(personas: dict[str, Persona]) -> None:
    client = Client()
    login = reverse("accounts:login")
    client.post(reverse("accounts:language"), {"language": "en", "next": login})
    client.post(login, {"username": personas["operator_a"].user.email, "password": "a-long-test-password"})
    personas["operator_a"].user.refresh_from_db()
    assert personas["operator_a"].user.preferred_language == "en"
    assert client.get(reverse("core:home", kwargs={"site": "roma"}))["Content-Language"] == "en"
