"""A plan from a template, a goal's life, stale edits refused: the plan services as operators use them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.errors import DomainError, StaleEditError
from percorsi.core.models import AuditEntry, Site
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.dates import add_months
from percorsi.plans.models import Goal, Plan, PlanTemplate, TemplatePhase


@pytest.fixture(autouse=True)
def in_english() -> Any:
    """The services' messages and the suggested template's names, read in English here."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
        (date(2026, 12, 31), 18, date(2028, 6, 30)),
    ],
)
def test_months_are_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_a_plan_copies_its_template_with_dates_from_the_start(
    site_a: Site, make_person: Callable[..., Person], operator: User, template_a: PlanTemplate
) -> None:
    person = make_person(site_a, arrival_date=date(2026, 1, 10))
    with scope(site=site_a):
        plan = services.plan_start(
            person=person, actor=operator, started_on=date(2026, 3, 1), template=template_a
        )
        phases = list(plan.phases.all())
        goals = list(plan.goals.select_related("phase"))
    assert [p.name for p in phases] == [
        "Reception and orientation",
        "Language and training",
        "Work",
        "Housing",
        "Autonomy and follow-up",
    ]
    reception, language = phases[0], phases[1]
    assert (reception.starts_on, reception.ends_on) == (date(2026, 3, 1), date(2026, 5, 31))
    assert (language.starts_on, language.ends_on) == (date(2026, 4, 1), date(2026, 11, 30))
    assert len(goals) == 9
    # Each suggested goal is due at the end of its phase.
    assert all(goal.target_date == goal.phase.ends_on for goal in goals)
    assert plan.days_from_arrival == 50
    assert plan.operator == person.operator
    assert AuditEntry.objects.filter(action="plans.plan.created", object_id=str(plan.pk)).count() == 1


def test_changing_the_template_later_leaves_started_plans_alone(
    site_a: Site, make_person: Callable[..., Person], operator: User, template_a: PlanTemplate
) -> None:
    person = make_person(site_a)
    with scope(site=site_a):
        plan = services.plan_start(
            person=person, actor=operator, started_on=date(2026, 3, 1), template=template_a
        )
        TemplatePhase.objects.filter(template=template_a, position=1).update(name="Accoglienza", end_month=2)
        first = plan.phases.get(position=1)
    assert (first.name, first.ends_on) == ("Reception and orientation", date(2026, 5, 31))


def test_one_active_plan_at_a_time_and_past_plans_are_kept(
    site_a: Site, make_person: Callable[..., Person], operator: User, template_a: PlanTemplate
) -> None:
    person = make_person(site_a)
    with scope(site=site_a):
        first = services.plan_start(
            person=person, actor=operator, started_on=date(2025, 1, 1), template=template_a
        )
        with pytest.raises(DomainError, match="already has an active plan"):
            services.plan_start(person=person, actor=operator, started_on=date(2026, 1, 1))
        services.plan_close(
            plan=first,
            actor=operator,
            version=first.version,
            outcome="interrupted",
            closed_on=date(2025, 9, 1),
        )
        second = services.plan_start(person=person, actor=operator, started_on=date(2026, 1, 1))
        assert list(Plan.objects.filter(person=person)) == [second, first]
        first.refresh_from_db()
        assert (first.status, first.outcome, first.closed_on) == ("closed", "interrupted", date(2025, 9, 1))
        # A closed plan is read-only.
        with pytest.raises(DomainError, match="closed"):
            services.goal_add(plan=first, actor=operator, fields={"area": "work", "description": "Lavoro"})


def test_a_template_of_another_site_is_refused(
    site_a: Site, site_b: Site, make_person: Callable[..., Person], personas: dict, operator: User
) -> None:
    with scope(site=site_b):
        other = services.template_create_suggested(site=site_b, actor=personas["operator_b"].user)
    person = make_person(site_a)
    with scope(site=site_a), pytest.raises(DomainError):
        services.plan_start(person=person, actor=operator, started_on=date(2026, 1, 1), template=other)
    with scope(site=site_a):
        assert not Plan.objects.filter(person=person).exists()


def test_a_goal_from_planned_to_achieved(
    site_a: Site, make_person: Callable[..., Person], operator: User
) -> None:
    person = make_person(site_a)
    today = timezone.localdate()
    with scope(site=site_a):
        plan = services.plan_start(person=person, actor=operator, started_on=today - timedelta(days=100))
        goal = services.goal_add(
            plan=plan,
            actor=operator,
            fields={
                "area": "language",
                "description": "Italiano A2",
                "indicator": "certificato A2",
                "target_date": today - timedelta(days=1),
                "owner": "person",
            },
        )
        assert (goal.status, goal.is_overdue()) == ("planned", True)
        goal = services.goal_update(
            goal=goal, actor=operator, version=goal.version, fields={"status": "in_progress"}
        )
        assert goal.is_overdue()
        goal = services.goal_update(
            goal=goal, actor=operator, version=goal.version, fields={"status": "achieved"}
        )
        assert (goal.status, goal.status_since, goal.is_overdue()) == ("achieved", today, False)
        assert goal.history.count() == 3
    actions = (
        AuditEntry.objects.filter(object_type="plans.goal", object_id=str(goal.pk))
        .values_list("action", flat=True)
        .order_by("id")
    )
    assert list(actions) == ["plans.goal.added", "plans.goal.updated", "plans.goal.updated"]


