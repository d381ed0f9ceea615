"""`percorsi demo`: two sites, one account per role per site and an all-sites administrator; idempotent."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Membership, Site
from percorsi.core.permissions import Role

STAFF_ROLES = [
    "administrator",
    "coordinator",
    "operator",
    "desk-volunteer",
    "teacher",
    "accountant",
    "auditor",
]


def _demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "sites": Site.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEntry.objects.count(),
        "site history": Site.history.count(),
        "user history": User.history.count(),
        "membership history": Membership.history.count(),
    }


def test_demo_creates_the_sites_and_accounts(db: None) -> None:
    output = _demo()
    assert sorted(Site.objects.values_list("slug", flat=True)) == ["roma", "vicenza"]
    expected = {"admin@percorsi.demo"} | {
        f"{role}@{site}.demo" for role in STAFF_ROLES for site in ("roma", "vicenza")
    }
    assert set(User.objects.values_list("email", flat=True)) == expected
    assert {"operator@vicenza.demo", "desk-volunteer@roma.demo", "admin@percorsi.demo"} <= expected

    for role in STAFF_ROLES:
        for site in ("roma", "vicenza"):
            membership = Membership.objects.get(user__email=f"{role}@{site}.demo")
            assert (membership.site.slug, membership.role) == (site, role)  # type: ignore[union-attr]
    admin = Membership.objects.get(user__email="admin@percorsi.demo")
    assert (admin.site, admin.role) == (None, Role.ADMINISTRATOR)

    for email in expected:
        assert email in output
    assert "percorsi-demo" in output
    assert User.objects.get(email="teacher@roma.demo").check_password("percorsi-demo")


def test_running_demo_twice_changes_nothing(db: None) -> None:
    _demo()
    first = _counts()
    output = _demo()
    assert _counts() == first
    assert "nothing changed" in output
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_demo_accounts_log_in(db: None) -> None:
    _demo()
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": "operator@vicenza.demo", "password": "percorsi-demo"},
        follow=True,
    )
    assert response.request["PATH_INFO"] == reverse("core:home", kwargs={"site": "vicenza"})
    assert response.status_code == 200

    admin = Client()
    response = admin.post(
        reverse("accounts:login"),
        {"username": "admin@percorsi.demo", "password": "percorsi-demo"},
        follow=True,
    )
    assert response.request["PATH_INFO"] == reverse("core:site_picker")
    assert [site.slug for site in response.context["sites"]] == ["roma", "vicenza"]


def test_demo_keeps_a_changed_demo_account_as_it_is(db: None) -> None:
    _demo()
    Membership.objects.filter(user__email="operator@roma.demo").update(role=Role.TEACHER)
    _demo()
    assert Membership.objects.get(user__email="operator@roma.demo").role == Role.TEACHER
