"""The alerts page (permits and documents expiring within N days) and the counts on the home page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.people import selectors, services, views
from percorsi.people.models import Person
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, url


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@dataclass
class Cases:
    in_30: Person  # permit expiring in 30 days
    document_in_50: Person  # passport expiring in 50 days
    in_90: Person  # permit expiring in 90 days
    expired: Person  # permit expired 10 days ago
    renewing: Person  # permit expiring in 15 days, renewal requested
    closed: Person  # closed case, permit expiring in 5 days
    suspended: Person  # suspended case, permit expiring in 40 days
    replaced: Person  # a replaced document expiring in 20 days
    vicenza: Person  # another site, permit expiring in 12 days
    quiet: Person  # valid for years


@pytest.fixture
def people(
    site_a: Site,
    site_b: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., Any],
    add_document: Callable[..., Any],
    operator: Any,
) -> Cases:
    def person(given: str, family: str, site: Site = site_a) -> Person:
        return make_person(site, given, family, nationality="NG", mother_tongue="en")

    found = Cases(
        in_30=person("Adaeze", "Nwosu"),
        document_in_50=person("Bola", "Adeyemi"),
        in_90=person("Chidi", "Okonkwo"),
        expired=person("Damilola", "Bello"),
        renewing=person("Emeka", "Eze"),
        closed=person("Funmi", "Alade"),
        suspended=person("Gbenga", "Ojo"),
        replaced=person("Hauwa", "Musa"),
        vicenza=person("Ifeoma", "Obi", site_b),
        quiet=person("Jide", "Kolade"),
    )
    add_status(found.in_30, status="subsidiary", expires_on=in_days(30))
    add_document(found.document_in_50, kind="passport", expires_on=in_days(50))
    add_status(found.in_90, status="subsidiary", expires_on=in_days(90))
    add_status(found.expired, status="special_protection", expires_on=in_days(-10))
    add_status(found.renewing, status="subsidiary", expires_on=in_days(15), renewal_requested_on=in_days(-20))
    add_status(found.closed, status="subsidiary", expires_on=in_days(5))
    add_status(found.suspended, status="refugee", expires_on=in_days(40))
    old = add_document(found.replaced, kind="identity_card", expires_on=in_days(20))
    add_status(found.vicenza, status="subsidiary", expires_on=in_days(12))
    add_status(found.quiet, status="refugee", expires_on=in_days(1500))
    add_document(found.quiet, kind="passport", expires_on=in_days(2000))
    with scope(site=site_a):
        services.document_replace(document=old, actor=operator)
        for who, status, reason in ((found.closed, "closed", "moved"), (found.suspended, "suspended", "")):
            services.case_status_set(
                person=who,
                actor=operator,
                version=None,
                status=status,
                since=timezone.localdate(),
                closure_reason=reason,
            )
    return found


def listed(response: Any, site: Site, people: Cases) -> set[str]:
    text = page_text(response)
    return {
        name for name, person in vars(people).items() if f'href="{url("detail", site, pk=person.pk)}"' in text
    }


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


def test_the_page_lists_what_expires_within_60_days_by_default(
    client: Client, site_a: Site, people: Cases
) -> None:
    response = client.get(url("alerts", site_a))
    assert response.status_code == 200
    assert listed(response, site_a, people) == {"in_30", "document_in_50", "expired", "suspended"}
    # What expires soon first (30, 40 and 50 days), then, apart, what already expired.
    text = page_text(response)
    order = [
        text.index(url("detail", site_a, pk=p.pk))
        for p in (people.in_30, people.suspended, people.document_in_50, people.expired)
    ]
    assert order == sorted(order)
    with translation.override(response["Content-Language"]):
        assert ngettext("expired %(days)s day ago", "expired %(days)s days ago", 10) % {"days": 10} in text
        assert ngettext("in %(days)s day", "in %(days)s days", 30) % {"days": 30} in text
    [viewed] = audit_entries("people.alerts.viewed")
    assert (viewed.site_id, viewed.data) == (site_a.pk, {"days": 60, "page": 1, "shown": 4})


def test_more_days_show_more(client: Client, site_a: Site, people: Cases) -> None:
    response = client.get(url("alerts", site_a), {"days": "120"})
    assert response.status_code == 200
    assert listed(response, site_a, people) == {"in_30", "document_in_50", "expired", "suspended", "in_90"}
    fewer = client.get(url("alerts", site_a), {"days": "35"})
    assert listed(fewer, site_a, people) == {"in_30", "expired"}


def test_closed_cases_renewals_replaced_documents_and_other_sites_are_not_listed(
    client: Client, site_a: Site, people: Cases
) -> None:
    response = client.get(url("alerts", site_a), {"days": "365"})
    shown = listed(response, site_a, people)
    assert not shown & {"closed", "renewing", "replaced", "vicenza", "quiet"}
    assert "Ifeoma" not in page_text(response)


@pytest.mark.parametrize("days", ["0", "-5", "366", "100000", "abc", "1e3"])
def test_days_out_of_range_is_a_message_not_an_error(
    client: Client, site_a: Site, people: Cases, days: str
) -> None:
    response = client.get(url("alerts", site_a), {"days": days})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_days_error"' in html  # the message under the field
    # The default window is used meanwhile.
    assert listed(response, site_a, people) == {"in_30", "document_in_50", "expired", "suspended"}


def test_out_of_range_messages_are_clear(client: Client, site_a: Site) -> None:
    too_many = client.get(url("alerts", site_a), {"days": "366"})
    with translation.override(too_many["Content-Language"]):
        message = translation.gettext("Ensure this value is less than or equal to %(limit_value)s.")
    assert message % {"limit_value": 365} in page_text(too_many)
    not_a_number = client.get(url("alerts", site_a), {"days": "abc"})
    assert shows(not_a_number, "Enter a whole number.")


def test_nothing_expiring_says_so(client: Client, site_a: Site) -> None:
    response = client.get(url("alerts", site_a), {"days": "30"})
    with translation.override(response["Content-Language"]):
        message = ngettext(
            "Nothing expires within %(days)s day.", "Nothing expires within %(days)s days.", 30
        )
    assert message % {"days": 30} in page_text(response)


def figure(response: Any, value: int, label: str) -> bool:
    with translation.override(response["Content-Language"]):
        text = translation.gettext(label)
    return f'<span class="display-6 d-block">{value}</span><span class="text-muted">{text}</span>' in (
        response.content.decode()
    )


def test_the_operator_home_page_shows_the_counts(client: Client, site_a: Site, people: Cases) -> None:
    response = client.get(reverse("core:home", kwargs={"site": site_a.slug}))
    assert response.status_code == 200
    assert figure(response, 1, "permits or documents expired")
    assert figure(response, 3, "expiring within 60 days")
    assert f'href="{url("alerts", site_a)}"' in response.content.decode()


def test_the_counts_follow_the_changes(
    client: Client, site_a: Site, people: Cases, add_status: Callable[..., Any]
) -> None:
    # The expired permit is renewed: a new status, valid for two years.
    add_status(people.expired, status="special_protection", expires_on=in_days(730))
    response = client.get(reverse("core:home", kwargs={"site": site_a.slug}))
    assert figure(response, 0, "permits or documents expired")
    assert figure(response, 3, "expiring within 60 days")


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a"])
def test_roles_without_people_sensitive_see_no_counts(
    client_for: Callable[[str], Client], site_a: Site, people: Cases, persona: str
) -> None:
    response = client_for(persona).get(reverse("core:home", kwargs={"site": site_a.slug}))
    assert response.status_code == 200
    assert not shows(response, "permits or documents expired")
    assert url("alerts", site_a) not in response.content.decode()


def test_a_long_list_is_split_in_pages_and_the_sections_keep_their_totals(
    client: Client, site_a: Site, people: Cases, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "ALERTS_PAGE_SIZE", 3)
    first = client.get(url("alerts", site_a))
    # Three expiring on the first page, the expired one on the second, each under its heading.
    assert listed(first, site_a, people) == {"in_30", "suspended", "document_in_50"}
    text = page_text(first)
    assert shows(first, "Expiring") and not shows(first, "Already expired")
    assert "page=2" in first.content.decode()
    second = client.get(url("alerts", site_a), {"page": "2"})
    assert listed(second, site_a, people) == {"expired"}
    assert shows(second, "Already expired")
    # The filter is kept from page to page.
    wider = client.get(url("alerts", site_a), {"days": "120", "page": "2"})
    assert listed(wider, site_a, people) == {"in_90", "expired"}
    assert "days=120" in wider.content.decode()
    assert "Hauwa" not in text
    # A page number out of range shows the last page, not an error.
    assert client.get(url("alerts", site_a), {"page": "99"}).status_code == 200


def test_the_site_list_follows_the_same_rules_as_the_case_file(
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., Any],
    add_document: Callable[..., Any],
) -> None:
    """The alerts page and the home counts are computed by the database; the case file's banner
    from the person's records. Both must agree on every combination of status and documents."""
    statuses: list[dict[str, Any] | None] = [
        None,
        {"status": "subsidiary", "expires_on": in_days(20)},
        {"status": "subsidiary", "expires_on": in_days(-30)},
        {"status": "subsidiary", "expires_on": in_days(10), "renewal_requested_on": in_days(-5)},
        {"status": "citizen"},
        {"status": "asylum_seeker"},
    ]
    documents: list[dict[str, Any] | None] = [
        None,
        {"kind": "permit", "expires_on": in_days(5)},
        {"kind": "receipt", "expires_on": in_days(-400)},
        {"kind": "passport", "expires_on": in_days(45)},
        {"kind": "passport", "expires_on": in_days(-400)},
        {"kind": "identity_card", "expires_on": in_days(-100)},
    ]
    for number, status in enumerate(statuses):
        for other, document in enumerate(documents):
            person = make_person(site_a, f"Persona{number}", f"Caso{other}", nationality="NG")
            if status:
                # An older, expired status first: only the current one counts.
                add_status(person, status="subsidiary", expires_on=in_days(-900), valid_from=in_days(-1500))
                add_status(person, **status)
            if document:
                add_document(person, **document)
    with scope(site=site_a):
        expected = []
        for person in Person.objects.filter(site=site_a).prefetch_related("legal_statuses", "documents"):
            expected.extend(selectors.expiries_for(person))
        found = selectors.site_expiries(site=site_a)
        counts = selectors.expiry_counts(site=site_a)
    key = lambda e: (e.person_id, e.what, e.expires_on)  # noqa: E731
    assert sorted(found, key=key) == sorted(expected, key=key)
    assert len(found) > 15  # the combinations do raise alerts
    expired = sum(1 for e in expected if e.expired)
    assert counts == (expired, len(expected) - expired)
