"""Correcting and removing legal status entries and documents, through the pages.

A correction fixes a mistake in place (the history keeps the value before); a change of status is a
new entry; a removal is for an entry recorded by mistake, with a reason, and takes the scan with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.people import matching, selectors, services
from percorsi.people.models import IdentityDocument, LegalStatus, Person
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, form_fields, pdf_bytes, png_bytes, stored_files, url

StatusMaker = Callable[..., LegalStatus]
DocumentMaker = Callable[..., IdentityDocument]


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def media(settings: Any) -> Path:
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Abdoulaye", "Camara", sex="M", nationality="GN")


@pytest.fixture
def entry(person: Person, add_status: StatusMaker) -> LegalStatus:
    return add_status(
        person,
        status="asylum_seeker",
        valid_from=date(2024, 2, 1),
        permit_type="Richiesta asilo",
        permit_number="RM123456",
        issued_by="Questura di Roma",
        issued_on=date(2024, 2, 1),
        expires_on=in_days(400),
    )


@pytest.fixture
def document(person: Person, add_document: DocumentMaker) -> IdentityDocument:
    return add_document(
        person,
        kind="passport",
        number="GN765432",
        issuer="République de Guinée",
        issued_on=date(2022, 3, 1),
        expires_on=in_days(900),
        scan=png_bytes(),
    )


def reload[M: (LegalStatus, IdentityDocument)](obj: M) -> M | None:
    with scope(site=obj.site):
        return type(obj).objects.filter(pk=obj.pk).first()


def history_of(model: type[LegalStatus | IdentityDocument], pk: int) -> list[Any]:
    """The history records of one row, oldest first (they outlive the row)."""
    return list(model.history.filter(id=pk).order_by("history_date", "history_id"))


def edit_url(obj: LegalStatus | IdentityDocument) -> str:
    if isinstance(obj, LegalStatus):
        return url("legal_status_edit", obj.site, pk=obj.person_id, status_id=obj.pk)
    return url("document_edit", obj.site, pk=obj.person_id, document_id=obj.pk)


def remove_url(obj: LegalStatus | IdentityDocument) -> str:
    if isinstance(obj, LegalStatus):
        return url("legal_status_remove", obj.site, pk=obj.person_id, status_id=obj.pk)
    return url("document_remove", obj.site, pk=obj.person_id, document_id=obj.pk)


def the_form(client: Client, obj: LegalStatus | IdentityDocument, **changes: Any) -> dict[str, Any]:
    """What the edit page's form sends as it stands, with some fields changed, as a user would."""
    page = client.get(edit_url(obj))
    assert page.status_code == 200
    return form_fields(page, "version") | changes


def expiring(site: Site) -> list[int]:
    """The people of the site in the expiry alerts (60 days)."""
    with scope(site=site):
        return [expiry.person_id for expiry in selectors.site_expiries(site=site)]


# --- Correcting a legal status entry -------------------------------------------------------------


def test_the_edit_page_says_a_change_of_status_is_a_new_entry(
    client: Client, entry: LegalStatus, person: Person
) -> None:
    page = client.get(edit_url(entry))

    assert page.status_code == 200
    assert shows(
        page,
        "If the status has changed (a new permit, a renewal, another kind of protection), do not correct "
        "this entry: add a new status instead, so that the history stays complete.",
    )
    assert url("legal_status_add", person.site, pk=person.pk) in page_text(page)
    fields = form_fields(page, "version")
    assert (fields["permit_number"], fields["status"], fields["version"]) == (
        "RM123456",
        "asylum_seeker",
        "1",
    )


