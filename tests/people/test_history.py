"""The history of a person's record: every change to anything recorded about them, in one list.

Changes are made through the services, as the pages make them; the page is read as an Italian user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.history import PAGE_SIZE, HistoryRow
from percorsi.core.models import Site
from percorsi.people import reference, services, uploads
from percorsi.people.choices import CaseStatus, ConsentPurpose, LegalStatusKind, NoteCategory
from percorsi.people.models import (
    ConfidentialNote,
    Consent,
    IdentityDocument,
    LegalStatus,
    Nationality,
    OtherName,
    Person,
    PrivacyNotice,
    SpokenLanguage,
)
from tests.helpers import italian, page_text
from tests.people.conftest import audit_entries, pdf_bytes, png_bytes, url

NOTE = "Follows a therapy at the ASL clinic on Tuesdays"


def it(value: Any) -> str:
    """A label (lazy or not) as the Italian page shows it."""
    with translation.override("it"):
        return str(value)


def it_date(day: date) -> str:
    with translation.override("it"):
        return date_format(day, "SHORT_DATE_FORMAT")


def verbose(model: type[Any], field: str | None = None) -> str:
    meta = model._meta
    return capfirst(it(meta.get_field(field).verbose_name if field else meta.verbose_name))


def described(row: HistoryRow) -> dict[str, Any]:
    """A row as the Italian page says it."""
    return {
        "subject": capfirst(it(row.subject)),
        "title": row.title,
        "kind": it(row.kind),
        "who": str(row.who) if row.who else None,
        "changes": [(capfirst(it(c.field)), it(c.before), it(c.after), it(c.note)) for c in row.changes],
        "values": [(capfirst(it(v.field)), it(v.after)) for v in row.values],
        "reason": row.reason,
    }


def rows_about(response: Any, model: type[Any]) -> list[dict[str, Any]]:
    return [d for d in map(described, response.context["rows"]) if d["subject"] == verbose(model)]


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def operator(personas: dict[str, Any]) -> User:
    return personas["operator_a"].user


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Amina", "Yusuf", nationality="SO", mother_tongue="so")


def reload(person: Person) -> Person:
    with scope(site=person.site):
        return Person.objects.get(pk=person.pk)


def test_every_kind_of_record_appears_with_before_and_after_in_italian(
    client: Client,
    site_a: Site,
    person: Person,
    operator: User,
    add_status: Callable[..., LegalStatus],
    add_notice: Callable[..., PrivacyNotice],
    add_note: Callable[..., ConfidentialNote],
) -> None:
    status = add_status(person, status="asylum_seeker", expires_on=date(2025, 1, 31))
    notice = add_notice(person, date(2024, 1, 10), purposes=("case_management",))
    add_note(person, NOTE, category="health")
    with scope(site=site_a):
        # The nationality corrected from Somali to Eritrean, and another name added, in one edit.
        services.person_update(
            person=person,
            actor=operator,
            version=reload(person).version,
            fields={},
            other_names=["Amiina Yuusuf"],
            nationalities=["ER"],
        )
        services.language_remove(
            person=person, actor=operator, language_id=person.languages.get(language="so").pk
        )
        services.legal_status_correct(
            entry=status,
            actor=operator,
            version=status.version,
            fields={"status": "subsidiary", "expires_on": date(2026, 5, 31)},
        )
        services.consent_withdraw(
            consent=notice.consents.get(), actor=operator, withdrawn_on=date(2024, 6, 1)
        )
        services.case_status_set(
            person=person,
            actor=operator,
            version=reload(person).version,
            status="suspended",
            since=timezone.localdate(),
        )

    response = client.get(url("history", site_a, pk=person.pk))

    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    rows = response.context["rows"]
    assert [row.when for row in rows] == sorted((row.when for row in rows), reverse=True)
    created, changed, removed = italian("created"), italian("changed"), italian("removed")
    operator_name = "Operator A"

    [corrected] = [r for r in rows_about(response, LegalStatus) if r["kind"] == changed]
    assert corrected["title"] == it(LegalStatusKind.SUBSIDIARY.label)
    assert corrected["who"] == operator_name
    assert corrected["changes"] == [
        (
            verbose(LegalStatus, "status"),
            it(LegalStatusKind.ASYLUM_SEEKER.label),
            it(LegalStatusKind.SUBSIDIARY.label),
            "",
        ),
        (verbose(LegalStatus, "expires_on"), it_date(date(2025, 1, 31)), it_date(date(2026, 5, 31)), ""),
    ]

    nationalities = {(r["title"], r["kind"]) for r in rows_about(response, Nationality)}
    with translation.override("it"):
        somalia, eritrea = reference.country_name("SO"), reference.country_name("ER")
        somali = reference.language_name("so")
    assert nationalities == {(somalia, created), (somalia, removed), (eritrea, created)}

    assert ("Amiina Yuusuf", created) in {(r["title"], r["kind"]) for r in rows_about(response, OtherName)}
    assert [(r["title"], r["kind"]) for r in rows_about(response, SpokenLanguage)] == [
        (somali, removed),
        (somali, created),
    ]

    [withdrawn] = [r for r in rows_about(response, Consent) if r["kind"] == changed]
    assert withdrawn["title"] == it(ConsentPurpose.CASE_MANAGEMENT.label)
    assert withdrawn["changes"] == [(verbose(Consent, "withdrawn_on"), "", it_date(date(2024, 6, 1)), "")]

    [case_status] = [r for r in map(described, rows) if r["subject"] == verbose(Person, "case_status")]
    assert (
        verbose(Person, "case_status"),
        it(CaseStatus.ACTIVE.label),
        it(CaseStatus.SUSPENDED.label),
        "",
    ) in (case_status["changes"])

    # A note: that it was added, by whom and its category; never its text.
    [note] = rows_about(response, ConfidentialNote)
    assert (note["title"], note["kind"], note["who"]) == (
        it(NoteCategory.HEALTH.label),
        created,
        operator_name,
    )

    text = page_text(response)
    assert NOTE not in text
    # As the page says it: the field, the value before and the value after.
    assert (
        f"<strong>{verbose(LegalStatus, 'status')}</strong>: "
        f"{it(LegalStatusKind.ASYLUM_SEEKER.label)} → {it(LegalStatusKind.SUBSIDIARY.label)}"
    ) in text
    assert f"<strong>{verbose(Consent, 'withdrawn_on')}</strong>: — → {it_date(date(2024, 6, 1))}" in text
    assert operator_name in text
    # The raw codes are not what the user reads.
    assert "asylum_seeker" not in text
    assert "case_management" not in text


def test_a_removed_entry_shows_the_reason_and_a_replaced_scan_hides_the_file_names(
    client: Client,
    site_a: Site,
    person: Person,
    operator: User,
    add_status: Callable[..., LegalStatus],
    add_document: Callable[..., IdentityDocument],
) -> None:
    status = add_status(person, status="refugee")
    document = add_document(person, kind="passport", number="P1234567", scan=png_bytes())
    first_scan = document.scan.name
    with scope(site=site_a):
        services.legal_status_remove(entry=status, actor=operator, reason="Recorded on the wrong person")
        services.document_correct(
            document=document,
            actor=operator,
            version=document.version,
            fields={"number": "P7654321"},
            scan=uploads.clean_upload(SimpleUploadedFile("scan.pdf", pdf_bytes())),
        )
        second_scan = IdentityDocument.objects.get(pk=document.pk).scan.name

    response = client.get(url("history", site_a, pk=person.pk))

    [removed] = [r for r in rows_about(response, LegalStatus) if r["kind"] == italian("removed")]
    assert removed["title"] == it(LegalStatusKind.REFUGEE.label)
    assert removed["reason"] == "Recorded on the wrong person"
    assert removed["who"] == "Operator A"

    [corrected] = [r for r in rows_about(response, IdentityDocument) if r["kind"] == italian("changed")]
    assert sorted(corrected["changes"]) == sorted(
        [
            (verbose(IdentityDocument, "number"), "P1234567", "P7654321", ""),
            (verbose(IdentityDocument, "scan"), "", "", italian("file replaced")),
        ]
    )
    text = page_text(response)
    assert "Recorded on the wrong person" in text
    assert first_scan not in text
    assert second_scan not in text
    assert "documents/" not in text


def test_rows_moved_by_a_merge_bring_their_history(
    client: Client,
    site_a: Site,
    make_person: Callable[..., Person],
    personas: dict[str, Any],
) -> None:
    keep = make_person(site_a, "Amina", "Yusuf", nationality="SO", mother_tongue="so")
    absorb = make_person(site_a, "Aminah", "Yusuf", nationality="ET", mother_tongue="am")
    with scope(site=site_a):
        services.person_merge(keep=keep, absorb=absorb, actor=personas["coordinator_a"].user)

    response = client.get(url("history", site_a, pk=keep.pk))

    with translation.override("it"):
        ethiopia = reference.country_name("ET")
    # Recorded at the absorbed record's intake, by its operator.
    assert (ethiopia, italian("created"), "Operator A") in {
        (r["title"], r["kind"], r["who"]) for r in rows_about(response, Nationality)
    }


def test_viewing_the_history_is_audited(client: Client, site_a: Site, person: Person, operator: User) -> None:
    assert client.get(url("history", site_a, pk=person.pk)).status_code == 200
    [entry] = audit_entries("people.person.history_viewed")
    assert (entry.actor_id, entry.object_id) == (operator.pk, str(person.pk))


def test_the_history_is_for_sensitive_readers_of_the_site_only(
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    person: Person,
    make_person: Callable[..., Person],
) -> None:
    assert client_for("coordinator_a").get(url("history", site_a, pk=person.pk)).status_code == 200
    assert client_for("volunteer_a").get(url("history", site_a, pk=person.pk)).status_code == 403
    assert client_for("teacher_a").get(url("history", site_a, pk=person.pk)).status_code == 403
    # Another site's operator does not learn that the record exists.
    assert client_for("operator_b").get(url("history", site_a, pk=person.pk)).status_code == 404
    # Nor does this site's operator, for a record of another site.
    elsewhere = make_person(site_b, "Hassan", "Ali")
    assert client_for("operator_a").get(url("history", site_a, pk=elsewhere.pk)).status_code == 404


def _many_changes(person: Person, operator: User) -> None:
    """Some 80 changes of every kind, more than a page."""
    with scope(site=person.site):
        for code in ("ar", "fr", "en", "ti", "am", "wo", "bm", "ha", "yo", "ig"):
            services.language_set(
                person=person, actor=operator, language=code, level="A1", is_mother_tongue=False
            )
            services.language_set(
                person=person, actor=operator, language=code, level="B1", is_mother_tongue=False
            )
        for number in range(10):
            services.person_update(
                person=person,
                actor=operator,
                version=reload(person).version,
                fields={"phone": f"+39333000000{number}"},
                other_names=[f"Alias {number}"],
                nationalities=["SO", "ET"] if number % 2 else ["SO"],
            )
            services.legal_status_add(person=person, actor=operator, fields={"status": "asylum_seeker"})
            services.note_add(person=person, actor=operator, category="legal", text=f"Note {number}")
            services.document_add(person=person, actor=operator, fields={"kind": "passport"}, scan=None)
        notice = services.privacy_notice_add(
            person=person,
            actor=operator,
            given_on=date(2024, 1, 10),
            language="so",
            interpreter="",
            purposes=["case_management", "contact"],
        )
        for consent in notice.consents.all():
            services.consent_withdraw(consent=consent, actor=operator, withdrawn_on=date(2024, 2, 1))


# Whatever the number of changes: the session, the user, the site, the membership and the person
# (5); one index query and at most one query for the page's rows per kind of record (10 + 10); the
# names of the users, people and sites that the page's rows point to (3); the audit entry (5); the
# site for the menu (1).
QUERY_BUDGET = 34


def test_the_number_of_queries_does_not_grow_with_the_history(
    client: Client,
    site_a: Site,
    make_person: Callable[..., Person],
    operator: User,
    django_assert_max_num_queries: Any,
) -> None:
    few = make_person(site_a, "Amina", "Yusuf")
    many = make_person(site_a, "Hodan", "Warsame")
    _many_changes(many, operator)

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(url("history", site_a, pk=few.pk))
    assert len(response.context["rows"]) == 3  # the record, its nationality and its language

    for page in (1, 2):
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(url("history", site_a, pk=many.pk), {"page": page})
        assert 0 < len(response.context["rows"]) <= PAGE_SIZE
    # The last page ends with the opening of the case.
    last = response.context["rows"][-1]
    assert (it(last.subject), last.action) == (italian("personal details"), "+")
    assert response.context["page"].paginator.num_pages == 2
    assert "?page=1" in page_text(response)
