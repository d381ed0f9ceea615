"""people.matching.duplicate_candidates and duplicates_elsewhere_count."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.utils import timezone, translation
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.people import matching
from percorsi.people.choices import DatePrecision
from percorsi.people.models import IdentityDocument, LegalStatus, Nationality, Person
from tests.people.test_matching import DIFFERENT_PEOPLE, SPELLING_PAIRS, make_person

YEAR = DatePrecision.YEAR
EXACT = DatePrecision.EXACT


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def person_with(
    site: Site,
    given: str,
    family: str,
    *,
    born: date | None = None,
    precision: str = EXACT,
    countries: tuple[str, ...] = (),
    **fields: Any,
) -> Person:
    person = make_person(site, given, family, birth_date=born, birth_date_precision=precision, **fields)
    with scope(site=site):
        for country in countries:
            Nationality.objects.create(site=site, person=person, country=country)
    return person


def check(site: Site, given: str, family: str, **kwargs: Any) -> list[matching.Candidate]:
    lookup: dict[str, Any] = {"birth_date": None, "birth_date_precision": EXACT, "nationalities": []}
    lookup.update(kwargs)
    return matching.duplicate_candidates(site=site, given_names=given, family_names=family, **lookup)


def scores(candidates: list[matching.Candidate]) -> dict[int, int]:
    return {candidate.person.pk: candidate.score for candidate in candidates}


@pytest.mark.parametrize(("recorded", "typed"), SPELLING_PAIRS, ids=lambda pair: " ".join(pair))
def test_every_spelling_is_a_likely_duplicate(
    site_a: Site, recorded: tuple[str, str], typed: tuple[str, str]
) -> None:
    person = person_with(site_a, *recorded, born=date(1994, 1, 1), precision=YEAR, countries=("GN",))
    make_person(site_a, "Blessing", "Okafor", birth_date=date(1994, 1, 1))
    candidates = check(
        site_a, *typed, birth_date=date(1994, 1, 1), birth_date_precision=YEAR, nationalities=["GN"]
    )
    assert [candidate.person.pk for candidate in candidates] == [person.pk]
    assert candidates[0].score >= 75
    assert "born the same year" in candidates[0].reasons
    assert "same nationality" in candidates[0].reasons
    # On the name alone, the spelling variant is still shown.
    assert person.pk in scores(check(site_a, *typed))


@pytest.mark.parametrize(("recorded", "typed"), DIFFERENT_PEOPLE, ids=lambda pair: " ".join(pair))
def test_different_people_are_not_duplicates(
    site_a: Site, recorded: tuple[str, str], typed: tuple[str, str]
) -> None:
    person = person_with(site_a, *recorded, born=date(1994, 1, 1), precision=YEAR, countries=("GN",))
    candidates = check(
        site_a, *typed, birth_date=date(1994, 1, 1), birth_date_precision=YEAR, nationalities=["GN"]
    )
    assert person.pk not in scores(candidates)


def test_same_common_name_but_another_family_name_and_birth_year_scores_low(site_a: Site) -> None:
    person_with(site_a, "Mohamed", "Ali", born=date(1990, 1, 1), precision=YEAR, countries=("EG",))
    assert check(site_a, "Mohamed", "Hassan", birth_date=date(1985, 1, 1), birth_date_precision=YEAR) == []
    assert check(site_a, "Mohamed", "", birth_date=date(1975, 1, 1), birth_date_precision=YEAR) == []


def test_same_name_but_born_years_apart_is_someone_else(site_a: Site) -> None:
    person_with(site_a, "Mamadou", "Bah", born=date(1980, 3, 12), countries=("GN",))
    assert check(site_a, "Mamadou", "Bah", birth_date=date(1999, 7, 30), nationalities=["GN"]) == []
    assert check(site_a, "Mamadou", "Bah", birth_date=date(1999, 1, 1), birth_date_precision=YEAR) == []


def test_reasons_and_scores_for_the_birth_date(site_a: Site) -> None:
    exact = person_with(site_a, "Tesfay", "Gebre", born=date(1992, 6, 15), countries=("ER",))
    (candidate,) = check(site_a, "Tesfaye", "Gebre", birth_date=date(1992, 6, 15), nationalities=["ER"])
    assert candidate.person == exact
    assert candidate.reasons == ["similar name: Tesfay Gebre", "same birth date", "same nationality"]
    assert candidate.score == 95

    (candidate,) = check(site_a, "Tesfay", "Gebre", birth_date=date(1992, 1, 1), birth_date_precision=YEAR)
    assert candidate.reasons == ["same name", "born the same year"]

    (candidate,) = check(site_a, "Tesfay", "Gebre", birth_date=date(1993, 3, 1), birth_date_precision="month")
    assert candidate.reasons == ["same name", "birth date within a year"]

    # Two exact dates a few days apart in the same year: no reason given, no penalty.
    (candidate,) = check(site_a, "Tesfay", "Gebre", birth_date=date(1992, 6, 18))
    assert candidate.reasons == ["same name"]


def test_first_of_january_is_a_placeholder_even_when_marked_exact(site_a: Site) -> None:
    person_with(site_a, "Kidane", "Berhe", born=date(1988, 1, 1), precision=EXACT)
    (candidate,) = check(site_a, "Kedane", "Berhe", birth_date=date(1988, 9, 20))
    assert "born the same year" in candidate.reasons


def test_same_tax_code_is_near_certain_whatever_the_name(site_a: Site) -> None:
    person = person_with(site_a, "Mohamed", "Diallo", born=date(1990, 1, 1), tax_code="DLLMMD90A01Z319K")
    (candidate,) = check(site_a, "Papis", "Camara", tax_code="dllmmd90a01z319k")
    assert candidate.person == person
    assert candidate.score >= 95
    assert candidate.reasons == ["same tax code"]


def test_different_full_tax_codes_count_against(site_a: Site) -> None:
    person_with(site_a, "Mohamed", "Diallo", tax_code="DLLMMD90A01Z319K")
    assert check(site_a, "Mohamed", "Diallo", tax_code="DLLMMD85B12Z319Y") == []
    assert len(check(site_a, "Mohamed", "Diallo", tax_code="12345678901")) == 1  # provisional code first


def test_same_document_number_is_near_certain(site_a: Site) -> None:
    person = person_with(site_a, "Oksana", "Kovalenko", sex="F")
    with scope(site=site_a):
        IdentityDocument.objects.create(site=site_a, person=person, kind="passport", number="FE 123 456")
        LegalStatus.objects.create(site=site_a, person=person, status="refugee", permit_number="I-0456789")
        matching.index_person(person)
    for numbers in (["fe123456"], ["FE-123-456"], ["X1", "I 0456789"]):
        (candidate,) = check(site_a, "Olena", "Petrenko", document_numbers=numbers)
        assert candidate.person == person
        assert candidate.score >= 90
        assert candidate.reasons == ["same document number"]


def test_same_phone_adds_to_the_name(site_a: Site) -> None:
    person = person_with(
        site_a, "Mamadou", "Barry", born=date(1995, 1, 1), precision=YEAR, phone="+393331234567"
    )
    (candidate,) = check(
        site_a,
        "Mamadu",
        "Barry",
        phone="333 123 4567",
        birth_date=date(1995, 1, 1),
        birth_date_precision=YEAR,
    )
    assert candidate.person == person
    assert "same phone" in candidate.reasons
    without = check(site_a, "Mamadu", "Barry", birth_date=date(1995, 1, 1), birth_date_precision=YEAR)
    assert candidate.score > without[0].score
    # A shared phone alone (a relative's) does not make someone a duplicate.
    assert check(site_a, "Aminata", "Sow", phone="+393331234567") == []


def test_sex_when_known(site_a: Site) -> None:
    person_with(site_a, "Ali", "Musa", born=date(1991, 1, 1), precision=YEAR, sex="M")
    assert (
        check(site_a, "Aliyu", "Musa", birth_date=date(1991, 1, 1), birth_date_precision=YEAR, sex="F") == []
    )


def test_ranking_and_limit(site_a: Site) -> None:
    best = person_with(site_a, "Mohamed", "Diallo", born=date(1990, 5, 4), countries=("GN",))
    second = person_with(
        site_a, "Muhammad", "Jallow", born=date(1990, 1, 1), precision=YEAR, countries=("GN",)
    )
    third = person_with(site_a, "Mohamed", "Diallo")
    candidates = check(site_a, "Mohamed", "Diallo", birth_date=date(1990, 5, 4), nationalities=["GN"])
    assert [candidate.person for candidate in candidates] == [best, second, third]
    assert [candidate.score for candidate in candidates] == sorted(
        (c.score for c in candidates), reverse=True
    )
    assert all(0 <= candidate.score <= 100 for candidate in candidates)
    limited = check(site_a, "Mohamed", "Diallo", birth_date=date(1990, 5, 4), nationalities=["GN"], limit=1)
    assert [candidate.person for candidate in limited] == [best]


def test_exclude_pk_leaves_the_person_out(site_a: Site) -> None:
    person = person_with(site_a, "Mohamed", "Diallo")
    other = person_with(site_a, "Mohammed", "Diallo")
    assert set(scores(check(site_a, "Mohamed", "Diallo"))) == {person.pk, other.pk}
    assert set(scores(check(site_a, "Mohamed", "Diallo", exclude_pk=person.pk))) == {other.pk}


def test_deleted_and_merged_people_are_left_out(site_a: Site) -> None:
    kept = person_with(site_a, "Mohamed", "Diallo", tax_code="DLLMMD90A01Z319K")
    deleted = person_with(site_a, "Mohamed", "Diallo", tax_code="DLLMMD90A01Z319K")
    merged = person_with(site_a, "Mohamed", "Diallo", tax_code="DLLMMD90A01Z319K")
    with scope(site=site_a):
        Person.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
        Person.objects.filter(pk=merged.pk).update(merged_into=kept)
    assert set(scores(check(site_a, "Mohamed", "Diallo", tax_code="DLLMMD90A01Z319K"))) == {kept.pk}


def test_other_sites_are_counted_not_shown(site_a: Site, site_b: Site) -> None:
    theirs = person_with(
        site_b, "Muhammad", "Jallow", born=date(1990, 1, 1), precision=YEAR, countries=("GM",)
    )
    person_with(site_b, "Fatou", "Diop", born=date(1990, 1, 1), precision=YEAR)
    lookup: dict[str, Any] = {
        "given_names": "Mohamed",
        "family_names": "Diallo",
        "birth_date": date(1990, 1, 1),
        "birth_date_precision": YEAR,
        "nationalities": ["GM"],
    }
    assert matching.duplicate_candidates(site=site_a, **lookup) == []
    assert matching.duplicates_elsewhere_count(site=site_a, **lookup) == 1
    assert matching.duplicates_elsewhere_count(site=site_b, **lookup) == 0
    assert [c.person for c in matching.duplicate_candidates(site=site_b, **lookup)] == [theirs]
    # By tax code too; and whatever scope the caller has open.
    with scope(site=site_b):
        Person.objects.filter(pk=theirs.pk).update(tax_code="JLLMMM90A01Z317X")
    with scope(site=site_a):
        count = matching.duplicates_elsewhere_count(
            site=site_a,
            given_names="Lamin",
            family_names="Touray",
            birth_date=None,
            birth_date_precision=EXACT,
            nationalities=[],
            tax_code="JLLMMM90A01Z317X",
        )
    assert count == 1
    # The deleted are not counted.
    with scope(site=site_b):
        Person.objects.filter(pk=theirs.pk).update(deleted_at=timezone.now())
    assert matching.duplicates_elsewhere_count(site=site_a, **lookup) == 0


def test_a_handful_of_queries_whatever_the_number_of_people(
    site_a: Site, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    lookup: dict[str, Any] = {
        "birth_date": date(1990, 1, 1),
        "birth_date_precision": YEAR,
        "nationalities": ["GN"],
        "phone": "+393331234567",
    }
    for i in range(40):
        person_with(
            site_a,
            ["Mohamed", "Muhammad", "Mohammed"][i % 3],
            ["Diallo", "Jallow"][i % 2],
            born=date(1990, 1, 1),
            precision=YEAR,
            countries=("GN",),
        )
    with django_assert_max_num_queries(4):
        candidates = check(site_a, "Mohamed", "Diallo", **lookup)
        assert all(candidate.person.family_names for candidate in candidates)
    assert len(candidates) == 10
    with django_assert_max_num_queries(5):
        check(site_a, "Mohamed", "Diallo", document_numbers=["AB123"], **lookup)
    with django_assert_max_num_queries(4):
        matching.duplicates_elsewhere_count(
            site=site_a, given_names="Mohamed", family_names="Diallo", **lookup
        )
