"""The legal status history, through the page: a new status never overwrites the earlier ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.people import matching
from percorsi.people.models import LegalStatus, Person
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, url


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Abdoulaye", "Camara", sex="M", nationality="GN")


def status_data(**changes: str) -> dict[str, str]:
    data = {
        "status": "asylum_seeker",
        "valid_from": "2023-02-01",
        "permit_type": "Richiesta asilo",
        "permit_number": "",
        "issued_by": "Questura di Roma",
        "issued_on": "2023-02-01",
        "expires_on": "2023-08-01",
        "renewal_requested_on": "",
        "receipt_number": "",
    }
    data.update(changes)
    return data


def history(person: Person) -> list[LegalStatus]:
    with scope(site=person.site):
        return list(LegalStatus.objects.filter(person=person))


def earlier_label(response: Any, count: int) -> str:
    with translation.override(response["Content-Language"]):
        return ngettext("%(counter)s earlier status", "%(counter)s earlier statuses", count) % {
            "counter": count
        }


def test_the_form_says_nothing_is_replaced(client: Client, site_a: Site, person: Person) -> None:
    response = client.get(url("legal_status_add", site_a, pk=person.pk))
    assert response.status_code == 200
    assert shows(response, "A new entry never replaces the earlier ones: they stay in the history.")


def test_a_new_status_keeps_the_earlier_ones(client: Client, site_a: Site, person: Person) -> None:
    add = url("legal_status_add", site_a, pk=person.pk)
    response = client.post(add, status_data())
    assert response.status_code == 302
    assert response["Location"] == url("detail", site_a, pk=person.pk)
    assert len(history(person)) == 1

    page = client.get(url("detail", site_a, pk=person.pk))
    assert shows(page, "The legal status was added to the history.")
    assert earlier_label(page, 1) not in page_text(page)

    expires = timezone.localdate() + timedelta(days=700)
    client.post(
        add,
        status_data(
            status="humanitarian",
            valid_from="2023-07-15",
            permit_type="Motivi umanitari",
            permit_number="I0123456",
            issued_on="2023-07-15",
            expires_on=expires.isoformat(),
        ),
    )
    client.post(
        add,
        status_data(
            status="special_protection",
            valid_from="2024-09-01",
            permit_type="Protezione speciale",
            permit_number="I0999888",
            issued_on="2024-09-01",
            expires_on=expires.isoformat(),
        ),
    )

    entries = history(person)
    assert [entry.status for entry in entries] == ["special_protection", "humanitarian", "asylum_seeker"]
    # The first entry is as it was recorded.
    first = entries[-1]
    assert (first.permit_type, first.issued_on, first.expires_on) == (
        "Richiesta asilo",
        date(2023, 2, 1),
        date(2023, 8, 1),
    )
    assert len(audit_entries("people.legal_status.added")) == 3

    page = client.get(url("detail", site_a, pk=person.pk))
    text = page_text(page)
    assert earlier_label(page, 2) in text
    with translation.override(page["Content-Language"]):
        current, older, oldest = (
            translation.gettext(label)
            for label in (
                "special protection",
                "humanitarian protection (before October 2018)",
                "asylum seeker",
            )
        )
    legal = text[text.index('id="legal"') : text.index('id="documents"')]
    assert current in legal
    assert "I0999888" in legal  # the current permit's number
    assert older in legal[legal.index(earlier_label(page, 2)) :]
    assert oldest in legal[legal.index(earlier_label(page, 2)) :]


def test_the_permit_and_receipt_numbers_are_searchable(client: Client, site_a: Site, person: Person) -> None:
    client.post(
        url("legal_status_add", site_a, pk=person.pk),
        status_data(permit_number="RM1234567", renewal_requested_on="2023-07-20", receipt_number="RIC99001"),
    )
    assert [hit.person.pk for hit in matching.search_people(site=site_a, query="RM1234567")] == [person.pk]
    assert [hit.person.pk for hit in matching.search_people(site=site_a, query="ric 99001")] == [person.pk]


def test_expiry_before_issue_is_refused(client: Client, site_a: Site, person: Person) -> None:
    response = client.post(
        url("legal_status_add", site_a, pk=person.pk),
        status_data(issued_on="2024-05-01", expires_on="2024-04-30"),
    )
    assert response.status_code == 400
    assert shows(response, "The expiry date is before the issue date.")
    assert history(person) == []
    assert audit_entries("people.legal_status.added") == []


def test_an_unknown_status_is_refused(client: Client, site_a: Site, person: Person) -> None:
    response = client.post(url("legal_status_add", site_a, pk=person.pk), status_data(status="tourist"))
    assert response.status_code == 400
    assert history(person) == []


def test_a_status_for_a_person_of_another_site_is_404(
    client_for: Callable[[str], Client], site_b: Site, person: Person
) -> None:
    response = client_for("operator_b").post(url("legal_status_add", site_b, pk=person.pk), status_data())
    assert response.status_code == 404
    assert history(person) == []
