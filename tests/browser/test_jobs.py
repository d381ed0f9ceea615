"""The job desk in a real browser: a CV built at the desk with the occupation picker, downloaded
as PDF, Word and Europass XML; a job offer entered, and the person found among those who fit."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scope
from lxml import etree
from pypdf import PdfReader

from tests.browser.test_shell import OPERATOR, assert_accessible, italian, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

SITE = "vicenza"
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "europass-v3.4" / "EuropassSchema.xsd"


def new_person():  # type: ignore[no-untyped-def]
    """Someone who has just arrived from Eritrea, with the name as written in Ge'ez script."""
    from percorsi.accounts.models import User
    from percorsi.core.models import Site
    from percorsi.jobs import occupations
    from percorsi.people import services
    from percorsi.people.choices import DatePrecision, Sex

    occupations.ensure_loaded()  # browser tests run on a database that earlier ones emptied
    site = Site.objects.get(slug=SITE)
    operator = User.objects.get(email=OPERATOR)
    with scope(site=site):
        person = services.person_intake(
            site=site,
            actor=operator,
            data=services.IntakeData(
                given_names="Tesfaye",
                family_names="Gebre",
                sex=Sex.MALE,
                birth_date=date(1993, 9, 11),
                birth_date_precision=DatePrecision.EXACT,
                nationality="ER",
                phone="",
                mother_tongue="ti",
                arrival_date=timezone.localdate().replace(day=1),
                arrival_date_precision=DatePrecision.EXACT,
            ),
        )
        person.native_name = "ተስፋዬ ገብረ"
        person.save()
    return person


def download(page, link_name: str) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    return info.value.path().read_bytes()


def test_a_cv_built_at_the_desk_downloaded_three_ways_and_matched_to_an_offer(page_factory):
    person = new_person()
    page = page_factory(bypass_csp=True)  # axe-core is injected as an inline script
    log_in(page)

    # From the case file to the person's page at the desk, then the CV.
    page.goto(f"/s/{SITE}/people/{person.pk}/")
    page.get_by_role("link", name=italian("Open at the job desk"), exact=True).click()
    page.wait_for_url(re.compile(rf"/s/{SITE}/jobs/people/{person.pk}/$"))
    page.get_by_role("link", name=italian("The CV"), exact=True).click()
    page.get_by_role("link", name=italian("Write the CV"), exact=True).click()
    page.wait_for_url(re.compile(r"/cv/edit/$"))

    # The job wanted, found by typing its Italian name.
    page.locator("input[name=headline]").fill("Aiuto cuoco con esperienza")
    page.locator("input[name=desired-0-occupation_q]").fill("aiuto cuoco")
    first = page.locator("[data-occupation-results] input[type=radio]").first
    first.wait_for()
    chosen_name = first.get_attribute("data-occupation-name")
    page.locator("[data-occupation-results] label").first.click()
    assert page.locator("input[name=desired-0-occupation]").input_value() != ""
    # Work done at home, without a contract.
    page.locator("input[name=work-0-position]").fill("Cuoco")
    page.locator("input[name=work-0-employer]").fill("Ristorante di famiglia")
    page.locator("input[name=work-0-start]").fill("2015")
    page.locator("input[name=work-0-end]").fill("2021-06")
    page.locator("select[name=work-0-country]").select_option("ER")
    page.locator("label[for=id_work-0-formal]").click()  # Bootstrap Italia draws the box on the label
    assert not page.locator("input[name=work-0-formal]").is_checked()
    # Italian, assessed on the grid.
    page.locator("select[name=languages-0-language]").select_option("it")
    for skill in ("listening", "reading", "spoken_interaction", "spoken_production", "writing"):
        page.locator(f"select[name=languages-0-{skill}]").select_option("A2")
    licence = page.locator("input[name=driving_licences][value=B]")
    page.locator(f"label[for={licence.get_attribute('id')}]").click()
    assert licence.is_checked()
    shot(page, "jobs-cv-editor")
    assert_accessible(page, "jobs-cv-editor")
    with page.expect_navigation():
        page.get_by_role("button", name=italian("Save the CV"), exact=True).click()
    page.wait_for_url(re.compile(rf"/s/{SITE}/jobs/people/{person.pk}/cv/$"))
    main = page.locator("main").inner_text()
    assert "Ristorante di famiglia" in main and "Aiuto cuoco con esperienza" in main
    shot(page, "jobs-cv")

    # The three downloads.
    pdf = download(page, italian("PDF in Italian"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Gebre" in text and "Ristorante di famiglia" in text
    assert re.search(r"[\u1200-\u137F]", text), "no Ethiopic script in the PDF"
    docx = download(page, italian("Word (DOCX) in Italian"))
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert "Ristorante di famiglia" in archive.read("word/document.xml").decode()
    xml = download(page, italian("Europass XML"))
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(etree.parse(io.BytesIO(xml)))
    assert b"Gebre" in xml

    # An offer for the job the person wants: they are among those who fit it.
    page.goto(f"/s/{SITE}/jobs/offers/new/")
    page.locator("input[name=title]").fill("Aiuto cuoco")
    page.locator("input[name=occupation_q]").fill("aiuto cuoco")
    page.locator("[data-occupation-results] label").first.wait_for()
    page.locator("[data-occupation-results] label").first.click()
    page.locator("input[name=employer_name]").fill("Trattoria Al Ponte")
    page.locator("select[name=source]").select_option("newspaper")
    page.locator("input[name=source_name]").fill("Il Giornale di Vicenza")
    page.locator("select[name=italian_level]").select_option("A2")
    with page.expect_navigation():
        page.get_by_role("button", name=italian("Save"), exact=True).click()
    assert re.search(rf"/s/{SITE}/jobs/offers/\d+/$", page.url), page.url
    matches = page.locator("#offer-matches").locator("xpath=..").inner_text()
    assert "GEBRE Tesfaye" in matches, matches
    assert chosen_name
    shot(page, "jobs-offer-matches")
    assert_accessible(page, "jobs-offer")

    problems = [p for p in page.problems if "ERR_ABORTED" not in p]
    assert problems == [], "\n".join(problems)
