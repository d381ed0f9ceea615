"""people.matching.search_people: by name whatever the spelling, by tax code, document, phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import timezone
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.people import matching
from percorsi.people.models import IdentityDocument, LegalStatus, OtherName, Person
from tests.people.test_matching import DIFFERENT_PEOPLE, SPELLING_PAIRS, make_person


def found(site: Site, query: str, **kwargs: object) -> list[int]:
    return [hit.person.pk for hit in matching.search_people(site=site, query=query, **kwargs)]


def decoys(site: Site) -> None:
    """People with common names around the one looked for."""
    for given, family in [
        ("Mahmoud", "Kamara"),
        ("Ali", "Hassan"),
        ("Fatoumata", "Diop"),
        ("Ibrahim", "Traore"),
        ("Aminata", "Sow"),
    ]:
        make_person(site, given, family)


@pytest.mark.parametrize(("recorded", "typed"), SPELLING_PAIRS, ids=lambda pair: " ".join(pair))
def test_search_finds_every_spelling(site_a: Site, recorded: tuple[str, str], typed: tuple[str, str]) -> None:
    decoys(site_a)
    person = make_person(site_a, *recorded)
    assert person.pk in found(site_a, " ".join(typed))
    # And the other way round: the variant recorded, the first spelling typed.
    other = make_person(site_a, *typed)
    assert other.pk in found(site_a, " ".join(recorded))


@pytest.mark.parametrize(("recorded", "typed"), DIFFERENT_PEOPLE, ids=lambda pair: " ".join(pair))
def test_search_does_not_confuse_different_people(
    site_a: Site, recorded: tuple[str, str], typed: tuple[str, str]
) -> None:
    person = make_person(site_a, *recorded)
    assert person.pk not in found(site_a, " ".join(typed))
    assert person.pk in found(site_a, " ".join(recorded))


def test_diacritics_either_way(site_a: Site) -> None:
    aicha = make_person(site_a, "Aïcha", "Koné", sex="F")
    assert found(site_a, "aicha kone") == [aicha.pk]
    assert found(site_a, "AÏCHA") == [aicha.pk]
    plain = make_person(site_a, "Aminata", "Toure", sex="F")
    assert found(site_a, "Aminata Touré") == [plain.pk]


def test_name_in_arabic_script_is_found_by_its_transliteration(site_a: Site) -> None:
    person = make_person(site_a, "Hamoudi", "Karim", native_name="محمد كريم")
    assert person.pk in found(site_a, "Mohamed Karim")
    assert person.pk in found(site_a, "Muhammad")
    assert person.pk in found(site_a, "محمد")


def test_name_in_cyrillic_and_geez(site_a: Site) -> None:
    serhii = make_person(site_a, "Serhii", "Bondarenko")
    tesfay = make_person(site_a, "Tesfay", "Gebremedhin")
    assert found(site_a, "Сергій Бондаренко") == [serhii.pk]
    assert found(site_a, "ተስፋይ") == [tesfay.pk]


def test_other_names_are_searched(site_a: Site) -> None:
    person = make_person(site_a, "Mohamed", "Diallo")
    with scope(site=site_a):
        OtherName.objects.create(site=site_a, person=person, name="Papis", is_alias=True)
        matching.index_person(person)
    assert found(site_a, "Papis") == [person.pk]
    assert found(site_a, "papis diallo") == [person.pk]


def test_swapped_names(site_a: Site) -> None:
    person = make_person(site_a, "Mamadou Lamine", "Diallo")
    for query in ("Diallo Mamadou", "diallo lamine mamadou", "Lamine Diallo", "Jallow Mamadu"):
        assert found(site_a, query) == [person.pk], query


@pytest.mark.parametrize(
    "query", ["El-Sayed", "El Sayed", "Elsayed", "Al Sayed", "al-sayed", "Sayed", "Ahmed Sayed"]
)
def test_el_and_al_prefixes(site_a: Site, query: str) -> None:
    person = make_person(site_a, "Ahmed", "El-Sayed")
    joined = make_person(site_a, "Ahmed", "Elsayed")
    plain = make_person(site_a, "Ahmed", "Sayed")
    assert set(found(site_a, query)) == {person.pk, joined.pk, plain.pk}


def test_abbreviated_muhammad(site_a: Site) -> None:
    person = make_person(site_a, "Md. Shahidul", "Islam")
    assert found(site_a, "Mohammad Shahidul Islam") == [person.pk]
    assert found(site_a, "Mohd Islam") == [person.pk]


def test_abd_compounds(site_a: Site) -> None:
    person = make_person(site_a, "Abd el-Kader", "Benali")
    for query in ("Abdelkader", "Abdul Qadir", "abd al kader benali", "Abdulkadir"):
        assert found(site_a, query) == [person.pk], query
    assert found(site_a, "Abdallah") == []


def test_a_near_miss_is_found_and_ranked_after_the_exact_spelling(site_a: Site) -> None:
    typo = make_person(site_a, "Ibrahim", "Traore")
    exact = make_person(site_a, "Ibrahin", "Traore")
    hits = matching.search_people(site=site_a, query="Ibrahin Traore")
    assert [hit.person.pk for hit in hits] == [exact.pk, typo.pk]
    assert hits[0].score > hits[1].score


def test_ranking_puts_the_exact_match_first(site_a: Site) -> None:
    people = {
        name: make_person(site_a, *name.split(" ", 1))
        for name in (
            "Muhammad Diallo",
            "Mohamed Jallow",
            "Mohamed Diallo Bah",
            "Diallo Mohamed",
            "Mohamed Diallo",
            "Mohammed Djalo",
        )
    }
    make_person(site_a, "Mahmoud", "Diallo")
    hits = matching.search_people(site=site_a, query="Mohamed Diallo")
    order = [hit.person.pk for hit in hits]
    assert order[0] == people["Mohamed Diallo"].pk
    assert order[1] == people["Diallo Mohamed"].pk  # the same words, swapped
    assert set(order) == {person.pk for person in people.values()}
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert hits[0].score == 100
    assert all(hit.matched_on == matching.MatchedOn.NAME for hit in hits)


def test_limit(site_a: Site) -> None:
    for _ in range(5):
        make_person(site_a, "Mohamed", "Bah")
    assert len(found(site_a, "Mohamed Bah")) == 5
    assert len(found(site_a, "Mohamed Bah", limit=2)) == 2


@pytest.mark.parametrize("query", ["", "   ", "-", "a", "%", "_", "'; drop table people_person; --"])
def test_nothing_to_search_for(site_a: Site, query: str) -> None:
    make_person(site_a, "Mohamed", "Diallo")
    assert found(site_a, query) == []


def test_tax_code_exact_and_case_insensitive(site_a: Site) -> None:
    person = make_person(site_a, "Mohamed", "Diallo", tax_code="DLLMMD90A01Z319K")
    make_person(site_a, "Mohamed", "Diallo", tax_code="DLLMMD91A01Z319X")
    for query in ("DLLMMD90A01Z319K", "dllmmd90a01z319k", " DLL MMD 90A01 Z319K "):
        hits = matching.search_people(site=site_a, query=query)
        assert [hit.person.pk for hit in hits] == [person.pk], query
        assert hits[0].matched_on == matching.MatchedOn.TAX_CODE


def test_provisional_numeric_tax_code(site_a: Site) -> None:
    person = make_person(site_a, "Tesfay", "Gebre", tax_code="12345678901")
    assert found(site_a, "12345678901") == [person.pk]


def test_partial_tax_code(site_a: Site) -> None:
    person = make_person(site_a, "Mohamed", "Diallo", tax_code="DLLMMD90A01Z319K")
    other = make_person(site_a, "Mohamed", "Diallo", tax_code="DLLMMD85B12Z319Y")
    assert set(found(site_a, "dllmmd")) == {person.pk, other.pk}
    assert found(site_a, "DLLMMD90A") == [person.pk]
    assert found(site_a, "DLLMM") == []  # fewer than six characters: not a tax code


def test_document_number_ignoring_spaces_and_dashes(site_a: Site) -> None:
    person = make_person(site_a, "Oksana", "Kovalenko", sex="F")
    with scope(site=site_a):
        IdentityDocument.objects.create(site=site_a, person=person, kind="passport", number="FE 123-456")
        matching.index_person(person)
    for query in ("FE123456", "fe 123 456", "FE-123-456", "FE 123-456"):
        hits = matching.search_people(site=site_a, query=query)
        assert [hit.person.pk for hit in hits] == [person.pk], query
        assert hits[0].matched_on == matching.MatchedOn.DOCUMENT
    assert found(site_a, "FE12345") == []


def test_document_number_stored_plain_is_found_even_before_reindexing(site_a: Site) -> None:
    person = make_person(site_a, "Oksana", "Kovalenko", sex="F")
    with scope(site=site_a):
        IdentityDocument.objects.create(site=site_a, person=person, kind="passport", number="FE123456")
    assert found(site_a, "fe-123-456") == [person.pk]


def test_permit_number(site_a: Site) -> None:
    person = make_person(site_a, "Tsegay", "Haile")
    with scope(site=site_a):
        LegalStatus.objects.create(site=site_a, person=person, status="refugee", permit_number="I 0456789")
        matching.index_person(person)
    assert found(site_a, "I0456789") == [person.pk]
    assert found(site_a, "i-0456789") == [person.pk]


@pytest.mark.parametrize(
    "query",
    ["+393331234567", "333 123 4567", "3331234567", "0039 333 1234567", "+39 333-123-4567", "(333) 1234567"],
)
def test_phone_in_any_format(site_a: Site, query: str) -> None:
    person = make_person(site_a, "Mamadou", "Barry", phone="+393331234567")
    make_person(site_a, "Mamadou", "Barry", phone="+393331234568")
    hits = matching.search_people(site=site_a, query=query)
    assert [hit.person.pk for hit in hits] == [person.pk]
    assert hits[0].matched_on == matching.MatchedOn.PHONE


def test_a_foreign_phone_by_its_last_nine_digits(site_a: Site) -> None:
    person = make_person(site_a, "Chukwuemeka", "Okafor", phone="+2348031234567")
    assert found(site_a, "0803 123 4567") == [person.pk]
    assert found(site_a, "1234567") == []  # too short to tell


def test_phone_found_even_before_reindexing(site_a: Site) -> None:
    person = make_person(site_a, "Mamadou", "Barry")
    with scope(site=site_a):
        Person.objects.filter(pk=person.pk).update(phone="+393401112233")
    assert found(site_a, "340 111 2233") == [person.pk]


def test_deleted_and_merged_people_are_left_out(site_a: Site) -> None:
    kept = make_person(site_a, "Mohamed", "Diallo", phone="+393331234567", tax_code="DLLMMD90A01Z319K")
    deleted = make_person(site_a, "Mohamed", "Diallo", phone="+393331234567", tax_code="DLLMMD90A01Z319K")
    merged = make_person(site_a, "Mohamed", "Diallo", phone="+393331234567", tax_code="DLLMMD90A01Z319K")
    with scope(site=site_a):
        Person.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
        Person.objects.filter(pk=merged.pk).update(merged_into=kept)
    for query in ("Mohamed Diallo", "3331234567", "DLLMMD90A01Z319K", "DLLMMD"):
        assert found(site_a, query) == [kept.pk], query


def test_other_sites_people_are_never_returned(site_a: Site, site_b: Site) -> None:
    mine = make_person(site_a, "Mohamed", "Diallo")
    theirs = make_person(site_b, "Mohamed", "Diallo", phone="+393331234567", tax_code="DLLMMD90A01Z319K")
    with scope(site=site_b):
        IdentityDocument.objects.create(site=site_b, person=theirs, kind="passport", number="AA1234567")
        matching.index_person(theirs)
    assert found(site_a, "Mohamed Diallo") == [mine.pk]
    for query in ("3331234567", "DLLMMD90A01Z319K", "DLLMMD", "AA1234567"):
        assert found(site_a, query) == [], query
    assert found(site_b, "Mohamed Diallo") == [theirs.pk]
    # Whatever scope the caller has open, the site given is the one searched.
    with scope(site=site_b):
        assert found(site_a, "Mohamed Diallo") == [mine.pk]


def test_search_works_without_an_open_scope(site_a: Site) -> None:
    person = make_person(site_a, "Mohamed", "Diallo")
    hits = matching.search_people(site=site_a, query="Mohamed")
    assert [hit.person.pk for hit in hits] == [person.pk]
    assert hits[0].person.given_names == "Mohamed"  # the whole record is loaded


def test_a_handful_of_queries_whatever_the_number_of_people(
    site_a: Site, django_assert_max_num_queries: Callable[..., object]
) -> None:
    make_person(site_a, "Mohamed", "Diallo", birth_date=date(1990, 1, 1))
    for query, budget in (("Mohamed Dialo", 3), ("Mohamed", 3), ("+39 333 1234567", 4), ("AB1234567", 4)):
        with django_assert_max_num_queries(budget):
            matching.search_people(site=site_a, query=query)
    for i in range(40):
        make_person(
            site_a, ["Mohamed", "Muhammad", "Mahmoud", "Mohammed"][i % 4], ["Diallo", "Jallow", "Bah"][i % 3]
        )
    for query, budget in (("Mohamed Dialo", 3), ("Mohamed", 3), ("+39 333 1234567", 4), ("AB1234567", 4)):
        with django_assert_max_num_queries(budget):
            hits = matching.search_people(site=site_a, query=query)
            # The records are loaded with the hits: no query per row.
            assert all(hit.person.family_names and hit.person.birth_date_precision for hit in hits)
        if query.startswith("Mohamed"):
            assert len(hits) > 10
