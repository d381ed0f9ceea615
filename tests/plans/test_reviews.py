"""Reviews with the person and the person's agreement, as operators and coordinators record them:
the review with its autonomy scores, signed documents served only to those who may read the plan,
bad input refused with nothing stored, stale agreements refused, closing with the final scores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.errors import DomainError
from percorsi.core.models import AuditEntry, Site
from percorsi.people import uploads
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.matrix import BY_KEY
from percorsi.plans.models import AutonomyAssessment, Plan, PlanTemplate, Review
from tests.helpers import page_text, shows
from tests.people.conftest import form_fields, png_bytes, stored_files


def url(name: str, site: Site, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"site": site.slug, **kwargs})


@pytest.fixture
def operator_client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Amina", "Yusuf", arrival_date=date(2026, 1, 10))


@pytest.fixture
def plan(site_a: Site, person: Person, operator: User, template_a: PlanTemplate) -> Plan:
    with scope(site=site_a):
        return services.plan_start(
            person=person, actor=operator, started_on=date(2026, 3, 1), template=template_a
        )


def png_upload(name: str = "firma.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def review_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "held_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "participants": "Amina, operatrice",
        "interpreter": "Hodan (mediatrice)",
        "language": "so",
        "person_view": "Voglio lavorare in un ristorante entro l'estate.",
        "agreed": "Iscrizione al corso HACCP",
        "goals_changed": "Aggiunto: attestato HACCP",
        "person_agreed": "on",
        "agreement_language": "",
        "score_income": "1",
        "score_work": "2",
        "score_language": "3",
        "score_housing": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts(site: Site) -> tuple[int, int]:
    with scope(site=site):
        return Review.objects.count(), AutonomyAssessment.objects.count()


def test_a_review_with_scores_makes_an_assessment_that_the_plan_and_the_case_file_show(
    operator_client: Client, site_a: Site, plan: Plan, person: Person
) -> None:
    add = url("review_add", site_a, plan_id=plan.pk)
    form = operator_client.get(add)
    assert form.status_code == 200
    # The matrix on the form: every domain, each level's descriptor readable on the page.
    assert shows(form, str(BY_KEY["language"].levels[2]))
    assert shows(form, str(BY_KEY["legal"].levels[0]))
    assert 'name="score_daily_life"' in form.content.decode()

    response = operator_client.post(add, review_data())
    assert response.status_code == 302
    assert response["Location"].startswith(url("detail", site_a, plan_id=plan.pk))
    with scope(site=site_a):
        review = Review.objects.get(plan=plan)
        assessment = AutonomyAssessment.objects.get(person=person)
    assert (review.language, review.person_agreed, review.agreement_language) == ("so", True, "so")
    assert review.person_view == "Voglio lavorare in un ristorante entro l'estate."
    assert (assessment.occasion, assessment.review_id, assessment.plan_id) == ("review", review.pk, plan.pk)
    assert assessment.assessed_on == review.held_on
    assert (assessment.income, assessment.work, assessment.language, assessment.housing) == (1, 2, 3, None)

    added = AuditEntry.objects.get(action="plans.review.added")
    assert added.data == {
        "plan": plan.pk,
        "person": person.pk,
        "agreed": True,
        "scan": False,
        "assessment": assessment.pk,
    }
    assert AuditEntry.objects.get(action="plans.assessment.added").data == {
        "person": person.pk,
        "plan": plan.pk,
        "occasion": "review",
    }

    page = operator_client.get(url("detail", site_a, plan_id=plan.pk))
    text = page_text(page)
    assert "Voglio lavorare in un ristorante entro l'estate." in text
    assert "Hodan (mediatrice)" in text
    assert 'class="matrix-chart"' in text  # the chart of the scores over time
    assert "<title>" in text and "matrix-table" in text  # and its table for screen readers

    case_file = operator_client.get(reverse("people:detail", kwargs={"site": site_a.slug, "pk": person.pk}))
    assert 'class="matrix-chart"' in page_text(case_file)
    assert shows(case_file, "Review held with the person")
    assert url("matrix", site_a, pk=person.pk) in page_text(case_file)


def test_the_next_review_shows_the_previous_scores_and_when_it_is_due(
    operator_client: Client, site_a: Site, plan: Plan, operator: User
) -> None:
    detail = url("detail", site_a, plan_id=plan.pk)
    # Started on 1 March 2026 with a review every 3 months: due on 1 June, long past.
    overdue = operator_client.get(detail)
    assert 'class="alert alert-warning mt-3 mb-2 review-due review-overdue"' in overdue.content.decode()
    with scope(site=site_a):
        services.review_add(
            plan=plan,
            actor=operator,
            fields={"held_on": timezone.localdate()},
            scores={"work": 4, "mobility": 2},
        )
    page = operator_client.get(detail)
    assert "review-overdue" not in page.content.decode()
    assert 'class="mt-3 mb-2 review-due"' in page.content.decode()
    form = operator_client.get(url("review_add", site_a, plan_id=plan.pk))
    fields = form_fields(form, "score_work")
    assert (fields["score_work"], fields["score_mobility"]) == ("4", "2")
    assert fields.get("score_income", "") == ""  # not assessed last time: still not assessed


@pytest.mark.parametrize("bad", ["0", "6", "x", "2.5"])
def test_a_bad_score_is_a_message_and_nothing_is_stored(
    operator_client: Client, site_a: Site, plan: Plan, bad: str, settings: Any
) -> None:
    before = set(stored_files(settings.MEDIA_ROOT))
    response = operator_client.post(
        url("review_add", site_a, plan_id=plan.pk),
        review_data(score_work=bad) | {"agreement_scan": png_upload()},
    )
    assert response.status_code == 400
    assert shows(response, "Choose a level from 1 to 5, or not assessed.")
    assert 'id="id_score_work_error"' in response.content.decode()
    assert counts(site_a) == (0, 0)
    assert set(stored_files(settings.MEDIA_ROOT)) == before
    # What was typed is still there.
    assert "Voglio lavorare in un ristorante entro l'estate." in page_text(response)


@pytest.mark.parametrize("bad", [0, 6, "3", True, 2.5])
def test_the_service_refuses_scores_outside_1_to_5(
    site_a: Site, plan: Plan, operator: User, bad: object
) -> None:
    with translation.override("en"), scope(site=site_a), pytest.raises(DomainError) as refused:
        services.review_add(
            plan=plan,
            actor=operator,
            fields={"held_on": timezone.localdate()},
            scores={"housing": bad},  # type: ignore[dict-item]
        )
    assert refused.value.field == "score_housing"
    assert counts(site_a) == (0, 0)


def test_a_review_in_the_future_or_before_the_plan_is_refused(
    operator_client: Client, site_a: Site, plan: Plan
) -> None:
    add = url("review_add", site_a, plan_id=plan.pk)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = operator_client.post(add, review_data(held_on=tomorrow))
    assert response.status_code == 400
    assert shows(response, "The review is dated in the future: record it once it has been held.")
    response = operator_client.post(add, review_data(held_on="2026-02-20"))
    assert response.status_code == 400
    assert shows(response, "The review is dated before the plan started.")
    response = operator_client.post(add, review_data(held_on="2026-02-30"))
    assert response.status_code == 400
    assert counts(site_a) == (0, 0)


def test_a_signed_document_needs_the_persons_agreement(
    operator_client: Client, site_a: Site, plan: Plan, settings: Any
) -> None:
    response = operator_client.post(
        url("review_add", site_a, plan_id=plan.pk),
        review_data(person_agreed=None) | {"agreement_scan": png_upload()},
    )
    assert response.status_code == 400
    assert shows(
        response, "A signed document goes with the person's agreement: tick it, or leave the file out."
    )
    assert counts(site_a) == (0, 0)
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_file_that_is_not_a_scan_is_refused(operator_client: Client, site_a: Site, plan: Plan) -> None:
    gif = SimpleUploadedFile("firma.png", b"GIF89a" + b"\x00" * 40, content_type="image/png")
    response = operator_client.post(
        url("review_add", site_a, plan_id=plan.pk), review_data() | {"agreement_scan": gif}
    )
    assert response.status_code == 400
    with translation.override(response["Content-Language"]):
        expected = gettext("Only PDF, JPEG or PNG files can be uploaded; this file is %(kind)s.") % {
            "kind": gettext("a GIF image")
        }
    assert expected in page_text(response)
    assert counts(site_a) == (0, 0)


def test_the_review_scan_is_served_to_those_who_read_plans_and_audited(
    operator_client: Client, client_for: Callable[[str], Client], site_a: Site, site_b: Site, plan: Plan
) -> None:
    operator_client.post(
        url("review_add", site_a, plan_id=plan.pk), review_data() | {"agreement_scan": png_upload()}
    )
    with scope(site=site_a):
        review = Review.objects.get(plan=plan)
    scan = url("review_scan", site_a, plan_id=plan.pk, review_id=review.pk)
    assert scan in page_text(operator_client.get(url("detail", site_a, plan_id=plan.pk)))
    response = operator_client.get(scan)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEntry.objects.get(action="plans.review.downloaded").object_id == str(review.pk)
    assert client_for("volunteer_a").get(scan).status_code == 403
    assert (
        client_for("operator_b")
        .get(url("review_scan", site_b, plan_id=plan.pk, review_id=review.pk))
        .status_code
        == 404
    )


def test_the_signed_plan_is_recorded_downloaded_by_the_operator_and_refused_to_others(
    operator_client: Client,
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    plan: Plan,
    person: Person,
) -> None:
    agreement = url("agreement", site_a, plan_id=plan.pk)
    fields = form_fields(operator_client.get(agreement), "agreed_on")
    response = operator_client.post(
        agreement, fields | {"agreed_on": "2026-03-02", "language": "so", "agreement_scan": png_upload()}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.agreed_on, plan.agreement_language) == (date(2026, 3, 2), "so")
    assert AuditEntry.objects.get(action="plans.plan.agreed").data == {"person": person.pk, "scan": "added"}

    page = operator_client.get(url("detail", site_a, plan_id=plan.pk))
    scan = url("agreement_scan", site_a, plan_id=plan.pk)
    assert scan in page_text(page)
    response = operator_client.get(scan)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Read to the end, as a browser does (closing it by hand would end the test's database connection).
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    downloaded = AuditEntry.objects.get(action="plans.agreement.downloaded")
    assert (downloaded.object_id, downloaded.data) == (str(plan.pk), {"person": person.pk})

    assert client_for("volunteer_a").get(scan).status_code == 403
    other_site = client_for("operator_b")
    assert other_site.get(url("agreement_scan", site_b, plan_id=plan.pk)).status_code == 404
    assert AuditEntry.objects.filter(
        action="plans.plan.accessed", outcome="denied", site_id=site_a.pk
    ).exists()
    assert AuditEntry.objects.filter(action="plans.agreement.downloaded").count() == 1

    case_file = operator_client.get(reverse("people:detail", kwargs={"site": site_a.slug, "pk": person.pk}))
    assert shows(case_file, "Plan agreed with the person")


def test_two_tabs_the_second_agreement_is_refused_and_keeps_what_was_typed(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan
) -> None:
    first, second = client_for("operator_a"), client_for("coordinator_a")
    agreement = url("agreement", site_a, plan_id=plan.pk)
    first_tab = form_fields(first.get(agreement), "agreed_on")
    second_tab = form_fields(second.get(agreement), "agreed_on")
    assert first.post(agreement, first_tab | {"agreed_on": "2026-03-02", "language": "so"}).status_code == 302
    refused = second.post(agreement, second_tab | {"agreed_on": "2026-03-05", "language": "ar"})
    assert refused.status_code == 400
    assert shows(
        refused,
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again.",
    )
    kept = form_fields(refused, "agreed_on")
    assert (kept["agreed_on"], kept["language"]) == ("2026-03-05", "ar")
    plan.refresh_from_db()
    assert (plan.agreed_on, plan.agreement_language) == (date(2026, 3, 2), "so")


def test_an_agreement_needs_a_language_and_a_date_not_in_the_future(
    operator_client: Client, site_a: Site, plan: Plan
) -> None:
    agreement = url("agreement", site_a, plan_id=plan.pk)
    fields = form_fields(operator_client.get(agreement), "agreed_on")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert operator_client.post(agreement, fields | {"language": ""}).status_code == 400
    response = operator_client.post(agreement, fields | {"agreed_on": tomorrow, "language": "so"})
    assert response.status_code == 400
    assert shows(response, "The date of the agreement cannot be in the future.")
    assert operator_client.post(agreement, fields | {"language": "xx"}).status_code == 400
    plan.refresh_from_db()
    assert plan.agreed_on is None


def test_a_new_signed_plan_replaces_the_old_one_after_the_commit(
    operator_client: Client, site_a: Site, plan: Plan, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    agreement = url("agreement", site_a, plan_id=plan.pk)
    for _n in range(2):
        fields = form_fields(operator_client.get(agreement), "agreed_on")
        with django_capture_on_commit_callbacks(execute=True):
            response = operator_client.post(
                agreement, fields | {"language": "so", "agreement_scan": png_upload()}
            )
        assert response.status_code == 302
    plan.refresh_from_db()
    assert stored_files(settings.MEDIA_ROOT) == [plan.agreement_scan.name]
    assert (
        AuditEntry.objects.filter(action="plans.plan.agreed").order_by("id").last().data["scan"] == "replaced"
    )


def test_closing_the_plan_with_the_final_scores(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan, person: Person, operator: User
) -> None:
    with scope(site=site_a):
        services.review_add(
            plan=plan, actor=operator, fields={"held_on": date(2026, 6, 1)}, scores={"work": 2, "housing": 1}
        )
    coordinator = client_for("coordinator_a")
    close = url("close", site_a, plan_id=plan.pk)
    page = coordinator.get(close)
    assert shows(page, "Final autonomy scores")
    fields = form_fields(page, "outcome")
    assert (fields["score_work"], fields["score_housing"]) == ("2", "1")  # the last scores, to change

    refused = coordinator.post(close, fields | {"outcome": "autonomy", "score_work": "9"})
    assert refused.status_code == 400
    plan.refresh_from_db()
    assert plan.status == "active"

    today = timezone.localdate()
    response = coordinator.post(
        close,
        fields
        | {"outcome": "autonomy", "closed_on": today.isoformat(), "score_work": "5", "score_housing": "4"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "closed"
    with scope(site=site_a):
        final = AutonomyAssessment.objects.get(occasion="closure")
    assert (final.plan_id, final.assessed_on, final.work, final.housing, final.income) == (
        plan.pk,
        today,
        5,
        4,
        None,
    )
    assert AuditEntry.objects.get(action="plans.plan.closed").data == {
        "outcome": "autonomy",
        "final_scores": True,
    }
    matrix = client_for("operator_a").get(url("matrix", site_a, pk=person.pk))
    assert shows(matrix, "at closure")
    assert "(+3)" in page_text(matrix)  # work went from 2 to 5


def test_closing_without_scores_adds_no_assessment(site_a: Site, plan: Plan, operator: User) -> None:
    with scope(site=site_a):
        services.plan_close(
            plan=plan,
            actor=operator,
            version=plan.version,
            outcome="interrupted",
            closed_on=timezone.localdate(),
        )
        assert not AutonomyAssessment.objects.exists()


def test_a_closed_plan_takes_no_review(
    operator_client: Client, site_a: Site, plan: Plan, operator: User
) -> None:
    with scope(site=site_a):
        services.plan_close(
            plan=plan,
            actor=operator,
            version=plan.version,
            outcome="transferred",
            closed_on=timezone.localdate(),
        )
    response = operator_client.post(url("review_add", site_a, plan_id=plan.pk), review_data())
    assert response.status_code == 302
    assert counts(site_a) == (0, 0)
    page = operator_client.get(url("detail", site_a, plan_id=plan.pk))
    assert url("review_add", site_a, plan_id=plan.pk) not in page_text(page)


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a", "accountant_a", "auditor_a"])
def test_roles_without_plans_cannot_record_reviews(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan, persona: str
) -> None:
    client = client_for(persona)
    assert client.post(url("review_add", site_a, plan_id=plan.pk), review_data()).status_code == 403
    assert client.post(url("agreement", site_a, plan_id=plan.pk), {"language": "so"}).status_code == 403
    assert counts(site_a) == (0, 0)


def test_another_sites_plan_takes_no_review(
    client_for: Callable[[str], Client], site_b: Site, site_a: Site, plan: Plan
) -> None:
    response = client_for("operator_b").post(url("review_add", site_b, plan_id=plan.pk), review_data())
    assert response.status_code == 404
    assert counts(site_a) == (0, 0)


def test_the_plan_page_costs_the_same_with_1_and_10_reviews(
    operator_client: Client, site_a: Site, plan: Plan, operator: User
) -> None:
    detail = url("detail", site_a, plan_id=plan.pk)

    def add_reviews(count: int) -> None:
        with scope(site=site_a):
            for n in range(count):
                services.review_add(
                    plan=plan,
                    actor=operator,
                    fields={
                        "held_on": date(2026, 3, 2) + timedelta(days=7 * n),
                        "person_view": f"Parere {n}",
                        "person_agreed": True,
                        "language": "so",
                    },
                    scores={"work": 1 + n % 5, "income": 2},
                    scan=uploads.clean_upload(png_upload()),
                )

    def count() -> int:
        operator_client.get(detail)
        with CaptureQueriesContext(connection) as context:
            response = operator_client.get(detail)
        assert response.status_code == 200
        return len(context.captured_queries)

    add_reviews(1)
    few = count()
    add_reviews(9)
    page = operator_client.get(detail)
    assert all(f"Parere {n}" in page_text(page) for n in range(9))
    assert count() == few
