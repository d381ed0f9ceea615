"""The plan pages as operators and coordinators use them: start from a template, goals, phases,
stale saves, closing, the site's list; what other roles and sites get."""

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
from django.utils.formats import date_format
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Site
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.models import Goal, Plan, PlanTemplate
from tests.helpers import italian, page_text, shows


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


def test_an_operator_starts_a_plan_from_the_template(
    operator_client: Client, site_a: Site, person: Person, template_a: PlanTemplate, operator: User
) -> None:
    start = url("start", site_a, pk=person.pk)
    form = operator_client.get(start)
    assert form.status_code == 200
    assert template_a.name in page_text(form)
    response = operator_client.post(
        start,
        {
            "template": template_a.pk,
            "started_on": "2026-03-01",
            "operator": operator.pk,
            "review_every_months": 3,
        },
        follow=True,
    )
    assert response.status_code == 200
    with scope(site=site_a):
        plan = Plan.objects.get(person=person)
    assert response.redirect_chain[-1][0] == url("detail", site_a, plan_id=plan.pk)
    text = page_text(response)
    for phase in ("Reception and orientation", "Work", "Housing"):
        assert shows(response, phase) or phase in text
    assert shows(response, "Italian at A2 level") or "Italian at A2 level" in text
    # 50 days from the arrival to the start, kept for the statistics.
    assert "50" in text
    assert "<svg" in text  # the timeline


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"started_on": "", "review_every_months": 3}, "started_on"),
        ({"started_on": "2026-02-30", "review_every_months": 3}, "started_on"),
        ({"started_on": "2026-03-01", "review_every_months": 0}, "review_every_months"),
        ({"started_on": "2026-03-01", "review_every_months": 3, "template": "999999"}, "template"),
        ({"started_on": "2099-01-01", "review_every_months": 3}, "started_on"),
    ],
)
def test_bad_input_at_the_start_is_a_message_and_no_plan(
    operator_client: Client, site_a: Site, person: Person, data: dict[str, Any], field: str
) -> None:
    response = operator_client.post(url("start", site_a, pk=person.pk), data)
    assert response.status_code == 400
    assert (
        f'id="id_{field}_error"' in response.content.decode() or 'role="alert"' in response.content.decode()
    )
    with scope(site=site_a):
        assert not Plan.objects.filter(person=person).exists()


def test_a_second_active_plan_is_refused_with_a_message(
    operator_client: Client, site_a: Site, person: Person, plan: Plan
) -> None:
    response = operator_client.post(
        url("start", site_a, pk=person.pk), {"started_on": "2026-04-01", "review_every_months": 3}
    )
    assert response.status_code == 400
    assert shows(response, "The person already has an active plan: close it before starting another.")
    # The person's plan page goes to the active plan.
    assert operator_client.get(url("person_plans", site_a, pk=person.pk))["Location"] == url(
        "detail", site_a, plan_id=plan.pk
    )


