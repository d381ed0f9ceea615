"""The beginning or the middle of a name finds the person, on PostgreSQL through the trigram index."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from percorsi.core.models import Site
from percorsi.people import matching
from percorsi.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["Trao", "raor", "traor", "Seydou Trao", "TRAO"])
def test_part_of_a_name_finds_the_person(
    site_a: Site, site_b: Site, make_person: Callable[..., Person], query: str
) -> None:
    person = make_person(site_a, "Seydou", "Traoré", sex="M")
    make_person(site_a, "Amina", "Yusuf")
    make_person(site_b, "Moussa", "Traoré", sex="M")  # another site: never found from Roma
    hits = matching.search_people(site=site_a, query=query)
    assert [hit.person.pk for hit in hits] == [person.pk]


def test_two_letters_are_not_enough(site_a: Site, make_person: Callable[..., Person]) -> None:
    make_person(site_a, "Seydou", "Traoré", sex="M")
    assert matching.search_people(site=site_a, query="Tr") == []


def test_on_postgresql_the_partial_search_can_use_the_trigram_index(site_a: Site) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm exists on PostgreSQL only")
    # Without a table scan to fall back on, the planner must serve LIKE '%trao%' from the index.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Person.objects.with_scopes_disabled().filter(search_text__contains="trao").explain()
    assert "people_person_search_trgm" in plan