def test_a_correction_changes_the_entry_and_the_history_keeps_the_old_value(
    client: Client, entry: LegalStatus, person: Person, operator: Any
) -> None:
    response = client.post(edit_url(entry), the_form(client, entry, permit_number="RM1234567"))

    assert response.status_code == 302
    assert response["Location"] == url("detail", person.site, pk=person.pk)
    corrected = reload(entry)
    assert corrected is not None
    assert (corrected.permit_number, corrected.version) == ("RM1234567", 2)
    assert corrected.issued_by == "Questura di Roma"  # the other fields as they were
    with scope(site=person.site):
        assert LegalStatus.objects.filter(person=person).count() == 1  # corrected, not added
    before, after = history_of(LegalStatus, entry.pk)
    assert (before.permit_number, after.permit_number) == ("RM123456", "RM1234567")
    assert after.history_user == operator
    [audited] = audit_entries("people.legal_status.corrected")
    assert (audited.object_type, audited.object_id, audited.site_id) == (
        "people.legalstatus",
        str(entry.pk),
        person.site_id,
    )
    assert audited.data == {"person": person.pk, "fields": 1}
    # The search follows the correction.
    assert [hit.person.pk for hit in matching.search_people(site=person.site, query="RM1234567")] == [
        person.pk
    ]
    page = client.get(url("detail", person.site, pk=person.pk))
    assert shows(
        page, "The entry was corrected. The history of changes keeps the values before the correction."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"issued_on": "2024-05-01", "expires_on": "2024-04-30"},
            "The expiry date is before the issue date.",
        ),
        ({}, "Nothing was changed: correct a field, or cancel."),
        ({"status": "not-a-status"}, None),
        ({"expires_on": "31/31/2024"}, None),
    ],
    ids=["expiry-before-issue", "nothing-changed", "unknown-status", "bad-date"],
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    client: Client, entry: LegalStatus, changes: dict[str, str], message: str | None
) -> None:
    response = client.post(edit_url(entry), the_form(client, entry, **changes))

    assert response.status_code == 400
    if message:
        assert shows(response, message)
    unchanged = reload(entry)
    assert unchanged is not None
    assert (unchanged.version, unchanged.permit_number, unchanged.expires_on) == (
        1,
        "RM123456",
        entry.expires_on,
    )
    assert len(history_of(LegalStatus, entry.pk)) == 1
    assert audit_entries("people.legal_status.corrected") == []


def test_a_stale_correction_is_refused(client: Client, entry: LegalStatus, operator: Any) -> None:
    opened = the_form(client, entry, permit_number="RM000001")
    with scope(site=entry.site):
        services.legal_status_correct(
            entry=entry, actor=operator, version=1, fields={"permit_type": "Richiesta asilo (C3)"}
        )

    response = client.post(edit_url(entry), opened)

    assert response.status_code == 400
    assert shows(
        response,
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again.",
    )
    current = reload(entry)
    assert current is not None
    assert (current.permit_number, current.permit_type) == ("RM123456", "Richiesta asilo (C3)")


def test_correcting_the_expiry_moves_the_person_in_and_out_of_the_alerts(
    client: Client, entry: LegalStatus, person: Person
) -> None:
    assert person.pk not in expiring(person.site)

    client.post(edit_url(entry), the_form(client, entry, expires_on=in_days(30).isoformat()))
    assert person.pk in expiring(person.site)

    client.post(edit_url(entry), the_form(client, entry, expires_on=in_days(400).isoformat()))
    assert person.pk not in expiring(person.site)


# --- Removing a legal status entry ---------------------------------------------------------------


def test_the_removal_page_asks_for_a_reason_and_says_what_to_do_instead(
    client: Client, entry: LegalStatus
) -> None:
    page = client.get(remove_url(entry))

    assert page.status_code == 200
    assert "RM123456" in page_text(page)  # which entry goes
    assert shows(
        page,
        "Remove this entry only if it was recorded by mistake, for example on the wrong person or twice. "
        "If the status has changed, do not remove the earlier entry: add a new status instead, so that "
        "the history stays complete.",
    )
    assert "reason" in form_fields(page, "reason")


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_a_removal_without_a_reason_is_refused(client: Client, entry: LegalStatus, reason: str) -> None:
    response = client.post(remove_url(entry), {"reason": reason})

    assert response.status_code == 400
    assert shows(response, "Say why the entry is removed.")
    assert reload(entry) is not None
    assert audit_entries("people.legal_status.removed") == []


def test_a_removal_with_a_too_long_reason_is_refused(client: Client, entry: LegalStatus) -> None:
    response = client.post(remove_url(entry), {"reason": "x" * 201})
    assert response.status_code == 400
    assert reload(entry) is not None