def test_adding_and_changing_a_goal(operator_client: Client, site_a: Site, plan: Plan) -> None:
    with scope(site=site_a):
        work = plan.phases.get(name=italian("Work"))
    response = operator_client.post(
        url("goal_add", site_a, plan_id=plan.pk),
        {
            "area": "work",
            "description": "Patente B",
            "indicator": "esame superato",
            "phase": work.pk,
            "target_date": "2026-12-01",
            "owner": "person",
        },
    )
    assert response.status_code == 302
    with scope(site=site_a):
        goal = Goal.objects.get(description="Patente B")
    assert goal.phase == work
    edit = url("goal_edit", site_a, plan_id=plan.pk, goal_id=goal.pk)
    page = operator_client.get(edit)
    assert "Patente B" in page_text(page)
    response = operator_client.post(
        edit,
        {
            "area": "work",
            "description": "Patente B",
            "phase": work.pk,
            "target_date": "2026-12-01",
            "owner": "person",
            "status": "dropped",
            "status_reason": "",
            "version": goal.version,
        },
    )
    assert response.status_code == 400
    assert shows(response, "Say why the goal was not achieved or dropped.")
    response = operator_client.post(
        edit,
        {
            "area": "work",
            "description": "Patente B",
            "phase": work.pk,
            "target_date": "2026-12-01",
            "owner": "person",
            "status": "dropped",
            "status_reason": "Costa troppo per ora",
            "version": goal.version,
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.status_reason) == ("dropped", "Costa troppo per ora")


def test_a_goal_dated_in_the_year_9999_does_not_break_the_plan_page(
    operator_client: Client, site_a: Site, plan: Plan
) -> None:
    # The timeline's month ticks went past the last year Python knows: a 500 on every later visit.
    response = operator_client.post(
        url("goal_add", site_a, plan_id=plan.pk),
        {"area": "work", "description": "Un giorno", "target_date": "9999-12-31", "owner": "person"},
    )
    assert response.status_code == 302
    response = operator_client.get(url("detail", site_a, plan_id=plan.pk))
    assert response.status_code == 200
    assert "Un giorno" in page_text(response)


def test_two_tabs_the_second_save_is_refused_and_keeps_what_was_typed(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan
) -> None:
    with scope(site=site_a):
        goal = plan.goals.order_by("pk").first()
    first, second = client_for("operator_a"), client_for("coordinator_a")
    edit = url("goal_edit", site_a, plan_id=plan.pk, goal_id=goal.pk)
    base = {
        "area": goal.area,
        "phase": goal.phase_id,
        "target_date": goal.target_date.isoformat(),
        "owner": goal.owner,
        "status": "in_progress",
        "version": goal.version,
    }
    assert first.post(edit, base | {"description": "Permesso rinnovato"}).status_code == 302
    refused = second.post(edit, base | {"description": "Documenti in ordine entro marzo"})
    assert refused.status_code == 400
    assert shows(
        refused,
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again.",
    )
    assert "Documenti in ordine entro marzo" in page_text(refused)  # nothing typed is lost
    goal.refresh_from_db()
    assert goal.description == "Permesso rinnovato"


def test_a_phase_cannot_end_before_it_starts(operator_client: Client, site_a: Site, plan: Plan) -> None:
    with scope(site=site_a):
        phase = plan.phases.order_by("pk").first()
    edit = url("phase_edit", site_a, plan_id=plan.pk, phase_id=phase.pk)
    data = {
        "name": "Accoglienza",
        "starts_on": "2026-03-01",
        "ends_on": "2026-02-01",
        "version": phase.version,
    }
    response = operator_client.post(edit, data)
    assert response.status_code == 400
    assert shows(response, "The phase cannot end before it starts.")
    phase.refresh_from_db()
    assert phase.name == italian("Reception and orientation")
    response = operator_client.post(edit, data | {"ends_on": "2026-04-15"})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert (phase.name, phase.ends_on) == ("Accoglienza", date(2026, 4, 15))


def test_only_coordinators_close_a_plan_and_a_closed_plan_is_read_only(
    operator_client: Client, client_for: Callable[[str], Client], site_a: Site, plan: Plan
) -> None:
    close = url("close", site_a, plan_id=plan.pk)
    assert operator_client.get(close).status_code == 403
    coordinator = client_for("coordinator_a")
    today = timezone.localdate().isoformat()
    response = coordinator.post(
        close, {"outcome": "autonomy", "closed_on": today, "note": "", "version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.outcome) == ("closed", "autonomy")
    page = operator_client.get(url("detail", site_a, plan_id=plan.pk))
    assert url("goal_add", site_a, plan_id=plan.pk) not in page.content.decode()
    refused = operator_client.post(
        url("goal_add", site_a, plan_id=plan.pk), {"area": "work", "description": "x"}
    )
    assert refused.status_code == 302
    with scope(site=site_a):
        assert not Goal.objects.filter(description="x").exists()


def test_the_site_list_shows_progress_and_what_is_past_its_date(
    operator_client: Client, site_a: Site, plan: Plan, operator: User
) -> None:
    with scope(site=site_a):
        goals = list(plan.goals.order_by("pk"))
        services.goal_update(
            goal=goals[0], actor=operator, version=goals[0].version, fields={"status": "achieved"}
        )
    response = operator_client.get(url("list", site_a))
    assert response.status_code == 200
    text = page_text(response)
    assert url("detail", site_a, plan_id=plan.pk) in text
    assert f"1 / {len(goals)}" in text
    # The plan started in March 2026: the first phases' goals are past their date.
    today = timezone.localdate()
    overdue = sum(1 for g in goals[1:] if g.target_date < today)
    assert f'<span class="badge bg-danger">{overdue}</span>' in text or overdue == 0
    only_overdue = operator_client.get(url("list", site_a), {"overdue": "on"})
    assert (url("detail", site_a, plan_id=plan.pk) in page_text(only_overdue)) == (overdue > 0)


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a", "accountant_a", "auditor_a"])
def test_roles_without_plans_get_403(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan, persona: str
) -> None:
    client = client_for(persona)
    assert client.get(url("detail", site_a, plan_id=plan.pk)).status_code == 403
    assert client.get(url("list", site_a)).status_code == 403


def test_another_site_gets_404_and_the_attempt_is_audited(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, plan: Plan
) -> None:
    client = client_for("operator_b")
    assert client.get(url("detail", site_b, plan_id=plan.pk)).status_code == 404
    assert client.get(url("detail", site_a, plan_id=plan.pk)).status_code == 404
    assert AuditEntry.objects.filter(
        action="plans.plan.accessed", outcome="denied", site_id=site_a.pk
    ).exists()


def test_every_view_of_a_plan_is_audited(operator_client: Client, site_a: Site, plan: Plan) -> None:
    operator_client.get(url("detail", site_a, plan_id=plan.pk))
    entry = AuditEntry.objects.filter(action="plans.plan.viewed").get()
    assert (entry.object_id, entry.data) == (str(plan.pk), {"person": plan.person_id})


def test_the_plan_page_costs_the_same_with_few_and_many_goals(
    operator_client: Client, site_a: Site, plan: Plan, operator: User
) -> None:
    detail = url("detail", site_a, plan_id=plan.pk)

    def count() -> int:
        operator_client.get(detail)
        with CaptureQueriesContext(connection) as context:
            assert operator_client.get(detail).status_code == 200
        return len(context.captured_queries)

    few = count()
    with scope(site=site_a):
        for n in range(30):
            services.goal_add(
                plan=plan,
                actor=operator,
                fields={
                    "area": "other",
                    "description": f"Obiettivo {n}",
                    "target_date": date(2026, 6, 1) + timedelta(n),
                },
            )
    assert count() == few
    assert few <= 20


def test_the_case_file_shows_the_plan_and_its_timeline_events(
    operator_client: Client,
    client_for: Callable[[str], Client],
    site_a: Site,
    plan: Plan,
    person: Person,
    operator: User,
) -> None:
    with scope(site=site_a):
        goal = plan.goals.order_by("pk").first()
        services.goal_update(goal=goal, actor=operator, version=goal.version, fields={"status": "achieved"})
    case_file = reverse("people:detail", kwargs={"site": site_a.slug, "pk": person.pk})
    response = operator_client.get(case_file)
    assert url("detail", site_a, plan_id=plan.pk) in response.content.decode()
    assert shows(response, "Plan started")
    assert shows(response, "Goal achieved")
    assert goal.description in page_text(response)
    # A desk volunteer sees the person but not the plan.
    volunteer = client_for("volunteer_a").get(case_file)
    assert volunteer.status_code == 200
    assert url("detail", site_a, plan_id=plan.pk) not in volunteer.content.decode()
    assert not shows(volunteer, "Plan started")


def test_without_a_plan_the_case_file_offers_to_start_one(
    operator_client: Client, site_a: Site, person: Person
) -> None:
    response = operator_client.get(reverse("people:detail", kwargs={"site": site_a.slug, "pk": person.pk}))
    assert url("start", site_a, pk=person.pk) in response.content.decode()
    assert shows(response, "This person has no active plan.")


def test_a_long_timeline_shows_the_latest_twenty_and_the_timeline_page_all_of_them(
    operator_client: Client, site_a: Site, person: Person, operator: User
) -> None:
    with scope(site=site_a):
        Person.objects.filter(pk=person.pk).update(case_opened_on=timezone.localdate() - timedelta(days=60))
        person.refresh_from_db()
        for n in range(25):
            services.intervention_add(
                person=person,
                actor=operator,
                fields={
                    "service": "job_desk",
                    "duration_minutes": 30,
                    "happened_on": timezone.localdate() - timedelta(days=n),
                },
            )
    response = operator_client.get(reverse("people:detail", kwargs={"site": site_a.slug, "pk": person.pk}))
    html = response.content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert timeline.count("timeline-day") == 20
    with translation.override(response["Content-Language"]):
        days = [date_format(timezone.localdate() - timedelta(days=n), "SHORT_DATE_FORMAT") for n in range(25)]
    # The newest first (the person's own events of today among them); the oldest interventions are
    # on the timeline page only.
    assert all(day in timeline for day in days[:18])
    assert not any(day in timeline for day in days[20:])

    page = operator_client.get(
        reverse("people:timeline", kwargs={"site": site_a.slug, "pk": person.pk}), {"kind": "intervention"}
    )
    assert page.content.decode().count("timeline-day") == 25
    everything = operator_client.get(
        reverse("people:timeline", kwargs={"site": site_a.slug, "pk": person.pk})
    )
    assert everything.content.decode().count("timeline-day") >= 27  # the case opened, the arrival
