"""The case file page: what each role sees, the audit of every view, the expiry banner, the timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from percorsi.core.models import Site
from percorsi.people.models import ConfidentialNote, IdentityDocument, LegalStatus, Person
from tests.conftest import Persona
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, png_bytes, url

NOTE_TEXT = "Sees a cardiologist every month at the San Camillo"
PERMIT_NUMBER = "RM7788990"
DOCUMENT_NUMBER = "P0099887"


def today() -> date:
    return timezone.localdate()


def short(day: date, response: Any) -> str:
    with translation.override(response["Content-Language"]):
        return date_format(day, "SHORT_DATE_FORMAT")


def translated(response: Any, message: str, **params: Any) -> str:
    with translation.override(response["Content-Language"]):
        return gettext(message) % params if params else gettext(message)


@dataclass
class CaseFile:
    person: Person
    status: LegalStatus
    document: IdentityDocument
    note: ConfidentialNote


@pytest.fixture
def case(
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., LegalStatus],
    add_document: Callable[..., IdentityDocument],
    add_note: Callable[..., ConfidentialNote],
    add_notice: Callable[..., Any],
) -> CaseFile:
    person = make_person(site_a, "Amina", "Yusuf")
    status = add_status(
        person,
        status="refugee",
        permit_type="Permesso per asilo politico",
        permit_number=PERMIT_NUMBER,
        issued_by="Questura di Roma",
        issued_on=date(2022, 5, 10),
        valid_from=date(2022, 5, 10),
        expires_on=today() + timedelta(days=400),
    )
    document = add_document(
        person,
        kind="passport",
        number=DOCUMENT_NUMBER,
        issuer="Ministry of Interior",
        issued_on=date(2023, 9, 1),
        scan=png_bytes(),
    )
    note = add_note(person, NOTE_TEXT)
    add_notice(person, date(2024, 2, 1), purposes=("case_management", "contact"))
    return CaseFile(person=person, status=status, document=document, note=note)


def test_the_operator_sees_legal_status_documents_and_notes(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile
) -> None:
    response = client_for("operator_a").get(url("detail", site_a, pk=case.person.pk))
    assert response.status_code == 200
    text = page_text(response)
    assert "YUSUF Amina" in text
    assert translated(response, "refugee status") in text
    assert "Permesso per asilo politico" in text
    assert PERMIT_NUMBER in text
    assert DOCUMENT_NUMBER in text
    assert url("document_scan", site_a, pk=case.person.pk, document_id=case.document.pk) in text
    assert NOTE_TEXT in text
    assert shows(response, "Confidential notes")
    assert shows(response, "Record a legal status")


@pytest.mark.parametrize("persona", ["coordinator_a"])
def test_the_coordinator_sees_them_too(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile, persona: str
) -> None:
    text = page_text(client_for(persona).get(url("detail", site_a, pk=case.person.pk)))
    assert NOTE_TEXT in text
    assert PERMIT_NUMBER in text
    assert DOCUMENT_NUMBER in text


def test_the_desk_volunteer_sees_the_record_but_nothing_confidential(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile
) -> None:
    response = client_for("volunteer_a").get(url("detail", site_a, pk=case.person.pk))
    assert response.status_code == 200
    text = page_text(response)
    assert "YUSUF Amina" in text
    # Only that there is a valid permit, and until when.
    assert (
        translated(
            response, "Has a valid permit until %(when)s.", when=short(case.status.expires_on, response)
        )
        in text
    )
    # Never the confidential parts.
    assert NOTE_TEXT not in text
    assert PERMIT_NUMBER not in text
    assert DOCUMENT_NUMBER not in text
    assert "Permesso per asilo politico" not in text
    assert "Questura di Roma" not in text
    assert "Ministry of Interior" not in text
    assert translated(response, "refugee status") not in text
    assert translated(response, "passport") not in text
    assert "/documents/" not in text  # no scan, no document pages
    assert "/legal-status/" not in text
    assert "/notes/" not in text
    assert not shows(response, "Confidential notes")
    assert not shows(response, "History of changes")
    # Nor can they change the record.
    assert not shows(response, "Edit the record")


def test_the_volunteer_without_a_valid_permit_reads_so(
    client_for: Callable[[str], Client], site_a: Site, make_person: Callable[..., Person], add_status: Any
) -> None:
    person = make_person(site_a)
    add_status(person, status="refugee", permit_number=PERMIT_NUMBER, expires_on=today() - timedelta(days=3))
    response = client_for("volunteer_a").get(url("detail", site_a, pk=person.pk))
    assert shows(response, "No valid permit recorded.")
    assert PERMIT_NUMBER not in page_text(response)
    # No expiry banner either: that is a detail of the legal status.
    assert "alert-danger" not in response.content.decode()


def test_the_teacher_gets_403(client_for: Callable[[str], Client], site_a: Site, case: CaseFile) -> None:
    response = client_for("teacher_a").get(url("detail", site_a, pk=case.person.pk))
    assert response.status_code == 403
    assert NOTE_TEXT not in page_text(response)
    assert audit_entries("people.person.viewed") == []


def test_every_view_is_audited(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile, personas: dict[str, Persona]
) -> None:
    address = url("detail", site_a, pk=case.person.pk)
    client_for("operator_a").get(address)
    client_for("operator_a").get(address)
    client_for("volunteer_a").get(address)

    entries = audit_entries("people.person.viewed")
    assert len(entries) == 3
    assert {entry.object_id for entry in entries} == {str(case.person.pk)}
    assert {entry.site_id for entry in entries} == {site_a.pk}
    assert [entry.actor_id for entry in entries] == [
        personas["operator_a"].user.pk,
        personas["operator_a"].user.pk,
        personas["volunteer_a"].user.pk,
    ]
    assert [entry.data["sensitive"] for entry in entries] == [True, True, False]
    # Ids only: nothing of the person in the log.
    assert all("Amina" not in str(entry.data) for entry in entries)


def test_another_site_sees_nothing_and_no_view_is_recorded(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, case: CaseFile
) -> None:
    response = client_for("operator_b").get(url("detail", site_b, pk=case.person.pk))
    assert response.status_code == 404
    assert "Amina" not in page_text(response)
    assert audit_entries("people.person.viewed") == []
    [attempt] = audit_entries("people.person.accessed")
    assert attempt.outcome == "denied"
    assert attempt.site_id == site_a.pk


# --- The expiry banner ---------------------------------------------------------------------------


def expiring_banner(response: Any, what: str, when: date, days: int) -> str:
    with translation.override(response["Content-Language"]):
        return ngettext(
            "Expiring: %(what)s, on %(when)s (in %(days)s day).",
            "Expiring: %(what)s, on %(when)s (in %(days)s days).",
            days,
        ) % {"what": what, "when": date_format(when, "SHORT_DATE_FORMAT"), "days": days}


def expired_banner(response: Any, what: str, when: date) -> str:
    with translation.override(response["Content-Language"]):
        return gettext("Expired: %(what)s, on %(when)s.") % {
            "what": what,
            "when": date_format(when, "SHORT_DATE_FORMAT"),
        }


def permit_what(response: Any, status_label: str) -> str:
    with translation.override(response["Content-Language"]):
        return gettext("residence permit (%(status)s)") % {"status": gettext(status_label)}


def banners(response: Any) -> int:
    html = response.content.decode()
    return html.count('class="alert alert-warning" role="alert"') + html.count(
        'class="alert alert-danger" role="alert"'
    )


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a)


def test_banner_for_a_permit_expiring_within_60_days(
    client_for: Callable[[str], Client], site_a: Site, person: Person, add_status: Any
) -> None:
    expires = today() + timedelta(days=30)
    add_status(person, status="subsidiary", expires_on=expires)
    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    assert expiring_banner(
        response, permit_what(response, "subsidiary protection"), expires, 30
    ) in page_text(response)
    assert banners(response) == 1


def test_banner_for_an_expired_permit(
    client_for: Callable[[str], Client], site_a: Site, person: Person, add_status: Any
) -> None:
    expired = today() - timedelta(days=10)
    add_status(person, status="subsidiary", expires_on=expired)
    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    assert expired_banner(response, permit_what(response, "subsidiary protection"), expired) in page_text(
        response
    )
    assert 'class="alert alert-danger" role="alert"' in response.content.decode()


def test_no_banner_for_a_permit_expiring_in_90_days(
    client_for: Callable[[str], Client], site_a: Site, person: Person, add_status: Any
) -> None:
    add_status(person, status="subsidiary", expires_on=today() + timedelta(days=90))
    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    assert banners(response) == 0


def test_no_banner_once_the_renewal_is_requested(
    client_for: Callable[[str], Client], site_a: Site, person: Person, add_status: Any
) -> None:
    add_status(
        person,
        status="subsidiary",
        expires_on=today() + timedelta(days=20),
        renewal_requested_on=today() - timedelta(days=5),
        receipt_number="RIC-0042",
    )
    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    assert banners(response) == 0
    assert "RIC-0042" in page_text(response)


def test_banner_for_a_document_and_only_the_current_status_counts(
    client_for: Callable[[str], Client], site_a: Site, person: Person, add_status: Any, add_document: Any
) -> None:
    # An old permit that expired long ago, then the current one, valid for years.
    add_status(person, status="asylum_seeker", valid_from=date(2020, 1, 1), expires_on=date(2021, 1, 1))
    add_status(
        person, status="refugee", valid_from=date(2021, 1, 1), expires_on=today() + timedelta(days=900)
    )
    passport_expiry = today() + timedelta(days=45)
    add_document(person, kind="passport", expires_on=passport_expiry)
    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    assert banners(response) == 1
    with translation.override(response["Content-Language"]):
        what = gettext("passport")
    assert expiring_banner(response, what, passport_expiry, 45) in page_text(response)


# --- The timeline --------------------------------------------------------------------------------


def test_the_timeline_lists_statuses_documents_and_consents_newest_first(
    client_for: Callable[[str], Client],
    site_a: Site,
    person: Person,
    add_status: Any,
    add_document: Any,
    add_notice: Any,
) -> None:
    add_status(person, status="asylum_seeker", valid_from=date(2021, 3, 1))
    add_document(person, kind="identity_card", issued_on=date(2022, 7, 15))
    add_status(person, status="subsidiary", valid_from=date(2023, 4, 20))
    add_notice(person, date(2024, 11, 5), purposes=("job_matching",))

    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    text = page_text(response)
    timeline = text[text.index('id="timeline"') :]
    expected = [
        (date(2024, 11, 5), "sharing the CV with employers and agencies"),
        (date(2024, 11, 5), "Privacy notice given"),
        (date(2023, 4, 20), "subsidiary protection"),
        (date(2022, 7, 15), "identity card"),
        (date(2021, 3, 1), "asylum seeker"),
    ]
    positions = []
    for day, label in expected:
        entry = short(day, response)
        assert entry in timeline, entry
        assert translated(response, label) in timeline, label
        positions.append(timeline.index(entry))
    assert positions == sorted(positions)
    # The case was opened today: the newest entry comes first.
    assert timeline.index(short(today(), response)) < positions[0]
    assert translated(response, "Case opened") in timeline


def test_the_volunteer_timeline_leaves_out_statuses_and_documents(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile
) -> None:
    response = client_for("volunteer_a").get(url("detail", site_a, pk=case.person.pk))
    text = page_text(response)
    timeline = text[text.index('id="timeline"') :]
    assert translated(response, "Privacy notice given") in timeline
    assert translated(response, "Confidential note") not in timeline
    assert short(date(2023, 9, 1), response) not in timeline  # the passport
    assert short(date(2022, 5, 10), response) not in timeline  # the refugee status


def timeline_section(response: Any) -> str:
    text = page_text(response)
    return text[text.index('id="timeline"') :]


def test_a_long_timeline_shows_the_latest_20_events_and_links_to_the_rest(
    client_for: Callable[[str], Client], site_a: Site, person: Person, add_document: Any
) -> None:
    # The case opened today and 24 documents issued on the first of each month before: 25 events.
    days = [date(2020 + n // 12, n % 12 + 1, 1) for n in range(24)]
    for day in days:
        add_document(person, kind="identity_card", issued_on=day)

    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    timeline = timeline_section(response)
    assert timeline.split("</ol>", 1)[0].count("<li") == 20
    # Newest first: the five oldest documents are not on the case file.
    for day in days[:5]:
        assert short(day, response) not in timeline
    for day in days[5:]:
        assert short(day, response) in timeline
    with translation.override(response["Content-Language"]):
        more = ngettext(
            "These are the latest %(counter)s event: see them all.",
            "These are the latest %(counter)s events: see them all.",
            20,
        ) % {"counter": 20}
    assert more in timeline
    assert f'href="{url("timeline", site_a, pk=person.pk)}"' in timeline


def test_a_short_timeline_has_no_see_them_all_line(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile
) -> None:
    response = client_for("operator_a").get(url("detail", site_a, pk=case.person.pk))
    timeline = timeline_section(response)
    assert "see them all" not in timeline and translated(response, "Case opened") in timeline
    # The timeline page is still one click away, for its filter by kind.
    assert f'href="{url("timeline", site_a, pk=case.person.pk)}"' in timeline


# --- The timeline page ---------------------------------------------------------------------------


def test_the_timeline_page_shows_every_event_a_page_of_50_at_a_time(
    client_for: Callable[[str], Client], site_a: Site, person: Person, add_document: Any
) -> None:
    # The case opened today and 59 documents before: 60 events, the case opened and the 49 newest
    # documents on the first page, the 10 oldest on the second.
    days = [date(2018 + n // 12, n % 12 + 1, 1) for n in range(59)]
    for day in days:
        add_document(person, kind="identity_card", issued_on=day)
    client = client_for("operator_a")
    address = url("timeline", site_a, pk=person.pk)

    first = client.get(address)
    assert first.status_code == 200
    events = page_text(first).split("<ol", 2)[2].split("</ol>", 1)[0]
    assert events.count("<li") == 50
    assert translated(first, "Case opened") in events
    assert short(days[-1], first) in events and short(days[10], first) in events
    assert short(days[9], first) not in events
    with translation.override(first["Content-Language"]):
        summary = ngettext(
            "%(counter)s event recorded about the person, newest first.",
            "%(counter)s events recorded about the person, newest first.",
            60,
        ) % {"counter": 60}
    assert shows(first, summary)

    second = client.get(address, {"page": 2})
    events = page_text(second).split("<ol", 2)[2].split("</ol>", 1)[0]
    assert events.count("<li") == 10
    assert short(days[0], second) in events and short(days[9], second) in events
    assert short(days[10], second) not in events


def test_the_timeline_page_filters_by_kind_and_counts_each(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile
) -> None:
    client = client_for("operator_a")
    address = url("timeline", site_a, pk=case.person.pk)
    response = client.get(address)
    text = page_text(response)
    with translation.override(response["Content-Language"]):
        documents = gettext("documents").capitalize()
        consents = gettext("privacy and consents").capitalize()
    # The privacy notice and its two consents; one document.
    assert f"{consents} (3)" in text and f"{documents} (1)" in text

    only_documents = client.get(address, {"kind": "document"})
    events = page_text(only_documents).split("<ol", 2)[2].split("</ol>", 1)[0]
    assert events.count("<li") == 1 and short(date(2023, 9, 1), only_documents) in events
    assert 'aria-current="page" href="?kind=document"' in page_text(only_documents)

    # An unknown kind is everything, not an error.
    anything = client.get(address, {"kind": "<script>"})
    assert anything.status_code == 200
    assert page_text(anything).split("<ol", 2)[2].count("<li") >= 5


def test_the_timeline_page_is_audited_with_what_the_role_sees(
    client_for: Callable[[str], Client], site_a: Site, case: CaseFile
) -> None:
    address = url("timeline", site_a, pk=case.person.pk)
    client_for("operator_a").get(address, {"kind": "document"})
    volunteer = client_for("volunteer_a").get(address)
    assert volunteer.status_code == 200
    text = page_text(volunteer)
    assert translated(volunteer, "Privacy notice given") in text
    assert translated(volunteer, "Confidential note") not in text
    assert short(date(2023, 9, 1), volunteer) not in text  # the passport
    assert short(date(2022, 5, 10), volunteer) not in text  # the refugee status

    entries = audit_entries("people.person.timeline_viewed")
    assert [(e.data["sensitive"], e.data["kind"]) for e in entries] == [(True, "document"), (False, "")]
    assert {entry.object_id for entry in entries} == {str(case.person.pk)}


def test_the_timeline_page_of_another_site_is_a_404_and_the_teacher_gets_403(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, case: CaseFile
) -> None:
    response = client_for("operator_b").get(url("timeline", site_b, pk=case.person.pk))
    assert response.status_code == 404
    assert "Amina" not in page_text(response)
    assert client_for("teacher_a").get(url("timeline", site_a, pk=case.person.pk)).status_code == 403
    assert audit_entries("people.person.timeline_viewed") == []
