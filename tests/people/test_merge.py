"""Merging a person registered twice: the coordinator merges, an administrator can undo it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django_scopes import scope

from percorsi.core.models import AuditEntry, Site
from percorsi.people import matching
from percorsi.people.models import IdentityDocument, LegalStatus, Merge, Nationality, Person
from tests.helpers import page_text, shows
from tests.people.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., LegalStatus],
    add_document: Callable[..., IdentityDocument],
) -> tuple[Person, Person]:
    """The same man recorded twice: once at intake years ago, once with another spelling."""
    older = make_person(
        site_a,
        "Mohamed",
        "Diallo",
        sex="M",
        birth_date=date(1990, 1, 1),
        birth_date_precision="year",
        nationality="GN",
    )
    newer = make_person(
        site_a,
        "Muhammad",
        "Jallow",
        sex="M",
        birth_date=date(1990, 5, 2),
        nationality="GN",
        phone="+393331234567",
    )
    add_status(older, status="asylum_seeker", expires_on=date(2025, 6, 1))
    add_status(newer, status="subsidiary", permit_number="I1234567")
    add_document(newer, kind="passport", number="GN998877")
    return older, newer


def _merge(client: Client, keep: Person, absorb: Person) -> object:
    return client.post(
        url("merge", "roma", pk=absorb.pk, other_pk=keep.pk), {"keep": keep.pk, "confirm": "on"}
    )


def test_the_duplicates_page_offers_the_coordinator_a_merge(
    client_for: Callable[[str], Client], twins: tuple[Person, Person]
) -> None:
    older, newer = twins
    page = client_for("coordinator_a").get(url("duplicates", "roma", pk=newer.pk))
    assert url("merge", "roma", pk=newer.pk, other_pk=older.pk) in page.content.decode()
    assert (
        url("merge", "roma", pk=newer.pk, other_pk=older.pk)
        not in client_for("operator_a").get(url("duplicates", "roma", pk=newer.pk)).content.decode()
    )


def test_a_merge_moves_everything_to_the_record_kept(
    client_for: Callable[[str], Client], twins: tuple[Person, Person], site_a: Site
) -> None:
    older, newer = twins
    client = client_for("coordinator_a")
    response = _merge(client, keep=older, absorb=newer)
    assert response["Location"] == url("detail", "roma", pk=older.pk)
    with scope(site=site_a):
        older.refresh_from_db()
        newer.refresh_from_db()
        assert newer.merged_into_id == older.pk
        assert LegalStatus.objects.filter(person=older).count() == 2
        assert IdentityDocument.objects.filter(person=older, number="GN998877").exists()
        # The same nationality is not repeated; the phone fills the kept record's blank one.
        assert Nationality.objects.filter(person=older).count() == 1
        assert older.phone == "+393331234567"
        assert "Muhammad Jallow" in [o.name for o in older.other_names.all()]
        # Found under either spelling, once.
        hits = matching.search_people(site=site_a, query="Muhammad Jallow")
        assert [h.person.pk for h in hits][:1] == [older.pk]
        assert newer.pk not in [h.person.pk for h in matching.search_people(site=site_a, query="Jallow")]
    case = client.get(url("detail", "roma", pk=older.pk))
    assert "GN998877" in page_text(case)
    # The absorbed record's address leads to the kept one.
    assert client.get(url("detail", "roma", pk=newer.pk))["Location"] == url("detail", "roma", pk=older.pk)
    entry = AuditEntry.objects.get(action="people.person.merged")
    assert entry.data == {"kept": older.pk, "absorbed": newer.pk}


def test_a_merge_needs_the_confirmation_and_the_coordinator(
    client_for: Callable[[str], Client], twins: tuple[Person, Person]
) -> None:
    older, newer = twins
    refused = client_for("coordinator_a").post(
        url("merge", "roma", pk=newer.pk, other_pk=older.pk), {"keep": older.pk}
    )
    assert refused.status_code == 400
    assert _merge(client_for("operator_a"), keep=older, absorb=newer).status_code == 403
    assert not Merge.objects.with_scopes_disabled().exists()


def test_an_administrator_undoes_a_merge_and_both_records_come_back_as_they_were(
    client_for: Callable[[str], Client], twins: tuple[Person, Person], site_a: Site
) -> None:
    older, newer = twins
    _merge(client_for("coordinator_a"), keep=older, absorb=newer)
    merge = Merge.objects.with_scopes_disabled().get()
    admin = client_for("admin_a")
    listing = admin.get(url("merges", "roma"))
    assert "Muhammad Jallow" in page_text(listing)
    assert client_for("coordinator_a").post(url("merge_undo", "roma", merge_id=merge.pk)).status_code == 403
    response = admin.post(url("merge_undo", "roma", merge_id=merge.pk), follow=True)
    assert shows(response, "The merge was undone: the two records are separate again.")
    with scope(site=site_a):
        older.refresh_from_db()
        newer.refresh_from_db()
        assert newer.merged_into_id is None
        assert older.phone == ""
        assert LegalStatus.objects.filter(person=older).count() == 1
        assert LegalStatus.objects.filter(person=newer).count() == 1
        assert IdentityDocument.objects.filter(person=newer, number="GN998877").exists()
        assert "Muhammad Jallow" not in [o.name for o in older.other_names.all()]
        assert {h.person.pk for h in matching.search_people(site=site_a, query="Jallow")} >= {newer.pk}
    # Undoing twice changes nothing more.
    again = admin.post(url("merge_undo", "roma", merge_id=merge.pk), follow=True)
    assert shows(again, "This merge was already undone.")
    assert AuditEntry.objects.filter(action="people.person.merge_undone").count() == 1
