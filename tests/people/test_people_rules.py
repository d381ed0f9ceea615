"""Rules that came from watching staff use the people pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from percorsi.core.models import Site
from percorsi.people.models import Person
from tests.helpers import page_text, shows
from tests.people.conftest import url

pytestmark = pytest.mark.django_db


def test_a_desk_volunteer_cannot_find_whose_permit_or_document_a_number_is(
    client_for: Callable[[str], Client],
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Any,
    add_document: Any,
) -> None:
    person = make_person(site_a, "Bakary", "Touray", sex="M", phone="+393331112233")
    add_status(person, status="refugee", permit_number="I77441122")
    add_document(person, kind="passport", number="GM5544")
    operator, volunteer = client_for("operator_a"), client_for("volunteer_a")
    link = url("detail", site_a, pk=person.pk)
    for number in ("I77441122", "GM5544"):
        assert link in page_text(operator.get(url("list", site_a), {"q": number}))
        assert link not in page_text(volunteer.get(url("list", site_a), {"q": number}))
    # Names and phones still work for the volunteer.
    assert link in page_text(volunteer.get(url("list", site_a), {"q": "Bakari Turay"}))
    assert link in page_text(volunteer.get(url("list", site_a), {"q": "333 111 2233"}))


def test_opening_a_case_over_a_possible_match_without_the_tick_says_what_to_do(
    client_for: Callable[[str], Client], site_a: Site, make_person: Callable[..., Person]
) -> None:
    make_person(
        site_a,
        "Mohamed",
        "Diallo",
        sex="M",
        birth_date=date(1990, 1, 1),
        birth_date_precision="year",
        nationality="GN",
    )
    data = {
        "given_names": "Muhammad",
        "family_names": "Jallow",
        "sex": "M",
        "birth_year": "1990",
        "nationality": "GN",
        "arrival_precision": "exact",
        "checked_matches": "1",
    }
    response = client_for("operator_a").post(url("intake", site_a), data)
    assert response.status_code == 400
    assert shows(response, "To open the case, tick the box below, or open the existing record instead.")
    assert not Person.objects.with_scopes_disabled().filter(family_names="Jallow").exists()


def test_a_permit_is_listed_once_even_with_its_document_and_old_passports_are_not_alerts(
    client_for: Callable[[str], Client],
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Any,
    add_document: Any,
) -> None:
    today = timezone.localdate()
    person = make_person(site_a)
    add_status(person, status="subsidiary", expires_on=today + timedelta(days=20))
    add_document(person, kind="permit", number="I1", expires_on=today + timedelta(days=20))
    add_document(person, kind="passport", number="P1", expires_on=today - timedelta(days=700))
    response = client_for("operator_a").get(url("alerts", site_a))
    assert page_text(response).count(url("detail", site_a, pk=person.pk)) == 1


def test_a_status_recorded_today_without_its_start_date_is_the_current_one(
    client_for: Callable[[str], Client], site_a: Site, make_person: Callable[..., Person], add_status: Any
) -> None:
    person = make_person(site_a)
    add_status(person, status="asylum_seeker", valid_from=date(2023, 5, 1))
    add_status(person, status="refugee")
    response = client_for("operator_a").get(url("detail", site_a, pk=person.pk))
    text = page_text(response)
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(response["Content-Language"]):
        refugee, seeker = gettext("refugee status"), gettext("asylum seeker")
    legal = text[text.index('id="legal"') :]
    assert legal.index(refugee) < legal.index(seeker)


def test_undoing_a_merge_whose_record_moved_to_another_site_is_refused_with_a_message(
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    make_person: Callable[..., Person],
    personas: dict[str, Any],
) -> None:
    from django_scopes import scope

    from percorsi.people import services
    from percorsi.people.models import Merge

    keep, absorb = make_person(site_a, "Awa", "Ceesay"), make_person(site_a, "Awa", "Cessay")
    coordinator = personas["coordinator_a"].user
    with scope(site=site_a):
        merge = services.person_merge(keep=keep, absorb=absorb, actor=coordinator)
        keep.refresh_from_db()
        services.person_transfer(person=keep, actor=coordinator, version=None, to_site=site_b)
    response = client_for("admin_a").post(url("merge_undo", site_a, merge_id=merge.pk), follow=True)
    assert response.status_code == 200
    assert shows(
        response,
        "The record kept was transferred to another site since: the merge can no longer be undone here.",
    )
    assert Merge.objects.with_scopes_disabled().get().undone_at is None


def test_the_intake_does_not_guess_the_country_of_birth_from_the_nationality(
    site_a: Site, make_person: Callable[..., Person]
) -> None:
    from django_scopes import scope

    person = make_person(site_a, nationality="ER")
    assert person.birth_country == ""
    with scope(site=site_a):
        assert [n.country for n in person.nationalities.all()] == ["ER"]
