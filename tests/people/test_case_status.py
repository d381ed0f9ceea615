"""The case status: active, suspended, closed with a reason; shown on the case file and in the list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from percorsi.core.errors import StaleEditError
from percorsi.core.models import Site
from percorsi.people import services
from percorsi.people.models import Person
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, form_fields, url


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Ibrahim", "Sesay", sex="M", nationality="SL")


def reload(person: Person) -> Person:
    with scopes_disabled():
        return Person.objects.get(pk=person.pk)


def status_form(client: Client, person: Person) -> dict[str, Any]:
    response = client.get(url("status", person.site, pk=person.pk))
    assert response.status_code == 200
    return form_fields(response, "closure_reason")


def label(response: Any, message: str) -> str:
    with translation.override(response["Content-Language"]):
        return translation.gettext(message)


def test_closing_needs_a_reason(client: Client, site_a: Site, person: Person) -> None:
    data = status_form(client, person) | {"status": "closed", "closure_reason": ""}
    response = client.post(url("status", site_a, pk=person.pk), data)
    assert response.status_code == 400
    assert shows(response, "Say why the case is closed.")
    saved = reload(person)
    assert (saved.case_status, saved.closure_reason, saved.version) == ("active", "", 1)
    assert audit_entries("people.person.status_changed") == []


def test_closing_with_a_reason_shows_on_the_case_file(client: Client, site_a: Site, person: Person) -> None:
    data = status_form(client, person) | {"status": "closed", "closure_reason": "autonomy"}
    response = client.post(url("status", site_a, pk=person.pk), data)
    assert response.status_code == 302
    saved = reload(person)
    assert (saved.case_status, saved.closure_reason, saved.case_status_since) == (
        "closed",
        "autonomy",
        timezone.localdate(),
    )
    [entry] = audit_entries("people.person.status_changed")
    assert entry.data == {"from": "active", "to": "closed", "reason": "autonomy"}

    page = client.get(url("detail", site_a, pk=person.pk))
    html = page.content.decode()
    assert f'<span class="badge bg-secondary">{label(page, "closed")}</span>' in html
    assert f"({label(page, 'autonomy reached')})" in page_text(page)
    timeline = page_text(page)[page_text(page).index('id="timeline"') :]
    with translation.override(page["Content-Language"]):
        closed_event = translation.gettext("Case %(status)s") % {"status": translation.gettext("closed")}
    assert closed_event in timeline


def test_suspending_shows_on_the_case_file_and_reopening_clears_the_reason(
    client: Client, site_a: Site, person: Person
) -> None:
    client.post(url("status", site_a, pk=person.pk), status_form(client, person) | {"status": "suspended"})
    page = client.get(url("detail", site_a, pk=person.pk))
    assert (
        f'<span class="badge bg-warning text-dark">{label(page, "suspended")}</span>' in page.content.decode()
    )

    client.post(
        url("status", site_a, pk=person.pk),
        status_form(client, person) | {"status": "closed", "closure_reason": "moved"},
    )
    # Active again: the reason for closing no longer applies.
    client.post(url("status", site_a, pk=person.pk), status_form(client, person) | {"status": "active"})
    saved = reload(person)
    assert (saved.case_status, saved.closure_reason, saved.version) == ("active", "", 4)
    page = client.get(url("detail", site_a, pk=person.pk))
    assert f'<span class="badge bg-success">{label(page, "active")}</span>' in page.content.decode()


def test_a_date_before_the_case_was_opened_is_refused(client: Client, site_a: Site, person: Person) -> None:
    before = (timezone.localdate() - timedelta(days=3)).isoformat()
    data = status_form(client, person) | {"status": "suspended", "since": before}
    response = client.post(url("status", site_a, pk=person.pk), data)
    assert response.status_code == 400
    assert shows(response, "The date is before the case was opened.")
    assert reload(person).case_status == "active"


def test_an_unknown_reason_is_refused(client: Client, site_a: Site, person: Person) -> None:
    data = status_form(client, person) | {"status": "closed", "closure_reason": "bored"}
    response = client.post(url("status", site_a, pk=person.pk), data)
    assert response.status_code == 400
    assert reload(person).case_status == "active"


def test_a_stale_status_form_is_refused(client: Client, site_a: Site, person: Person) -> None:
    stale = status_form(client, person)
    client.post(url("status", site_a, pk=person.pk), status_form(client, person) | {"status": "suspended"})
    response = client.post(
        url("status", site_a, pk=person.pk), stale | {"status": "closed", "closure_reason": "no_contact"}
    )
    assert response.status_code == 400
    with translation.override("en"):
        message = str(StaleEditError().message)
    assert shows(response, message)
    assert reload(person).case_status == "suspended"


def test_the_list_filters_by_status(
    client: Client, site_a: Site, make_person: Callable[..., Person], operator: Any
) -> None:
    names = {"active": "Awa Ndiaye", "suspended": "Binta Sow", "closed": "Coumba Fall"}
    people = {}
    for status, name in names.items():
        given, family = name.split()
        people[status] = make_person(site_a, given, family, nationality="SN", mother_tongue="wo")
        if status != "active":
            with scope(site=site_a):
                services.case_status_set(
                    person=people[status],
                    actor=operator,
                    version=None,
                    status=status,
                    since=timezone.localdate(),
                    closure_reason="other" if status == "closed" else "",
                )

    everyone = page_text(client.get(url("list", site_a)))
    assert all(url("detail", site_a, pk=p.pk) in everyone for p in people.values())
    for status, shown in people.items():
        response = client.get(url("list", site_a), {"status": status})
        assert response.status_code == 200
        text = page_text(response)
        assert url("detail", site_a, pk=shown.pk) in text, status
        for other in people.values():
            if other != shown:
                assert url("detail", site_a, pk=other.pk) not in text, (status, other)
        with translation.override(response["Content-Language"]):
            assert (
                translation.ngettext("%(counter)s person", "%(counter)s people", 1) % {"counter": 1} in text
            )

    # With a search too: the filter applies to the results.
    text = page_text(client.get(url("list", site_a), {"q": "Binta Sow", "status": "closed"}))
    assert url("detail", site_a, pk=people["suspended"].pk) not in text
    text = page_text(client.get(url("list", site_a), {"q": "Binta Sow", "status": "suspended"}))
    assert url("detail", site_a, pk=people["suspended"].pk) in text


def test_an_unknown_status_filter_is_a_message_not_an_error(
    client: Client, site_a: Site, person: Person
) -> None:
    response = client.get(url("list", site_a), {"status": "archived"})
    assert response.status_code == 200
    with translation.override(response["Content-Language"]):
        message = translation.gettext("Select a valid choice. %(value)s is not one of the available choices.")
    assert message % {"value": "archived"} in page_text(response)
    assert url("detail", site_a, pk=person.pk) in page_text(response)  # the whole list, unfiltered
