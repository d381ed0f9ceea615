"""Privacy notice, consents and their withdrawal; confidential notes and who reads them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.people.models import ConfidentialNote, Consent, Person, PrivacyNotice
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, url

NOTE = "Diabetic: insulin twice a day; follow-up at the ASL clinic on Tuesdays"


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Aïcha", "Koné", nationality="CI", mother_tongue="fr")


def consents(person: Person) -> list[Consent]:
    with scope(site=person.site):
        return list(Consent.objects.filter(person=person).order_by("purpose"))


def in_language(response: Any, message: str, **params: Any) -> str:
    with translation.override(response["Content-Language"]):
        text = translation.gettext(message)
        return text % params if params else text


def short(response: Any, day: date) -> str:
    with translation.override(response["Content-Language"]):
        return date_format(day, "SHORT_DATE_FORMAT")


def test_recording_the_privacy_notice_with_purposes(client: Client, site_a: Site, person: Person) -> None:
    response = client.post(
        url("privacy_notice_add", site_a, pk=person.pk),
        {
            "given_on": "2025-10-02",
            "language": "fr",
            "interpreter": "  Mariam Traoré ",
            "purposes": ["case_management", "sensitive_data", "contact"],
        },
    )

    assert response.status_code == 302
    with scope(site=site_a):
        notice = PrivacyNotice.objects.get(person=person)
    assert (notice.given_on, notice.language, notice.interpreter) == (
        date(2025, 10, 2),
        "fr",
        "Mariam Traoré",
    )
    assert [(c.purpose, c.given_on, c.withdrawn_on, c.notice_id) for c in consents(person)] == [
        ("case_management", date(2025, 10, 2), None, notice.pk),
        ("contact", date(2025, 10, 2), None, notice.pk),
        ("sensitive_data", date(2025, 10, 2), None, notice.pk),
    ]
    [entry] = audit_entries("people.privacy_notice.added")
    assert entry.object_id == str(notice.pk)
    assert "Mariam" not in str(entry.data)

    page = client.get(url("detail", site_a, pk=person.pk))
    text = page_text(page)
    assert shows(page, "The privacy notice and the consents were recorded.")
    assert in_language(page, "Privacy notice given on %(when)s", when=short(page, date(2025, 10, 2))) in text
    assert in_language(page, "with the interpreter %(who)s", who="Mariam Traoré") in text
    for purpose in (
        "case management and the accompaniment plan",
        "health and other special categories of data",
        "contact by phone, SMS and e-mail",
    ):
        assert in_language(page, purpose) in text
    assert in_language(page, "sharing the CV with employers and agencies") not in text
    assert not shows(page, "The privacy notice has not been recorded yet.")


def test_without_a_notice_the_case_file_says_so(client: Client, site_a: Site, person: Person) -> None:
    assert shows(
        client.get(url("detail", site_a, pk=person.pk)), "The privacy notice has not been recorded yet."
    )


def test_a_notice_given_in_the_future_is_refused(client: Client, site_a: Site, person: Person) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        url("privacy_notice_add", site_a, pk=person.pk),
        {"given_on": tomorrow.isoformat(), "language": "fr", "purposes": ["case_management"]},
    )
    assert response.status_code == 400
    assert shows(response, "The date is in the future.")
    assert consents(person) == []


@pytest.fixture
def consent(person: Person, add_notice: Callable[..., PrivacyNotice]) -> Consent:
    add_notice(person, date(2025, 5, 10), purposes=("job_matching",))
    [consent] = consents(person)
    return consent


def withdraw_url(consent: Consent) -> str:
    return url("consent_withdraw", consent.site, pk=consent.person_id, consent_id=consent.pk)


def test_withdrawing_a_consent(client: Client, site_a: Site, consent: Consent) -> None:
    form = client.get(withdraw_url(consent))
    assert form.status_code == 200
    assert in_language(form, "sharing the CV with employers and agencies") in page_text(form)

    response = client.post(withdraw_url(consent), {"withdrawn_on": "2025-09-01"})

    assert response.status_code == 302
    [saved] = consents(consent.person)
    assert (saved.given_on, saved.withdrawn_on) == (date(2025, 5, 10), date(2025, 9, 1))
    assert len(audit_entries("people.consent.withdrawn")) == 1
    page = client.get(url("detail", site_a, pk=consent.person_id))
    text = page_text(page)
    assert in_language(page, "withdrawn on %(when)s", when=short(page, date(2025, 9, 1))) in text
    assert withdraw_url(consent) not in text  # nothing more to withdraw
    # Both the consent and its withdrawal are in the timeline.
    timeline = text[text.index('id="timeline"') :]
    assert in_language(page, "Consent withdrawn") in timeline
    assert in_language(page, "Consent given") in timeline


def test_withdrawing_before_it_was_given_is_refused(client: Client, consent: Consent) -> None:
    response = client.post(withdraw_url(consent), {"withdrawn_on": "2025-05-09"})
    assert response.status_code == 400
    assert shows(response, "A consent cannot be withdrawn before it was given.")
    [saved] = consents(consent.person)
    assert saved.withdrawn_on is None
    assert audit_entries("people.consent.withdrawn") == []


def test_withdrawing_in_the_future_is_refused(client: Client, consent: Consent) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(withdraw_url(consent), {"withdrawn_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert shows(response, "The date is in the future.")
    assert consents(consent.person)[0].withdrawn_on is None


def test_withdrawing_twice_is_refused(client: Client, consent: Consent) -> None:
    assert client.post(withdraw_url(consent), {"withdrawn_on": "2025-06-01"}).status_code == 302
    response = client.post(withdraw_url(consent), {"withdrawn_on": "2025-07-01"})
    assert response.status_code == 400
    assert shows(response, "This consent was already withdrawn.")
    assert consents(consent.person)[0].withdrawn_on == date(2025, 6, 1)
    assert len(audit_entries("people.consent.withdrawn")) == 1


def test_the_desk_volunteer_cannot_withdraw(client_for: Callable[[str], Client], consent: Consent) -> None:
    response = client_for("volunteer_a").post(withdraw_url(consent), {"withdrawn_on": "2025-06-01"})
    assert response.status_code == 403
    assert consents(consent.person)[0].withdrawn_on is None


# --- Confidential notes --------------------------------------------------------------------------


def test_a_note_is_added_and_read_by_operator_and_coordinator_only(
    client: Client, client_for: Callable[[str], Client], site_a: Site, person: Person
) -> None:
    form = client.get(url("note_add", site_a, pk=person.pk))
    assert shows(form, "Only operators and coordinators read confidential notes.")
    response = client.post(url("note_add", site_a, pk=person.pk), {"category": "health", "text": NOTE})
    assert response.status_code == 302
    with scope(site=site_a):
        note = ConfidentialNote.objects.get(person=person)
    assert note.text == NOTE
    [entry] = audit_entries("people.note.added")
    assert entry.data == {"person": person.pk}  # never the text

    detail = url("detail", site_a, pk=person.pk)
    for reader in ("operator_a", "coordinator_a"):
        assert NOTE in page_text(client_for(reader).get(detail)), reader
    volunteer_page = client_for("volunteer_a").get(detail)
    assert volunteer_page.status_code == 200
    assert NOTE not in page_text(volunteer_page)
    assert "insulin" not in page_text(volunteer_page)
    for outsider in ("teacher_a", "accountant_a", "auditor_a", "admin_a"):
        page = client_for(outsider).get(detail)
        assert page.status_code == 403, outsider
        assert NOTE not in page_text(page)
    # Nor through the history of changes, which needs people:sensitive.
    assert client_for("volunteer_a").get(url("history", site_a, pk=person.pk)).status_code == 403


def test_the_volunteer_cannot_write_a_note(
    client_for: Callable[[str], Client], site_a: Site, person: Person
) -> None:
    response = client_for("volunteer_a").post(
        url("note_add", site_a, pk=person.pk), {"category": "legal", "text": "x"}
    )
    assert response.status_code == 403
    with scope(site=site_a):
        assert not ConfidentialNote.objects.exists()


def test_an_empty_note_is_refused(client: Client, site_a: Site, person: Person) -> None:
    response = client.post(url("note_add", site_a, pk=person.pk), {"category": "health", "text": ""})
    assert response.status_code == 400
    assert shows(response, "This field is required.")
    with scope(site=site_a):
        assert not ConfidentialNote.objects.exists()
