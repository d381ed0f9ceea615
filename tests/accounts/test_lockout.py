"""After five wrong passwords the account is locked for this address (django-axes)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import Persona

PASSWORD = "a-long-test-password"


def _attempt(client: Client, email: str, password: str) -> object:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_five_wrong_passwords_lock_the_account(personas: dict[str, Persona]) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    email = personas["operator_a"].user.email
    client = Client()
    for _ in range(4):
        response = _attempt(client, email, "wrong-password")
        assert response.status_code == 200  # the login form again, with its message
    locked = _attempt(client, email, "wrong-password")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert reverse("accounts:password_reset") in locked.content.decode()

    # Even the right password is refused while the lock lasts.
    again = _attempt(Client(), email, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_the_lock_is_per_account(personas: dict[str, Persona]) -> None:
    for _ in range(5):
        _attempt(Client(), personas["operator_a"].user.email, "wrong-password")
    response = _attempt(Client(), personas["coordinator_a"].user.email, PASSWORD)
    assert response.status_code == 302


def test_a_good_login_resets_the_count(personas: dict[str, Persona]) -> None:
    email = personas["operator_a"].user.email
    for _ in range(4):
        _attempt(Client(), email, "wrong-password")
    assert _attempt(Client(), email, PASSWORD).status_code == 302
    for _ in range(4):
        assert _attempt(Client(), email, "wrong-password").status_code == 200
