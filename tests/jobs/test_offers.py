"""Job offers (issue 5, item 5): entered in a minute, with the employer by name; bad input refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django_scopes import scope, scopes_disabled

from percorsi.core.models import Site
from percorsi.jobs.models import Employer, JobOffer, Occupation
from tests.helpers import page_text
from tests.jobs.conftest import said, url
from tests.people.conftest import audit_entries


def quick_offer(**changes: Any) -> dict[str, Any]:
    """What the desk types for a quick entry: the job, the source, the employer."""
    return {
        "title": "Aiuto cuoco",
        "source": "website",
        "source_name": "Indeed",
        "employer_name": "Trattoria Da Mario",
        "places": "1",
        "status": "open",
        **changes,
    }


def test_an_offer_entered_with_a_few_fields_opens_its_page(
    site_a: Site, client_for: Callable[[str], Client]
) -> None:
    client = client_for("volunteer_a")
    response = client.post(url("offer_new", site_a), quick_offer(place="Roma"))
    assert response.status_code == 302
    with scopes_disabled():
        offer = JobOffer.objects.get()
        assert offer.employer.name == "Trattoria Da Mario"
        assert (offer.site, offer.status, offer.source_name) == (site_a, "open", "Indeed")
    assert response["Location"] == url("offer", site_a, offer_id=offer.pk)
    assert audit_entries("jobs.offer.created")
    page = page_text(client.get(url("offers", site_a)))
    assert "Aiuto cuoco" in page and "Trattoria Da Mario" in page


def test_the_same_employer_written_differently_is_not_added_twice(
    site_a: Site, client_for: Callable[[str], Client]
) -> None:
    client = client_for("operator_a")
    client.post(url("offer_new", site_a), quick_offer())
    client.post(
        url("offer_new", site_a), quick_offer(title="Lavapiatti", employer_name="  trattoria  da MARIO ")
    )
    with scopes_disabled():
        assert Employer.objects.count() == 1
        assert JobOffer.objects.filter(employer__name="Trattoria Da Mario").count() == 2


def test_an_offer_with_its_occupation_and_requirements(
    site_a: Site, client_for: Callable[[str], Client], cook: Occupation
) -> None:
    client = client_for("operator_a")
    data = quick_offer(
        occupation=cook.pk,
        italian_level="A2",
        driving_licence="B",
        pay="9.50",
        pay_period="hour",
        contract_type="fixed_term",
        hours_per_week="30",
        deadline="2099-01-31",
    )
    assert client.post(url("offer_new", site_a), data).status_code == 302
    with scopes_disabled():
        offer = JobOffer.objects.get()
    assert (offer.occupation, offer.italian_level, offer.driving_licence) == (cook, "A2", "B")
    assert str(offer.pay) == "9.50"


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    site_a: Site, client_for: Callable[[str], Client]
) -> None:
    client = client_for("operator_a")
    for changes, message in [
        ({"pay": "1200"}, "Say whether the pay is an hour, a month or a year."),
        ({"title": ""}, "This field is required."),
        ({"source": "telepathy"}, "Select a valid choice. %(value)s is not one of the available choices."),
        ({"hours_per_week": "200"}, "Ensure this value is less than or equal to %(limit_value)s."),
        ({"source_url": "javascript:alert(1)"}, "Enter a valid URL."),
    ]:
        response = client.post(url("offer_new", site_a), quick_offer(**changes))
        assert response.status_code == 400, changes
        template = said(response, message)
        if "%(value)s" in template:
            template = template % {"value": "telepathy"}
        elif "%(limit_value)s" in template:
            template = template % {"limit_value": 80}
        assert template in page_text(response), changes
    with scopes_disabled():
        assert not JobOffer.objects.exists()
        assert not Employer.objects.exists()


def test_a_stale_edit_is_refused(
    site_a: Site, client_for: Callable[[str], Client], make_offer: Callable[..., JobOffer]
) -> None:
    offer = make_offer("Cuoco")
    client = client_for("operator_a")
    form = quick_offer(title="Cuoco capopartita", version=offer.version)
    assert client.post(url("offer_edit", site_a, offer_id=offer.pk), form).status_code == 302
    stale = client.post(url("offer_edit", site_a, offer_id=offer.pk), {**form, "title": "Chef"})
    assert stale.status_code == 400
    with scope(site=site_a):
        offer.refresh_from_db()
    assert offer.title == "Cuoco capopartita"


def test_the_status_buttons_and_the_list_filter(
    site_a: Site, client_for: Callable[[str], Client], make_offer: Callable[..., JobOffer]
) -> None:
    open_offer, other = make_offer("Magazziniere"), make_offer("Badante")
    client = client_for("operator_a")
    client.post(url("offer_status", site_a, offer_id=other.pk), {"status": "filled"})
    listed = page_text(client.get(url("offers", site_a)))
    assert open_offer.title in listed and other.title not in listed
    everything = page_text(client.get(url("offers", site_a) + "?status="))
    assert other.title in everything
    assert client.post(url("offer_status", site_a, offer_id=other.pk), {"status": "x"}).status_code == 302


def test_the_teacher_cannot_and_another_site_does_not_see_offers(
    site_a: Site, client_for: Callable[[str], Client], make_offer: Callable[..., JobOffer]
) -> None:
    offer = make_offer()
    assert client_for("teacher_a").get(url("offers", site_a)).status_code == 403
    assert client_for("operator_b").get(url("offer", "roma", offer_id=offer.pk)).status_code == 404
    assert client_for("operator_b").get(url("offer", "vicenza", offer_id=offer.pk)).status_code == 404


def test_most_requested_trades_counts_offers_by_group_and_occupation(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_offer: Callable[..., JobOffer],
    cook: Occupation,
    kitchen_helper: Occupation,
    bricklayer: Occupation,
) -> None:
    for _n in range(3):
        make_offer("Cuoco", occupation=cook)
    make_offer("Aiuto cuoco", occupation=kitchen_helper)
    make_offer("Muratore", occupation=bricklayer)
    make_offer("Tuttofare")  # no occupation
    response = client_for("operator_a").get(url("trades", site_a))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.group.code if row.group else None, row.offers) for row in rows] == [
        ("51", 3),
        ("71", 1),
        ("94", 1),
        (None, 1),
    ]
    assert response.context["total"] == 6
    text = page_text(response)
    assert f"{cook.display_name} (3)" in text
    bad = client_for("operator_a").get(url("trades", site_a) + "?start=2026-05-01&end=2026-01-01")
    assert bad.status_code == 400
    assert said(bad, "The end comes before the start.") in page_text(bad)


def test_the_offers_list_filters_by_sector(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_offer: Callable[..., JobOffer],
    cook: Occupation,
    bricklayer: Occupation,
) -> None:
    make_offer("Cuoco", occupation=cook)
    make_offer("Muratore", occupation=bricklayer)
    page = page_text(client_for("operator_a").get(url("offers", site_a) + "?sector=71"))
    listed = page[page.index("<tbody>") :]
    assert "Muratore" in listed and "Cuoco" not in listed
