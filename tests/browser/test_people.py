"""People in a real browser: an intake that finds a duplicate, the case file, the header search, axe."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import translation
from django_scopes import scope, scopes_disabled

from tests.browser.test_shell import OPERATOR, assert_accessible, italian, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

SITE = "vicenza"


def pgettext_it(context: str, msgid: str) -> str:
    with translation.override("it"):
        text = translation.pgettext(context, msgid)
    assert text != msgid, f"The Italian catalogue has no translation for {msgid!r}"
    return text


def existing_person():  # type: ignore[no-untyped-def]
    """Mohamed Diallo, born 1990 in Guinea, already followed at Vicenza (opened as the operator)."""
    from percorsi.accounts.models import User
    from percorsi.core.models import Site
    from percorsi.people import services
    from percorsi.people.choices import DatePrecision, Sex

    site = Site.objects.get(slug=SITE)
    operator = User.objects.get(email=OPERATOR)
    with scope(site=site):
        return services.person_intake(
            site=site,
            actor=operator,
            data=services.IntakeData(
                given_names="Mohamed",
                family_names="Diallo",
                sex=Sex.MALE,
                birth_date=date(1990, 1, 1),
                birth_date_precision=DatePrecision.YEAR,
                nationality="GN",
                phone="",
                mother_tongue="",
                arrival_date=None,
                arrival_date_precision=DatePrecision.EXACT,
            ),
        )


def test_intake_shows_the_duplicate_opens_the_case_and_the_header_search_finds_the_other(page_factory):
    existing = existing_person()
    # axe-core is injected as a script: this context lets it past the Content-Security-Policy.
    page = page_factory(bypass_csp=True)
    log_in(page)

    # From the people list to the intake.
    page.goto(f"/s/{SITE}/people/")
    page.get_by_role("link", name=italian("New intake"), exact=True).click()
    page.wait_for_url(re.compile(rf"/s/{SITE}/people/new/$"))
    assert page.get_by_role("heading", level=1).inner_text() == italian("New intake")

    # The short form, for the same man with another spelling.
    page.locator("main input[name=given_names]").fill("Muhammad")
    page.locator("main input[name=family_names]").fill("Jallow")
    sex = page.get_by_role("group", name=re.compile(rf"^{italian('Sex')}"))
    # Bootstrap Italia draws the radio button on its label: click the label, as a user does.
    sex.locator("label").filter(has_text=re.compile(rf"^{pgettext_it('sex', 'Male')}$")).click()
    assert page.locator("input[name=sex][value=M]").is_checked()
    page.locator("input[name=birth_year]").fill("1990")
    page.locator("select[name=nationality]").select_option("GN")
    assert page.locator("input[name=confirm_new]").count() == 0
    with page.expect_navigation():
        page.get_by_role("button", name=italian("Check and open the case")).click()

    # Not created yet: the warning lists the existing record and why it looks the same.
    assert re.search(rf"/s/{SITE}/people/new/$", page.url), page.url
    warning = page.locator("section[aria-labelledby=matches-title]")
    assert warning.get_by_role("heading", level=2).inner_text() == italian("Is this person already followed?")
    link = warning.locator(f"a[href$='/s/{SITE}/people/{existing.pk}/']")
    assert link.count() == 1, warning.inner_text()
    assert link.inner_text() == "DIALLO Mohamed"
    assert link.get_attribute("target") == "_blank"
    row = warning.locator("tbody tr").filter(has=page.locator(f"a[href$='/s/{SITE}/people/{existing.pk}/']"))
    likeness = row.locator("td").nth(1).inner_text()
    assert re.fullmatch(r"\d{1,3}%", likeness), likeness
    reasons = [text.strip() for text in row.locator("li").all_inner_texts()]
    assert reasons and all(reasons), row.inner_text()
    # The reasons, in Italian: the similar name, the same birth year, the same nationality.
    with translation.override("it"):
        similar = translation.gettext("similar name: %(name)s") % {"name": "Mohamed Diallo"}
    assert reasons == [similar, italian("born the same year"), italian("same nationality")], reasons
    # What was typed is kept.
    assert page.locator("main input[name=given_names]").input_value() == "Muhammad"
    assert page.locator("main input[name=family_names]").input_value() == "Jallow"
    shot(page, "people-intake-duplicate")
    assert_accessible(page, "people-intake-duplicate")

    # The operator checked: this is someone else. Tick and open the case.
    page.locator("label[for=id_confirm_new]").click()
    assert page.get_by_label(
        italian("I checked the possible matches: this is a new person"), exact=True
    ).is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name=italian("Open the case"), exact=True).click()
    match = re.search(rf"/s/{SITE}/people/(\d+)/$", page.url)
    assert match, page.url
    new_pk = int(match.group(1))
    assert new_pk != existing.pk
    assert page.get_by_role("heading", level=1).inner_text() == "JALLOW Muhammad"
    assert italian("The case is open. Complete the record when you can.") in page.locator("main").inner_text()
    assert f"{italian('Case number')} {new_pk}" in page.locator("main").inner_text()
    shot(page, "people-case-file-new")
    assert_accessible(page, "people-case-file")

    # The header search, with a misspelling, finds the existing person; open their case file.
    search = page.locator("header #header-search")
    search.fill("Mohammed Dialo")
    with page.expect_navigation():
        search.press("Enter")
    assert re.search(rf"/s/{SITE}/people/\?q=", page.url), page.url
    assert (
        page.locator("main p[role=status]")
        .inner_text()
        .strip()
        .startswith(tuple(str(n) for n in range(1, 10)))
    ), page.locator("main p[role=status]").inner_text()
    result = page.locator(f"main table a[href$='/s/{SITE}/people/{existing.pk}/']")
    assert result.count() == 1, page.locator("main").inner_text()
    shot(page, "people-header-search")
    with page.expect_navigation():
        result.click()
    assert page.url.endswith(f"/s/{SITE}/people/{existing.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "DIALLO Mohamed"
    assert "Guinea" in page.locator("main").inner_text()

    assert page.problems == [], "\n".join(page.problems)


def test_the_whole_timeline_from_the_case_file_filtered_by_kind(page_factory):
    from django.db.models import Count

    from percorsi.people.models import Person

    with scopes_disabled():
        person = (
            Person.objects.filter(site__slug=SITE)
            .annotate(n=Count("interventions"))
            .filter(n__gt=20)
            .order_by("-n", "pk")
            .first()
        )
    assert person is not None, "the demonstration data has people with over 20 interventions"
    page = page_factory(bypass_csp=True)
    log_in(page)
    page.goto(f"/s/{SITE}/people/{person.pk}/")
    timeline = page.locator("section[aria-labelledby=timeline]")
    assert timeline.locator("ol > li").count() == 20
    with page.expect_navigation():
        timeline.get_by_role("link", name=italian("The whole timeline, by kind of event")).click()
    assert page.url.endswith(f"/s/{SITE}/people/{person.pk}/timeline/")
    kinds = page.get_by_role("navigation", name=italian("Kind of event"))
    interventions = kinds.get_by_role(
        "link", name=re.compile(rf"^{italian('interventions').capitalize()} \(\d+\)$")
    )
    count = int(re.search(r"\((\d+)\)", interventions.inner_text()).group(1))
    assert count == person.n
    with page.expect_navigation():
        interventions.click()
    assert interventions.get_attribute("aria-current") == "page"
    rows = page.locator("main ol.list-unstyled > li")
    assert rows.count() == min(count, 50)
    assert set(rows.locator(".timeline-kind").all_inner_texts()) == {italian("interventions").capitalize()}
    shot(page, "people-timeline-interventions")
    assert_accessible(page, "people-timeline")
    assert page.problems == [], "\n".join(page.problems)