def test_a_removal_deletes_the_entry_and_the_history_keeps_it_with_the_reason(
    client: Client, entry: LegalStatus, person: Person, add_status: StatusMaker, operator: Any
) -> None:
    wrong = add_status(
        person,
        status="refugee",
        valid_from=date(2025, 1, 10),
        permit_number="VI999000",
        issued_on=date(2025, 1, 10),
        expires_on=in_days(20),
    )
    assert person.pk in expiring(person.site)
    reason = "Registrato sulla persona sbagliata"

    response = client.post(remove_url(wrong), {"reason": reason})

    assert response.status_code == 302
    assert reload(wrong) is None
    *_, removed = history_of(LegalStatus, wrong.pk)
    assert (removed.history_type, removed.history_change_reason, removed.history_user) == (
        "-",
        reason,
        operator,
    )
    assert removed.permit_number == "VI999000"  # the history keeps what was removed
    [audited] = audit_entries("people.legal_status.removed")
    assert (audited.object_type, audited.object_id, audited.site_id) == (
        "people.legalstatus",
        str(wrong.pk),
        person.site_id,
    )
    assert audited.data == {"person": person.pk}  # ids only: never the reason
    # The entry before is the current one again; its permit is not expiring.
    with scope(site=person.site):
        assert selectors.current_legal_status(person) == entry
    assert person.pk not in expiring(person.site)
    assert matching.search_people(site=person.site, query="VI999000") == []
    page = client.get(url("detail", person.site, pk=person.pk))
    assert shows(page, "The entry was removed. The history of changes keeps it, with the reason.")
    assert "VI999000" not in page_text(page)


# --- Correcting a document -----------------------------------------------------------------------


def test_a_document_correction_keeps_the_scan(
    client: Client, document: IdentityDocument, media: Path
) -> None:
    scan_name = document.scan.name
    page = client.get(edit_url(document))
    assert shows(page, "Leave it empty to keep the current scan.")

    response = client.post(edit_url(document), the_form(client, document, number="GN7654321"))

    assert response.status_code == 302
    corrected = reload(document)
    assert corrected is not None
    assert (corrected.number, corrected.scan.name) == ("GN7654321", scan_name)
    assert stored_files(media) == [scan_name]
    before, after = history_of(IdentityDocument, document.pk)
    assert (before.number, after.number) == ("GN765432", "GN7654321")
    [audited] = audit_entries("people.document.corrected")
    assert audited.data == {"person": document.person_id, "fields": 1, "scan": "kept"}


def test_a_new_scan_replaces_the_old_file_after_the_commit(
    client: Client,
    document: IdentityDocument,
    media: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    old_name = document.scan.name
    data = the_form(
        client, document, scan_file=SimpleUploadedFile("nuovo.pdf", pdf_bytes(), "application/pdf")
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(edit_url(document), data)
    assert response.status_code == 302
    corrected = reload(document)
    assert corrected is not None
    assert corrected.scan.name != old_name
    assert corrected.scan.name.endswith(".pdf")
    assert corrected.scan_content_type == "application/pdf"
    assert sorted(stored_files(media)) == sorted([old_name, corrected.scan.name])  # not before the commit

    for callback in callbacks:
        callback()
    assert stored_files(media) == [corrected.scan.name]
    [audited] = audit_entries("people.document.corrected")
    assert audited.data == {"person": document.person_id, "fields": 0, "scan": "replaced"}


def test_the_wrong_scan_can_be_removed(
    client: Client,
    document: IdentityDocument,
    media: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(document), the_form(client, document, remove_scan="on"))

    assert response.status_code == 302
    corrected = reload(document)
    assert corrected is not None
    assert not corrected.scan
    assert (corrected.scan_content_type, corrected.scan_size) == ("", None)
    assert stored_files(media) == []


def test_a_scan_can_be_added_to_a_document_without_one(
    client: Client, person: Person, add_document: DocumentMaker, media: Path
) -> None:
    bare = add_document(person, kind="health_card", number="80380001200123456789")
    assert "remove_scan" not in form_fields(client.get(edit_url(bare)), "version")

    data = the_form(client, bare, scan_file=SimpleUploadedFile("tessera.png", png_bytes(), "image/png"))
    response = client.post(edit_url(bare), data)

    assert response.status_code == 302
    corrected = reload(bare)
    assert corrected is not None
    assert stored_files(media) == [corrected.scan.name]
    [audited] = audit_entries("people.document.corrected")
    assert audited.data == {"person": person.pk, "fields": 0, "scan": "added"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"issued_on": "2024-01-01", "expires_on": "2023-01-01"},
            "The expiry date is before the issue date.",
        ),
        ({}, "Nothing was changed: correct a field, or cancel."),
        (
            {"remove_scan": "on", "scan_file": "png"},
            "Either upload a new scan or remove the current one, not both.",
        ),
        ({"scan_file": "script"}, None),
    ],
    ids=["expiry-before-issue", "nothing-changed", "replace-and-remove", "disguised-file"],
)
def test_a_bad_document_correction_changes_nothing_and_stores_nothing(
    client: Client,
    document: IdentityDocument,
    media: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
    changes: dict[str, str],
    message: str | None,
) -> None:
    files = {
        "png": SimpleUploadedFile("scan.png", png_bytes((60, 40)), "image/png"),
        "script": SimpleUploadedFile("scan.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
    }
    if "scan_file" in changes:
        changes = changes | {"scan_file": files[changes["scan_file"]]}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(document), the_form(client, document, **changes))

    assert response.status_code == 400
    if message:
        assert shows(response, message)
    unchanged = reload(document)
    assert unchanged is not None
    assert (unchanged.version, unchanged.scan.name, unchanged.expires_on) == (
        1,
        document.scan.name,
        document.expires_on,
    )
    assert stored_files(media) == [document.scan.name]
    assert audit_entries("people.document.corrected") == []