def test_a_goal_not_achieved_or_dropped_needs_a_reason(
    site_a: Site, make_person: Callable[..., Person], operator: User
) -> None:
    person = make_person(site_a)
    with scope(site=site_a):
        plan = services.plan_start(person=person, actor=operator, started_on=date(2026, 1, 1))
        goal = services.goal_add(
            plan=plan, actor=operator, fields={"area": "work", "description": "Tirocinio"}
        )
        for status in ("not_achieved", "dropped"):
            with pytest.raises(DomainError) as refused:
                services.goal_update(
                    goal=goal, actor=operator, version=goal.version, fields={"status": status}
                )
            assert refused.value.field == "status_reason"
        goal.refresh_from_db()
        assert (goal.status, goal.version) == ("planned", 1)  # nothing changed
        dropped = services.goal_update(
            goal=goal,
            actor=operator,
            version=goal.version,
            fields={"status": "dropped", "status_reason": "Ha trovato lavoro da solo"},
        )
        assert (dropped.status, dropped.status_reason) == ("dropped", "Ha trovato lavoro da solo")
        # Back in progress: the reason no longer applies.
        again = services.goal_update(
            goal=dropped, actor=operator, version=dropped.version, fields={"status": "in_progress"}
        )
        assert again.status_reason == ""


def test_two_tabs_on_the_same_goal_the_second_save_is_refused(
    site_a: Site, make_person: Callable[..., Person], operator: User
) -> None:
    person = make_person(site_a)
    with scope(site=site_a):
        plan = services.plan_start(person=person, actor=operator, started_on=date(2026, 1, 1))
        goal = services.goal_add(plan=plan, actor=operator, fields={"area": "housing", "description": "Casa"})
        opened = goal.version  # both tabs opened the goal at this version
        services.goal_update(
            goal=goal, actor=operator, version=opened, fields={"description": "Casa in affitto"}
        )
        with pytest.raises(StaleEditError):
            services.goal_update(goal=goal, actor=operator, version=opened, fields={"description": "Stanza"})
        assert Goal.objects.get(pk=goal.pk).description == "Casa in affitto"


def test_no_plan_for_a_closed_case_or_too_far_ahead(
    site_a: Site, make_person: Callable[..., Person], operator: User
) -> None:
    person = make_person(site_a)
    with scope(site=site_a):
        with pytest.raises(DomainError, match="more than a year"):
            services.plan_start(
                person=person, actor=operator, started_on=timezone.localdate() + timedelta(days=400)
            )
        person.case_status = "closed"
        person.save()
        with pytest.raises(DomainError, match="closed"):
            services.plan_start(person=person, actor=operator, started_on=timezone.localdate())
        assert not Plan.objects.filter(person=person).exists()


def test_a_transfer_takes_the_plan_along_and_a_merge_moves_it(
    site_a: Site,
    site_b: Site,
    make_person: Callable[..., Person],
    operator: User,
    template_a: PlanTemplate,
    personas: dict,
) -> None:
    from percorsi.people import services as people_services

    person = make_person(site_a, "Amina", "Yusuf")
    twin = make_person(site_a, "Aminah", "Yusuf")
    other = make_person(site_a, "Aamina", "Yusuf")
    with scope(site=site_a):
        plan = services.plan_start(
            person=person, actor=operator, started_on=date(2026, 1, 1), template=template_a
        )
        services.plan_start(person=twin, actor=operator, started_on=date(2026, 2, 1))
        # Both have an active plan: the merge is refused, nothing moves.
        with pytest.raises(DomainError, match="active plan"):
            people_services.person_merge(keep=person, absorb=twin, actor=personas["coordinator_a"].user)
        assert Plan.objects.filter(person=twin).count() == 1
        # The other one has none: its record merges into the person's, whose plan stays.
        people_services.person_merge(keep=other, absorb=person, actor=personas["coordinator_a"].user)
        assert Plan.objects.get(pk=plan.pk).person_id == other.pk
        other.refresh_from_db()
        people_services.person_transfer(
            person=other, actor=personas["coordinator_a"].user, version=other.version, to_site=site_b
        )
    with scope(site=site_b):
        moved = Plan.objects.get(pk=plan.pk)
        assert moved.site_id == site_b.pk
        assert {p.site_id for p in moved.phases.all()} | {g.site_id for g in moved.goals.all()} == {site_b.pk}
