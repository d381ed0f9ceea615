"""The autonomy matrix: its domains and level descriptors, scoring it at intake, the chart of the
scores over time (case file, plan, the person's matrix page) and who may see it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.errors import DomainError
from percorsi.core.models import AuditEntry, Site
from percorsi.people.models import Person
from percorsi.plans import matrix, services
from percorsi.plans.models import AutonomyAssessment, Plan, PlanTemplate
from tests.helpers import page_text, shows
from tests.people.conftest import form_fields


def url(name: str, site: Site, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"site": site.slug, **kwargs})


def case_file(site: Site, person: Person) -> str:
    return reverse("people:detail", kwargs={"site": site.slug, "pk": person.pk})


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Amina", "Yusuf", arrival_date=date(2026, 1, 10))


@pytest.fixture
def plan(site_a: Site, person: Person, operator: User, template_a: PlanTemplate) -> Plan:
    with scope(site=site_a):
        return services.plan_start(
            person=person, actor=operator, started_on=date(2026, 3, 1), template=template_a
        )


def assess(person: Person, actor: User, day: date, occasion: str = "other", **scores: int | None) -> Any:
    with scope(site=person.site):
        return services.assessment_add(
            person=person, actor=actor, occasion=occasion, assessed_on=day, scores=scores
        )


# The matrix itself


def test_the_ten_domains_are_the_assessment_fields_with_their_labels() -> None:
    assert matrix.DOMAIN_KEYS == AutonomyAssessment.DOMAINS
    with translation.override("en"):
        for domain in matrix.DOMAINS:
            assert str(domain.label) == str(AutonomyAssessment._meta.get_field(domain.key).verbose_name)


def test_every_level_of_every_domain_has_its_own_descriptor_in_english() -> None:
    with translation.override("en"):
        texts = []
        for domain in matrix.DOMAINS:
            assert len(domain.levels) == len(matrix.LEVELS) == 5
            for level in matrix.LEVELS:
                text = str(domain.descriptor(level))
                assert len(text) > 25, (domain.key, level)
                assert text[0].isupper() and text.endswith("."), (domain.key, level)
                assert "%" not in text  # nothing that the catalogue could take for a placeholder
                texts.append(text)
        assert len(set(texts)) == 50
        assert len({str(name) for name in matrix.LEVEL_NAMES.values()}) == 5


def test_the_descriptors_are_concrete_for_refugees_in_italy() -> None:
    with translation.override("en"):
        legal = [str(text) for text in matrix.BY_KEY["legal"].levels]
        language = [str(text) for text in matrix.BY_KEY["language"].levels]
    assert "receipt" in legal[1] and "long-term" in legal[4]
    assert [level for level in ("A1", "A2", "B1", "B2") if any(level in t for t in language)] == [
        "A1",
        "A2",
        "B1",
        "B2",
    ]


def test_the_chart_draws_a_better_score_higher_and_leaves_unscored_domains_empty() -> None:
    class Scores:
        def __init__(self, day: date, **scores: int) -> None:
            self.assessed_on = day
            self._scores = scores

        def scores(self) -> dict[str, int | None]:
            return {key: self._scores.get(key) for key in matrix.DOMAIN_KEYS}

    chart = matrix.chart([Scores(date(2026, 6, 1), work=4), Scores(date(2026, 1, 1), work=2, income=1)])
    work = next(panel for panel in chart.panels if panel.domain.key == "work")
    housing = next(panel for panel in chart.panels if panel.domain.key == "housing")
    income = next(panel for panel in chart.panels if panel.domain.key == "income")
    assert [p.day for p in work.points] == [date(2026, 1, 1), date(2026, 6, 1)]
    assert work.points[1].y < work.points[0].y and work.points[1].x > work.points[0].x
    assert work.change == 2 and income.change is None and housing.points == []
    assert (chart.starts_on, chart.ends_on) == (date(2026, 1, 1), date(2026, 6, 1))
    assert {d.key: scores for d, scores in chart.rows}["work"] == [2, 4]
    assert not matrix.chart([])


# Scoring at intake


def test_assessment_add_refuses_what_is_not_a_score(site_a: Site, person: Person, operator: User) -> None:
    today = timezone.localdate()
    cases: list[tuple[dict[str, Any], str | None]] = [
        ({"scores": {}}, None),
        ({"scores": {"work": None}}, None),
        ({"scores": {"work": 0}}, "score_work"),
        ({"scores": {"work": 6}}, "score_work"),
        ({"scores": {"income": "x"}}, "score_income"),
        ({"scores": {"work": 3}, "assessed_on": today + timedelta(days=1)}, "assessed_on"),
        ({"scores": {"work": 3}, "occasion": "whenever"}, "occasion"),
    ]
    with translation.override("en"), scope(site=site_a):
        for case, field in cases:
            with pytest.raises(DomainError) as refused:
                services.assessment_add(
                    person=person,
                    actor=operator,
                    occasion=case.get("occasion", "intake"),
                    assessed_on=case.get("assessed_on", today),
                    scores=case["scores"],
                )
            assert refused.value.field == field, case
        assert not AutonomyAssessment.objects.exists()


def test_an_assessment_cannot_join_another_persons_plan(
    site_a: Site, person: Person, plan: Plan, operator: User, make_person: Callable[..., Person]
) -> None:
    other = make_person(site_a, "Yonas", "Tesfaye", sex="M", nationality="ER", mother_tongue="ti")
    with scope(site=site_a), pytest.raises(DomainError):
        services.assessment_add(
            person=other,
            actor=operator,
            occasion="intake",
            assessed_on=timezone.localdate(),
            scores={"work": 1},
            plan=plan,
        )


def test_scoring_at_intake_from_the_case_file(
    client_for: Callable[[str], Client], site_a: Site, person: Person, plan: Plan
) -> None:
    client = client_for("operator_a")
    before = client.get(case_file(site_a, person))
    assert shows(
        before,
        "The autonomy matrix has not been scored yet: score it at intake, then at each review and at "
        "closure.",
    )
    add = url("assessment_add", site_a, pk=person.pk)
    assert add in page_text(before)
    fields = form_fields(client.get(add), "assessed_on")
    assert fields["occasion"] == "intake"
    response = client.post(
        add,
        fields
        | {"assessed_on": "2026-03-01", "score_legal": "2", "score_language": "1", "score_housing": "2"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("matrix", site_a, pk=person.pk)
    with scope(site=site_a):
        assessment = AutonomyAssessment.objects.get()
    assert (assessment.occasion, assessment.plan_id, assessment.review_id) == ("intake", plan.pk, None)
    assert (assessment.legal, assessment.language, assessment.housing, assessment.work) == (2, 1, 2, None)

    after = client.get(case_file(site_a, person))
    assert 'class="matrix-chart"' in page_text(after)
    assert shows(after, "Autonomy assessed") and shows(after, "at intake")
    # Scoring again starts from these scores.
    again = form_fields(client.get(add), "assessed_on")
    assert (again["occasion"], again["score_legal"], again["score_language"]) == ("other", "2", "1")


@pytest.mark.parametrize("bad", ["0", "6", "x"])
def test_a_bad_score_at_intake_is_a_message_and_nothing_is_stored(
    client_for: Callable[[str], Client], site_a: Site, person: Person, bad: str
) -> None:
    response = client_for("operator_a").post(
        url("assessment_add", site_a, pk=person.pk),
        {"occasion": "intake", "assessed_on": "2026-03-01", "score_work": "3", "score_income": bad},
    )
    assert response.status_code == 400
    assert shows(response, "Choose a level from 1 to 5, or not assessed.")
    with scope(site=site_a):
        assert not AutonomyAssessment.objects.exists()


def test_an_empty_matrix_is_refused(
    client_for: Callable[[str], Client], site_a: Site, person: Person
) -> None:
    response = client_for("operator_a").post(
        url("assessment_add", site_a, pk=person.pk), {"occasion": "intake", "assessed_on": "2026-03-01"}
    )
    assert response.status_code == 400
    assert shows(response, "Score at least one domain of the matrix.")


# The person's matrix page


def test_the_matrix_page_shows_the_scores_over_time_and_what_each_level_means(
    client_for: Callable[[str], Client], site_a: Site, person: Person, operator: User
) -> None:
    assess(person, operator, date(2026, 3, 1), "intake", work=1, housing=2)
    assess(person, operator, date(2026, 9, 1), work=3, housing=2, mobility=4)
    response = client_for("operator_a").get(url("matrix", site_a, pk=person.pk))
    assert response.status_code == 200
    text = page_text(response)
    assert text.count('class="matrix-chart"') == 1
    assert "(+2)" in text  # work, from 1 to 3
    assert "(0)" in text  # housing, unchanged
    assert shows(response, "at intake")
    for domain in matrix.DOMAINS:
        assert shows(response, str(domain.levels[4]))  # the descriptors, for reference
    entry = AuditEntry.objects.get(action="plans.matrix.viewed")
    assert (entry.object_id, entry.data) == (str(person.pk), {"assessments": 2})


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a", "accountant_a", "auditor_a"])
def test_roles_without_plans_do_not_see_the_matrix(
    client_for: Callable[[str], Client], site_a: Site, person: Person, operator: User, persona: str
) -> None:
    assess(person, operator, date(2026, 3, 1), "intake", work=1)
    client = client_for(persona)
    assert client.get(url("matrix", site_a, pk=person.pk)).status_code == 403
    assert client.post(url("assessment_add", site_a, pk=person.pk), {"score_work": "2"}).status_code == 403
    if persona == "volunteer_a":  # the desk volunteer opens the case file, without the matrix
        page = client.get(case_file(site_a, person))
        assert page.status_code == 200
        assert 'class="matrix-chart"' not in page_text(page)
        assert not shows(page, "Autonomy assessed")


def test_another_site_gets_404_and_the_attempt_is_audited(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, person: Person
) -> None:
    client = client_for("operator_b")
    assert client.get(url("matrix", site_b, pk=person.pk)).status_code == 404
    response = client.post(
        url("assessment_add", site_b, pk=person.pk),
        {"occasion": "intake", "assessed_on": "2026-03-01", "score_work": "3"},
    )
    assert response.status_code == 404
    with scope(site=site_a):
        assert not AutonomyAssessment.objects.exists()
    assert AuditEntry.objects.filter(action="people.person.accessed", outcome="denied").exists()


def test_the_matrix_page_and_the_case_file_cost_the_same_with_1_and_10_assessments(
    client_for: Callable[[str], Client], site_a: Site, person: Person, plan: Plan, operator: User
) -> None:
    client = client_for("operator_a")

    def queries(address: str) -> int:
        client.get(address)
        with CaptureQueriesContext(connection) as context:
            assert client.get(address).status_code == 200
        return len(context.captured_queries)

    pages = [url("matrix", site_a, pk=person.pk), case_file(site_a, person)]
    assess(person, operator, date(2026, 3, 1), "intake", work=1)
    few = [queries(address) for address in pages]
    for n in range(9):
        assess(person, operator, date(2026, 3, 8) + timedelta(days=7 * n), work=1 + n % 5, income=2)
    assert [queries(address) for address in pages] == few
