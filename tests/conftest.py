"""Shared fixtures: two sites and the personas of CONVENTIONS.md item 9.

Site A is Roma, site B is Vicenza. Personas log in with `client_for(persona)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from percorsi.accounts.models import User
from percorsi.core.models import Membership, Site
from percorsi.core.permissions import Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is the production hasher (tested in tests/accounts); tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _small_demo(settings: pytest.FixtureRequest) -> None:
    # `percorsi demo` in tests: a few people per site are enough (300 take seconds each time).
    settings.PERCORSI_DEMO_PEOPLE_PER_SITE = 12  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _media_root(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Uploaded scans go to a temporary folder, never into var/uploads.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Persona:
    key: str
    user: User
    site: Site | None
    role: str


PERSONA_ROLES: dict[str, tuple[str, str | None]] = {
    # key: (role, site slug; None = all sites)
    "operator_a": (Role.OPERATOR, "roma"),
    "coordinator_a": (Role.COORDINATOR, "roma"),
    "volunteer_a": (Role.DESK_VOLUNTEER, "roma"),
    "teacher_a": (Role.TEACHER, "roma"),
    "accountant_a": (Role.ACCOUNTANT, "roma"),
    "auditor_a": (Role.AUDITOR, "roma"),
    "admin_a": (Role.ADMINISTRATOR, "roma"),
    "operator_b": (Role.OPERATOR, "vicenza"),
    "admin_all": (Role.ADMINISTRATOR, None),
}


@pytest.fixture
def site_a(db: None) -> Site:
    return Site.objects.create(slug="roma", name="Roma", city="Roma", address="Via Prenestina 45")


@pytest.fixture
def site_b(db: None) -> Site:
    return Site.objects.create(slug="vicenza", name="Vicenza", city="Vicenza", address="Contrà San Marco 12")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(
        email: str, *, full_name: str = "Test User", password: str = "a-long-test-password", **kw: object
    ) -> User:
        return User.objects.create_user(email=email, password=password, full_name=full_name, **kw)

    return make


@pytest.fixture
def personas(site_a: Site, site_b: Site, make_user: Callable[..., User]) -> dict[str, Persona]:
    sites = {"roma": site_a, "vicenza": site_b}
    result = {}
    for key, (role, slug) in PERSONA_ROLES.items():
        user = make_user(f"{key}@example.org", full_name=key.replace("_", " ").title())
        site = sites[slug] if slug else None
        Membership.objects.create(user=user, site=site, role=role)
        result[key] = Persona(key=key, user=user, site=site, role=role)
    return result


@pytest.fixture
def client_for(personas: dict[str, Persona]) -> Callable[[str], Client]:
    def make(key: str) -> Client:
        client = Client()
        client.force_login(personas[key].user)
        return client

    return make
