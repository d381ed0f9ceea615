"""Plans in a real browser: start a plan from the template, add a goal, record a review with the
autonomy matrix, download the plan document in Arabic beside Italian."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.utils import timezone
from django_scopes import scope
from pypdf import PdfReader

from tests.browser.test_shell import OPERATOR, assert_accessible, italian, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

SITE = "vicenza"


def new_person():  # type: ignore[no-untyped-def]
    """Someone who has just arrived, without a plan yet, with an Arabic name as written in Arabic."""
    from percorsi.accounts.models import User
    from percorsi.core.models import Site
    from percorsi.people import services
    from percorsi.people.choices import DatePrecision, Sex

    site = Site.objects.get(slug=SITE)
    operator = User.objects.get(email=OPERATOR)
    with scope(site=site):
        person = services.person_intake(
            site=site,
            actor=operator,
            data=services.IntakeData(
                given_names="Yusuf",
                family_names="Haddad",
                sex=Sex.MALE,
                birth_date=date(1994, 5, 2),
                birth_date_precision=DatePrecision.EXACT,
                nationality="SY",
                phone="",
                mother_tongue="ar",
                arrival_date=timezone.localdate().replace(day=1),
                arrival_date_precision=DatePrecision.EXACT,
            ),
        )
        person.native_name = "يوسف حداد"
        person.save()
    return person


def test_a_plan_from_the_template_a_goal_a_review_with_scores_and_the_pdf(page_factory):
    person = new_person()
    page = page_factory(bypass_csp=True)
    log_in(page)

    # From the case file: start the plan from the site's template.
    page.goto(f"/s/{SITE}/people/{person.pk}/")
    page.get_by_role("link", name=italian("Start a plan"), exact=True).click()
    page.wait_for_url(re.compile(rf"/s/{SITE}/people/{person.pk}/plan/new/$"))
    assert page.locator("select[name=template] option:checked").inner_text().strip() != italian(
        "an empty plan"
    )
    with page.expect_navigation():
        page.get_by_role("button", name=italian("Start the plan"), exact=True).click()
    match = re.search(rf"/s/{SITE}/plans/(\d+)/$", page.url)
    assert match, page.url
    plan_url = page.url
    main = page.locator("main")
    assert italian("Reception and orientation") in main.inner_text()
    assert page.locator("svg.plan-timeline").count() == 1
    shot(page, "plans-new-plan")
    assert_accessible(page, "plans-plan-page")

    # A goal of the person's own, in the work phase.
    page.get_by_role("link", name=italian("Add a goal"), exact=True).click()
    page.locator("select[name=area]").select_option("work")
    page.locator("input[name=description]").fill("Patente di guida B")
    page.locator("input[name=indicator]").fill("esame superato")
    page.locator("select[name=phase]").select_option(label=italian("Work"))
    page.locator("input[name=target_date]").fill(f"{timezone.localdate().year + 1}-03-31")
    page.locator("select[name=owner]").select_option("person")
    with page.expect_navigation():
        page.get_by_role("button", name=italian("Save"), exact=True).click()
    assert page.url == plan_url
    assert "Patente di guida B" in page.locator("main").inner_text()

    # A review with the person, with the autonomy matrix.
    page.get_by_role("link", name=italian("Record a review"), exact=True).click()
    page.locator("textarea[name=person_view]").fill("Voglio lavorare come autista.")
    page.locator("textarea[name=agreed]").fill("Iscrizione alla scuola guida.")
    for domain, score in (("work", 2), ("language", 3), ("housing", 1)):
        page.locator(f"label[for$='{domain}_{score}']").first.click()
        assert page.locator(f"input[name=score_{domain}][value='{score}']").is_checked()
    shot(page, "plans-review-form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.startswith(plan_url), page.url
    text = page.locator("main").inner_text()
    assert "Voglio lavorare come autista." in text
    assert page.locator("svg.matrix-chart, .matrix-chart svg").count() >= 1
    shot(page, "plans-plan-with-review")

    # The plan document, in Arabic beside Italian (the person's mother tongue is the default).
    assert page.locator("#plan-document-language option:checked").get_attribute("value") == "ar"
    with page.expect_download() as download_info:
        page.get_by_role("button", name=italian("Plan document (PDF)"), exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"piano-{match.group(1)}-ar.pdf"
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Haddad" in pdf_text and "Patente di guida B" in pdf_text
    assert re.search(r"[\u0600-\u06FF]", pdf_text), "no Arabic script in the PDF"

    # A download ends the navigation that asked for it: Chromium reports that as "aborted".
    problems = [p for p in page.problems if not ("document.pdf" in p and "ERR_ABORTED" in p)]
    assert problems == [], "\n".join(problems)
