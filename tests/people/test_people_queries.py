"""Query budgets (CONVENTIONS.md item 11): the people list, a search and the case file cost the same
number of queries with 3 people as with 300, and a case file with 3 rows of each kind as with 30.

The people are made fast (bulk_create, then `matching.index_person` for their search keys); the
pages are measured on the same site, before and after it grows, by the same user and session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.models import Site
from percorsi.people import matching
from percorsi.people.models import (
    ConfidentialNote,
    Consent,
    HouseholdLink,
    IdentityDocument,
    LegalStatus,
    Nationality,
    OtherName,
    Person,
    PrivacyNotice,
    SpokenLanguage,
)
from tests.conftest import Persona
from tests.people.conftest import url

# The page shell (session read and save, user, site, membership, navigation: 9), the page's own
# reads and the audit entry it writes with its savepoints (5). A query per row would blow it at once.
BUDGET = 25
# The case file reads the person three times (merged?, of this site?, with everything) and one
# query per kind of row recorded about them (nine kinds, the notes' authors, the relatives), plus
# the panels of the apps above people (the plans' appointments and tasks: two).
CASE_FILE_BUDGET = 32

GIVEN = ["Mamadou", "Aminata", "Ibrahima", "Fatoumata", "Ousmane", "Mariama", "Abdoulaye", "Kadiatou"]
FAMILY = ["Diallo", "Diallo", "Bah", "Barry", "Sow", "Camara", "Diallo", "Balde", "Conde"]
COUNTRIES = ["GN", "SN", "ML", "GM", "CI", "NG", "SL", "BF", "NE", "GH"]
# For the rows of the person on the case file, who already has GN and ff from the intake.
MORE_COUNTRIES = ["SN", "ML", "GM", "CI", "NG", "SL", "BF", "NE", "GH", "LR"]
MORE_LANGUAGES = ["fr", "en", "wo", "bm", "ar", "ha", "yo", "ig", "tw", "it"]


def add_people(site: Site, operator: User, start: int, count: int) -> list[Person]:
    """`count` people with a nationality, a legal status (some expiring soon) and a passport each."""
    today = timezone.localdate()
    with scope(site=site):
        people = Person.objects.bulk_create(
            Person(
                site=site,
                given_names=GIVEN[n % len(GIVEN)],
                family_names=FAMILY[n % len(FAMILY)],
                sex="F" if n % 4 == 1 else "M",
                birth_date=date(1975 + n % 30, 1 + n % 12, 1 + n % 28),
                phone=f"+39333{n:07d}",
                operator=operator,
                case_status=["active", "suspended", "active", "closed", "active"][n % 5],
            )
            for n in range(start, start + count)
        )
        Nationality.objects.bulk_create(
            Nationality(site=site, person=p, country=COUNTRIES[i % len(COUNTRIES)])
            for i, p in enumerate(people)
        )
        LegalStatus.objects.bulk_create(
            LegalStatus(
                site=site,
                person=p,
                status="subsidiary",
                permit_number=f"RM{start + i:07d}",
                expires_on=today + timedelta(days=(start + i) % 400 - 30),
            )
            for i, p in enumerate(people)
        )
        IdentityDocument.objects.bulk_create(
            IdentityDocument(site=site, person=p, kind="passport", number=f"P{start + i:08d}")
            for i, p in enumerate(people)
        )
        for person in people:
            matching.index_person(person)
    return people


def add_rows(person: Person, operator: User, start: int, count: int, relatives: list[Person]) -> None:
    """`count` rows of every kind hanging from the person shown on the case file."""
    site = person.site
    with scope(site=site):
        OtherName.objects.bulk_create(
            OtherName(site=site, person=person, name=f"Alias {n}") for n in range(start, start + count)
        )
        Nationality.objects.bulk_create(
            Nationality(site=site, person=person, country=MORE_COUNTRIES[n])
            for n in range(start, start + count)
        )
        SpokenLanguage.objects.bulk_create(
            SpokenLanguage(site=site, person=person, language=MORE_LANGUAGES[n], level="A2")
            for n in range(start, start + count)
        )
        LegalStatus.objects.bulk_create(
            LegalStatus(
                site=site,
                person=person,
                status="asylum_seeker",
                valid_from=date(2015, 1, 1) + timedelta(days=30 * n),
                expires_on=date(2016, 1, 1) + timedelta(days=30 * n),
                recorded_by=operator,
            )
            for n in range(start, start + count)
        )
        IdentityDocument.objects.bulk_create(
            IdentityDocument(
                site=site,
                person=person,
                kind="identity_card",
                number=f"CA{n:05d}",
                issued_on=date(2016, 1, 1) + timedelta(days=n),
                expires_on=timezone.localdate() + timedelta(days=n),
                recorded_by=operator,
            )
            for n in range(start, start + count)
        )
        notices = PrivacyNotice.objects.bulk_create(
            PrivacyNotice(
                site=site,
                person=person,
                given_on=date(2020, 1, 1) + timedelta(days=n),
                language="fr",
                recorded_by=operator,
            )
            for n in range(start, start + count)
        )
        Consent.objects.bulk_create(
            Consent(
                site=site,
                person=person,
                purpose="contact",
                given_on=notice.given_on,
                withdrawn_on=notice.given_on + timedelta(days=5) if n % 2 else None,
                notice=notice,
                recorded_by=operator,
            )
            for n, notice in enumerate(notices)
        )
        ConfidentialNote.objects.bulk_create(
            ConfidentialNote(site=site, person=person, category="health", text=f"Note {n}", author=operator)
            for n in range(start, start + count)
        )
        HouseholdLink.objects.bulk_create(
            HouseholdLink(site=site, person=person, relative=relative, relation="sibling")
            for relative in relatives[start : start + count]
        )


def queries(client: Client, address: str, params: dict[str, str] | None = None) -> int:
    assert client.get(address, params).status_code == 200  # settles the session and the caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(address, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def measure(client_for: Callable[[str], Client], site_a: Site) -> Callable[[str, int], dict[str, int]]:
    clients = {persona: client_for(persona) for persona in ("operator_a", "volunteer_a")}

    def run(persona: str, subject_pk: int) -> dict[str, int]:
        client = clients[persona]
        return {
            "list": queries(client, url("list", site_a)),
            "list, page 2": queries(client, url("list", site_a), {"page": "2"}),
            "list, suspended": queries(client, url("list", site_a), {"status": "suspended"}),
            "search": queries(client, url("list", site_a), {"q": "Mamadou Diallo"}),
            "search, misspelt": queries(client, url("list", site_a), {"q": "Mamadu Jallow"}),
            "search, family name": queries(client, url("list", site_a), {"q": "Jallo"}),
            "search, permit number": queries(client, url("list", site_a), {"q": "RM0000001"}),
            "case file": queries(client, url("detail", site_a, pk=subject_pk)),
        }

    return run


@pytest.mark.parametrize("persona", ["operator_a", "volunteer_a"])
def test_people_pages_cost_the_same_with_3_and_300_people(
    site_a: Site,
    personas: dict[str, Persona],
    make_person: Callable[..., Person],
    measure: Callable[[str, int], dict[str, int]],
    persona: str,
) -> None:
    operator = personas["operator_a"].user
    subject = make_person(site_a, "Mamadou", "Diallo", sex="M", nationality="GN", mother_tongue="ff")
    relatives = add_people(site_a, operator, 0, 2)
    add_rows(subject, operator, 0, 2, relatives)
    with scope(site=site_a):
        assert Person.objects.count() == 3

    few = measure(persona, subject.pk)

    relatives += add_people(site_a, operator, 2, 297)
    add_rows(subject, operator, 2, 8, relatives)  # 10 rows of every kind on the case file
    with scope(site=site_a):
        assert Person.objects.count() == 300
        assert LegalStatus.objects.filter(person=subject).count() == 10

    # The pages now show full pages of rows, not three.
    assert len(matching.search_people(site=site_a, query="Mamadou Diallo")) > 10
    assert len(matching.search_people(site=site_a, query="Mamadu Jallow")) > 10
    assert len(matching.search_people(site=site_a, query="Jallo")) > 25

    many = measure(persona, subject.pk)

    assert many == few, f"3 people: {few}; 300 people: {many}"
    assert few.pop("case file") <= CASE_FILE_BUDGET
    assert max(few.values()) <= BUDGET, few
