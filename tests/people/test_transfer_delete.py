"""Transfer to another site, soft delete and restore: coordinators only, audited, nothing left behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_scopes import scope, scopes_disabled

from percorsi.core.models import Site
from percorsi.people import matching, services
from percorsi.people.models import NameKey, Person
from percorsi.people.services import PERSON_CHILDREN
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, form_fields, png_bytes, url

NOTE = "Legal aid lawyer: avv. Bianchi, hearing in March"


@pytest.fixture
def coordinator(client_for: Callable[[str], Client]) -> Client:
    return client_for("coordinator_a")


@pytest.fixture
def full_person(
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., Any],
    add_document: Callable[..., Any],
    add_note: Callable[..., Any],
    add_notice: Callable[..., Any],
    operator: Any,
) -> Person:
    """A person with a row of every kind hanging from them."""
    person = make_person(site_a, "Yonas", "Tesfamariam", sex="M", nationality="ER", mother_tongue="ti")
    with scope(site=site_a):
        services.person_update(
            person=person,
            actor=operator,
            version=None,
            fields={},
            other_names=["Yonas Tesfamaryam"],
            nationalities=["ER", "ET"],
        )
        services.language_set(
            person=person, actor=operator, language="en", level="B1", is_mother_tongue=False
        )
    add_status(person, status="refugee", permit_number="RM5550001", valid_from=date(2022, 1, 10))
    add_status(person, status="asylum_seeker", valid_from=date(2020, 6, 1))
    add_document(person, kind="passport", number="ER0001234", scan=png_bytes())
    add_note(person, NOTE, category="legal")
    add_notice(person, date(2024, 4, 2), purposes=("case_management", "job_matching"))
    brother = make_person(site_a, "Filmon", "Tesfamariam", sex="M", nationality="ER", mother_tongue="ti")
    with scope(site=site_a):
        services.household_link_add(person=person, actor=operator, relative=brother, relation="sibling")
    return person


def child_sites(person: Person) -> dict[str, set[int]]:
    with scopes_disabled():
        found = {
            model.__name__: set(model.objects.filter(person=person).values_list("site_id", flat=True))
            for model in PERSON_CHILDREN
        }
        found["NameKey"] = set(NameKey.objects.filter(person=person).values_list("site_id", flat=True))
    return found


def reload(person: Person) -> Person:
    with scopes_disabled():
        return Person.objects.get(pk=person.pk)


def found(site: Site, query: str) -> list[int]:
    return [hit.person.pk for hit in matching.search_people(site=site, query=query)]


# --- Transfer ------------------------------------------------------------------------------------


def test_the_transfer_moves_the_person_and_everything_about_them(
    coordinator: Client,
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    full_person: Person,
) -> None:
    person = full_person
    kinds = child_sites(person)
    assert all(sites == {site_a.pk} for sites in kinds.values()), kinds
    assert all(kinds.values())  # a row of every kind to move

    form_page = coordinator.get(url("transfer", site_a, pk=person.pk))
    assert form_page.status_code == 200
    assert "Vicenza" in page_text(form_page)
    data = form_fields(form_page, "to_site") | {"to_site": str(site_b.pk), "confirm": "on"}
    response = coordinator.post(url("transfer", site_a, pk=person.pk), data)

    assert response.status_code == 302
    assert response["Location"] == url("list", site_a)
    moved = reload(person)
    assert moved.site_id == site_b.pk
    assert moved.operator is None  # Vicenza assigns its own
    assert all(sites == {site_b.pk} for sites in child_sites(person).values()), child_sites(person)

    # Roma no longer sees the case: not on the case file, nor the list, nor the search.
    roma = client_for("operator_a")
    assert roma.get(url("detail", site_a, pk=person.pk)).status_code == 404
    assert url("detail", site_a, pk=person.pk) not in page_text(roma.get(url("list", site_a)))
    assert found(site_a, "Yonas Tesfamariam") == []
    assert found(site_a, "ER0001234") == []

    # Vicenza's operator sees all of it, the scan included.
    vicenza = client_for("operator_b")
    page = vicenza.get(url("detail", site_b, pk=person.pk))
    assert page.status_code == 200
    text = page_text(page)
    for expected in ("TESFAMARIAM Yonas", "Yonas Tesfamaryam", "RM5550001", "ER0001234", NOTE):
        assert expected in text, expected
    with scope(site=site_b):
        document = person.documents.get()
    scan = vicenza.get(url("document_scan", site_b, pk=person.pk, document_id=document.pk))
    assert scan.status_code == 200
    assert b"".join(scan.streaming_content).startswith(b"\x89PNG")
    assert found(site_b, "Yonas Tesfamaryam") == [person.pk]
    assert found(site_b, "RM5550001") == [person.pk]

    # One audit entry at each site, so that both auditors see the move.
    entries = audit_entries("people.person.transferred")
    assert sorted(entry.site_id for entry in entries) == sorted([site_a.pk, site_b.pk])
    assert {entry.object_id for entry in entries} == {str(person.pk)}
    assert all(
        entry.data["from_site"] == site_a.pk and entry.data["to_site"] == site_b.pk for entry in entries
    )


def test_a_relative_left_behind_is_not_named_at_the_new_site(
    coordinator: Client,
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    make_person: Callable[..., Person],
    operator: Any,
) -> None:
    person = make_person(site_a, "Senait", "Haile", nationality="ER", mother_tongue="ti")
    sister = make_person(site_a, "Almaz", "Haile", nationality="ER", mother_tongue="ti")
    with scope(site=site_a):
        services.household_link_add(person=person, actor=operator, relative=sister, relation="sibling")
    data = form_fields(coordinator.get(url("transfer", site_a, pk=person.pk)), "to_site")
    coordinator.post(
        url("transfer", site_a, pk=person.pk), data | {"to_site": str(site_b.pk), "confirm": "on"}
    )

    page = client_for("operator_b").get(url("detail", site_b, pk=person.pk))
    assert page.status_code == 200
    assert "Almaz" not in page_text(page)
    assert shows(page, "a relative followed at another site")
    assert {entry.data["relatives_elsewhere"] for entry in audit_entries("people.person.transferred")} == {1}


def test_a_transfer_must_be_confirmed(
    coordinator: Client, site_a: Site, site_b: Site, full_person: Person
) -> None:
    data = form_fields(coordinator.get(url("transfer", site_a, pk=full_person.pk)), "to_site")
    response = coordinator.post(
        url("transfer", site_a, pk=full_person.pk), data | {"to_site": str(site_b.pk)}
    )
    assert response.status_code == 400
    assert reload(full_person).site_id == site_a.pk
    assert audit_entries("people.person.transferred") == []


def test_a_transfer_to_its_own_site_is_not_offered(
    coordinator: Client, site_a: Site, full_person: Person
) -> None:
    data = form_fields(coordinator.get(url("transfer", site_a, pk=full_person.pk)), "to_site")
    response = coordinator.post(
        url("transfer", site_a, pk=full_person.pk), data | {"to_site": str(site_a.pk), "confirm": "on"}
    )
    assert response.status_code == 400
    assert reload(full_person).site_id == site_a.pk


@pytest.mark.parametrize("persona", ["operator_a", "volunteer_a"])
def test_only_coordinators_transfer_delete_and_restore(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, full_person: Person, persona: str
) -> None:
    client = client_for(persona)
    pk = full_person.pk
    assert (
        client.post(
            url("transfer", site_a, pk=pk), {"to_site": site_b.pk, "confirm": "on", "version": 1}
        ).status_code
        == 403
    )
    assert client.post(url("delete", site_a, pk=pk)).status_code == 403
    assert client.post(url("restore", site_a, pk=pk)).status_code == 403
    assert client.get(url("deleted", site_a)).status_code == 403
    saved = reload(full_person)
    assert (saved.site_id, saved.deleted_at) == (site_a.pk, None)
    # The case file does not offer them either.
    page = page_text(client.get(url("detail", site_a, pk=pk)))
    assert url("transfer", site_a, pk=pk) not in page
    assert url("delete", site_a, pk=pk) not in page


# --- Delete and restore --------------------------------------------------------------------------


def test_delete_hides_and_restore_brings_back(
    coordinator: Client, client_for: Callable[[str], Client], site_a: Site, full_person: Person
) -> None:
    pk = full_person.pk
    operator = client_for("operator_a")
    assert url("detail", site_a, pk=pk) in page_text(operator.get(url("list", site_a)))

    response = coordinator.post(url("delete", site_a, pk=pk))
    assert response.status_code == 302
    assert response["Location"] == url("list", site_a)
    assert reload(full_person).deleted_at is not None
    [deleted] = audit_entries("people.person.deleted")
    assert deleted.object_id == str(pk)

    # Gone from the list and the search, for everyone.
    listing = operator.get(url("list", site_a))
    assert url("detail", site_a, pk=pk) not in page_text(listing)
    searched = operator.get(url("list", site_a), {"q": "Tesfamariam"})
    assert url("detail", site_a, pk=pk) not in page_text(searched)
    assert found(site_a, "Yonas Tesfamariam") == []
    assert found(site_a, "ER0001234") == []
    # Listed among the deleted records, and the case file says so.
    assert url("detail", site_a, pk=pk) in page_text(coordinator.get(url("deleted", site_a)))
    page = coordinator.get(url("detail", site_a, pk=pk))
    assert page.status_code == 200
    assert url("restore", site_a, pk=pk) in page_text(page)
    # Nothing can be added to a deleted record.
    assert operator.get(url("note_add", site_a, pk=pk)).status_code == 404
    # Deleting again says so, and changes nothing.
    again = coordinator.post(url("delete", site_a, pk=pk), follow=True)
    assert shows(again, "This record is already deleted.")
    assert len(audit_entries("people.person.deleted")) == 1

    response = coordinator.post(url("restore", site_a, pk=pk), follow=True)
    assert response.redirect_chain == [(url("detail", site_a, pk=pk), 302)]
    assert shows(response, "The record was restored.")
    assert reload(full_person).deleted_at is None
    assert len(audit_entries("people.person.restored")) == 1
    assert url("detail", site_a, pk=pk) in page_text(operator.get(url("list", site_a)))
    assert found(site_a, "Yonas Tesfamariam") == [pk]
    assert url("detail", site_a, pk=pk) not in page_text(coordinator.get(url("deleted", site_a)))


def test_restoring_a_record_that_is_not_deleted(
    coordinator: Client, site_a: Site, full_person: Person
) -> None:
    response = coordinator.post(url("restore", site_a, pk=full_person.pk), follow=True)
    assert shows(response, "This record is not deleted.")
    assert audit_entries("people.person.restored") == []
