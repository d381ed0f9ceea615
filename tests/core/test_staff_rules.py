"""Giving access: what a coordinator may and may not do to accounts they do not own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from percorsi.core.models import AuditEntry, Membership
from tests.conftest import Persona
from tests.helpers import shows

pytestmark = pytest.mark.django_db

NEW = reverse("core:staff_new", kwargs={"site": "roma"})


def _add(client: Client, email: str, role: str = "teacher") -> object:
    return client.post(
        NEW, {"email": email, "full_name": "Someone", "role": role, "preferred_language": "it"}
    )


def test_a_coordinator_cannot_narrow_the_role_of_someone_who_works_at_every_site(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    admin = personas["admin_all"].user
    response = _add(client_for("coordinator_a"), admin.email)
    assert response.status_code == 400
    assert shows(
        response,
        "This person already works at every site: only an administrator of every site can change that.",
    )
    assert list(Membership.objects.filter(user=admin).values_list("site", flat=True)) == [None]
    assert client_for("admin_all").get(reverse("core:staff_list", kwargs={"site": "roma"})).status_code == 200


def test_an_address_that_grows_when_written_in_lower_case_gets_a_message(
    client_for: Callable[[str], Client],
) -> None:
    email = "a@" + "b" * 60 + "." + "İ" * 60 + "." + "c" * 60 + "." + "İ" * 60 + ".com"
    client = client_for("coordinator_a")
    before = AuditEntry.objects.count()
    response = _add(client, email)
    assert response.status_code == 400
    assert AuditEntry.objects.count() == before


def test_an_empty_post_is_a_post_and_changes_nothing(client_for: Callable[[str], Client]) -> None:
    count = Membership.objects.count()
    response = client_for("coordinator_a").post(NEW, {})
    assert response.status_code == 400
    assert Membership.objects.count() == count
