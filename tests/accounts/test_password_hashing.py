"""Passwords are stored with Argon2 in production (the other tests use a fast hasher)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from percorsi.accounts.models import User
from percorsi.config import settings as production_settings

MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"


def test_production_hasher_is_argon2() -> None:
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_new_password_is_stored_with_argon2(
    settings: pytest.FixtureRequest, make_user: Callable[..., User]
) -> None:
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS  # type: ignore[attr-defined]
    user = make_user("argon@example.org", password="a-long-argon-password")
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert "a-long-argon-password" not in user.password
    response = Client().post(
        reverse("accounts:login"), {"username": "argon@example.org", "password": "a-long-argon-password"}
    )
    assert response.status_code == 302


def test_an_older_hash_is_upgraded_to_argon2_at_login(
    settings: pytest.FixtureRequest, make_user: Callable[..., User]
) -> None:
    user = make_user("older@example.org", password="a-long-older-password")  # the fast test hasher
    assert not user.password.startswith("argon2")
    settings.PASSWORD_HASHERS = [*production_settings.PASSWORD_HASHERS, MD5]  # type: ignore[attr-defined]
    Client().post(reverse("accounts:login"), {"username": user.email, "password": "a-long-older-password"})
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_passwords_must_be_long_and_uncommon(db: None) -> None:
    for weak in ("short-pw1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("a-long-enough-passphrase")