def test_correcting_a_document_expiry_moves_the_person_into_the_alerts(
    client: Client, document: IdentityDocument, person: Person
) -> None:
    assert person.pk not in expiring(person.site)
    client.post(edit_url(document), the_form(client, document, expires_on=in_days(10).isoformat()))
    assert person.pk in expiring(person.site)


# --- Removing a document -------------------------------------------------------------------------


def test_the_removal_page_says_the_scan_goes_too(client: Client, document: IdentityDocument) -> None:
    page = client.get(remove_url(document))
    assert page.status_code == 200
    assert "GN765432" in page_text(page)
    assert shows(
        page,
        "The scan is deleted too, because it may be someone else's document. If it belongs to another "
        "person followed, record it on their case file before removing it here.",
    )


def test_a_document_removal_requires_a_reason(
    client: Client, document: IdentityDocument, media: Path
) -> None:
    response = client.post(remove_url(document), {"reason": ""})
    assert response.status_code == 400
    assert shows(response, "Say why the entry is removed.")
    assert reload(document) is not None
    assert stored_files(media) == [document.scan.name]


def test_a_document_removal_deletes_the_row_then_the_scan_and_keeps_the_history(
    client: Client,
    document: IdentityDocument,
    person: Person,
    media: Path,
    operator: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    document_id, scan_name = document.pk, document.scan.name
    reason = "Passaporto di un'altra persona"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(remove_url(document), {"reason": reason})
    assert response.status_code == 302
    assert reload(document) is None
    assert stored_files(media) == [scan_name]  # the file goes only once the removal is committed
    for callback in callbacks:
        callback()
    assert stored_files(media) == []

    *_, removed = history_of(IdentityDocument, document_id)
    assert (removed.history_type, removed.history_change_reason, removed.history_user) == (
        "-",
        reason,
        operator,
    )
    assert removed.number == "GN765432"
    [audited] = audit_entries("people.document.removed")
    assert (audited.object_type, audited.object_id) == ("people.identitydocument", str(document_id))
    assert audited.data == {"person": person.pk, "scan": True}
    assert matching.search_people(site=person.site, query="GN765432") == []


# --- Who may, and where --------------------------------------------------------------------------


ROUTES = ["legal_status_edit", "legal_status_remove", "document_edit", "document_remove"]


def _route(name: str, entry: LegalStatus, document: IdentityDocument, site: Site | str | None = None) -> str:
    obj: LegalStatus | IdentityDocument = entry if name.startswith("legal_status") else document
    key = "status_id" if isinstance(obj, LegalStatus) else "document_id"
    return url(name, site or obj.site, pk=obj.person_id, **{key: obj.pk})


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a", "auditor_a", "admin_a"])
def test_roles_without_sensitive_access_get_403(
    client_for: Callable[[str], Client],
    entry: LegalStatus,
    document: IdentityDocument,
    name: str,
    persona: str,
) -> None:
    address = _route(name, entry, document)
    client = client_for(persona)
    assert client.get(address).status_code == 403
    assert client.post(address, {"reason": "test", "version": "1", "status": "refugee"}).status_code == 403
    assert reload(entry) is not None and reload(entry).version == 1  # type: ignore[union-attr]
    assert reload(document) is not None


@pytest.mark.parametrize("name", ROUTES)
def test_another_sites_operator_gets_404(
    client_for: Callable[[str], Client],
    site_b: Site,
    entry: LegalStatus,
    document: IdentityDocument,
    name: str,
) -> None:
    client = client_for("operator_b")
    for address in (_route(name, entry, document), _route(name, entry, document, site_b)):
        assert client.get(address).status_code == 404
        assert client.post(address, {"reason": "test"}).status_code == 404
    assert reload(entry) is not None
    assert reload(document) is not None


@pytest.mark.parametrize("name", ROUTES)
def test_an_entry_of_another_person_is_404(
    client: Client,
    site_a: Site,
    make_person: Callable[..., Person],
    entry: LegalStatus,
    document: IdentityDocument,
    name: str,
) -> None:
    other = make_person(site_a, "Mariam", "Traoré")
    key = "status_id" if name.startswith("legal_status") else "document_id"
    obj = entry if name.startswith("legal_status") else document
    address = url(name, site_a, pk=other.pk, **{key: obj.pk})
    assert client.get(address).status_code == 404
    assert client.post(address, {"reason": "test"}).status_code == 404
    assert reload(obj) is not None


@pytest.mark.parametrize("name", ROUTES)
def test_a_deleted_record_cannot_be_changed(
    client: Client,
    person: Person,
    entry: LegalStatus,
    document: IdentityDocument,
    name: str,
    personas: dict[str, Any],
) -> None:
    with scope(site=person.site):
        services.person_delete(person=person, actor=personas["coordinator_a"].user)
    address = _route(name, entry, document)
    assert client.get(address).status_code == 404
    assert client.post(address, {"reason": "test"}).status_code == 404
    assert reload(entry) is not None
    assert reload(document) is not None


def test_a_merged_record_cannot_be_changed(
    client: Client,
    site_a: Site,
    person: Person,
    entry: LegalStatus,
    make_person: Callable[..., Person],
    personas: dict[str, Any],
) -> None:
    keep = make_person(site_a, "Abdoulaye", "Kamara", sex="M", nationality="GN")
    with scope(site=site_a):
        services.person_merge(keep=keep, absorb=person, actor=personas["coordinator_a"].user)
    # The entry moved to the kept record; through the absorbed one's address it is not there.
    assert client.get(url("legal_status_edit", site_a, pk=person.pk, status_id=entry.pk)).status_code == 404
    assert client.get(url("legal_status_edit", site_a, pk=keep.pk, status_id=entry.pk)).status_code == 200


# --- The case file -------------------------------------------------------------------------------


def test_the_case_file_links_to_correct_and_remove_for_sensitive_roles_only(
    client_for: Callable[[str], Client],
    person: Person,
    entry: LegalStatus,
    document: IdentityDocument,
    add_status: StatusMaker,
) -> None:
    earlier = entry
    current = add_status(person, status="refugee", valid_from=date(2025, 3, 1))
    links = [edit_url(obj) for obj in (earlier, current, document)] + [
        remove_url(obj) for obj in (earlier, current, document)
    ]

    for persona in ("operator_a", "coordinator_a"):
        text = page_text(client_for(persona).get(url("detail", person.site, pk=person.pk)))
        assert all(link in text for link in links), persona
    for persona in ("volunteer_a", "teacher_a"):
        text = page_text(client_for(persona).get(url("detail", person.site, pk=person.pk)))
        assert not any(link in text for link in links), persona


def test_a_deleted_records_case_file_has_no_correct_or_remove_links(
    client: Client, person: Person, entry: LegalStatus, personas: dict[str, Any]
) -> None:
    with scope(site=person.site):
        services.person_delete(person=person, actor=personas["coordinator_a"].user)
    text = page_text(client.get(url("detail", person.site, pk=person.pk)))
    assert edit_url(entry) not in text
    assert remove_url(entry) not in text
