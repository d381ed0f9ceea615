"""Matching people and offers (issue 5, item 6): a perfect fit first, the reasons, what is missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import translation
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.jobs import selectors
from percorsi.jobs.models import JobOffer, Occupation
from percorsi.people.models import Person
from tests.helpers import page_text
from tests.jobs.conftest import said, url


def ranked(offer: JobOffer) -> tuple[list[Any], int]:
    with scope(site=offer.site), translation.override("en"):
        return selectors.matches_for_offer(offer)


def test_a_perfect_fit_comes_first_and_a_missing_licence_is_explained(
    site_a: Site,
    make_person: Callable[..., Person],
    save_cv: Callable[..., Any],
    make_offer: Callable[..., JobOffer],
    cook: Occupation,
    kitchen_helper: Occupation,
    lorry_driver: Occupation,
) -> None:
    perfect = make_person(site_a, "Musa", "Kamara")
    no_licence = make_person(site_a, "Ibrahim", "Kone")
    helper = make_person(site_a, "Awa", "Diallo")
    driver = make_person(site_a, "Yonas", "Tesfaye")
    save_cv(perfect, wants=[cook], did=[cook], italian="B1", licences=["B"], places="Roma")
    save_cv(no_licence, wants=[cook], did=[cook], italian="B1", places="Roma")
    save_cv(helper, wants=[kitchen_helper], italian="A2", licences=["B"], places="Roma")
    save_cv(driver, wants=[lorry_driver], did=[lorry_driver], italian="B2", licences=["CE"], places="Roma")
    offer = make_offer("Cuoco", occupation=cook, italian_level="A2", driving_licence="B", place="Roma")

    matches, without_cv = ranked(offer)

    order = [m.person.pk for m in matches]
    assert order[0] == perfect.pk
    assert order.index(no_licence.pk) < order.index(helper.pk) < order.index(driver.pk)
    best = matches[0].fit
    assert best.missing == [] and best.score == 100
    assert "wants this job" in best.reasons and "has done this job before" in best.reasons
    second = next(m.fit for m in matches if m.person.pk == no_licence.pk)
    assert second.missing == ["driving licence B required"]
    # A CE licence covers B: the driver misses the job, not the licence.
    driver_fit = next(m.fit for m in matches if m.person.pk == driver.pk)
    assert not any("licence" in item for item in driver_fit.missing)
    assert "neither wants nor has done work of this kind" in driver_fit.missing
    assert without_cv == 0


def test_italian_below_the_offer_is_missing_and_people_without_a_cv_are_counted(
    site_a: Site,
    make_person: Callable[..., Person],
    save_cv: Callable[..., Any],
    make_offer: Callable[..., JobOffer],
    cook: Occupation,
) -> None:
    low = make_person(site_a, "Fatou", "Sow")
    unassessed = make_person(site_a, "Omar", "Ali")
    make_person(site_a, "Samuel", "Okoro")  # no CV
    save_cv(low, wants=[cook], italian="A1")
    save_cv(unassessed, wants=[cook])
    offer = make_offer(occupation=cook, italian_level="B1")

    matches, without_cv = ranked(offer)

    missing = {m.person.pk: m.fit.missing for m in matches}
    assert missing[low.pk] == ["Italian B1 required, has A1"]
    assert missing[unassessed.pk] == ["Italian level not assessed (B1 required)"]
    assert without_cv == 1


def test_the_offer_page_lists_who_fits_with_reasons_and_the_person_page_the_offers(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    save_cv: Callable[..., Any],
    make_offer: Callable[..., JobOffer],
    cook: Occupation,
    bricklayer: Occupation,
) -> None:
    person = make_person(site_a, "Musa", "Kamara")
    save_cv(person, wants=[cook], italian="B1")
    cook_offer = make_offer("Cuoco di linea", occupation=cook, driving_licence="B")
    make_offer("Muratore", occupation=bricklayer)
    closed = make_offer("Cuoco (chiuso)", occupation=cook, status="closed")

    volunteer = client_for("volunteer_a")
    response = volunteer.get(url("offer", site_a, offer_id=cook_offer.pk))
    page = page_text(response)
    assert "KAMARA Musa" in page
    assert said(response, "wants this job") in page
    assert said(response, "driving licence %(licence)s required", licence="B") in page

    person_page = page_text(volunteer.get(url("person", site_a, pk=person.pk)))
    offers = person_page[person_page.index('id="work-offers"') :]
    assert offers.index("Cuoco di linea") < offers.index("Muratore")
    assert closed.title not in offers


def test_the_place_and_the_working_time_are_questions_not_missing_requirements(
    site_a: Site,
    make_person: Callable[..., Person],
    save_cv: Callable[..., Any],
    make_offer: Callable[..., JobOffer],
    cook: Occupation,
) -> None:
    anywhere = make_person(site_a, "Musa", "Kamara")
    elsewhere = make_person(site_a, "Awa", "Diallo")
    save_cv(anywhere, wants=[cook], places="ovunque", working_time="full_time")
    save_cv(elsewhere, wants=[cook], places="Vicenza e provincia", working_time="part_time")
    offer = make_offer(occupation=cook, place="Guidonia", working_time="full_time")

    matches, _without = ranked(offer)

    first, second = matches
    assert first.person.pk == anywhere.pk and first.fit.checks == [] and first.fit.missing == []
    assert second.fit.missing == []
    assert second.fit.checks == [
        "looks for part time work",
        "check the place: works in Vicenza e provincia, the job is in Guidonia",
    ]
