"""Reads for plans: a person's plans, the plan page, what is overdue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person
from percorsi.people.selectors import CasePanel, TimelineEvent
from percorsi.plans.choices import GOAL_ENDED, GoalStatus, PlanStatus
from percorsi.plans.dates import add_months
from percorsi.plans.models import Goal, Phase, Plan


def both_have_an_active_plan(keep: Person, absorb: Person) -> str | None:
    """A merge check: two active plans cannot become one person's (close one first)."""
    active = (
        Plan.objects.filter(person__in=[keep, absorb], status=PlanStatus.ACTIVE).values("person").distinct()
    )
    if active.count() == 2:
        return _("Both records have an active plan: close one of them before merging.")
    return None


def person_plans(*, person: Person) -> list[Plan]:
    """The person's plans, the active one first, then the past ones, newest first."""
    return sorted(
        Plan.objects.filter(person=person).select_related("operator"),
        key=lambda p: (p.status != PlanStatus.ACTIVE, -p.started_on.toordinal(), -p.pk),
    )


def plan_page(*, pk: int) -> Plan | None:
    """A plan of the active site with its person, phases and goals, in a fixed number of queries."""
    return (
        Plan.objects.filter(pk=pk, person__merged_into__isnull=True)
        .select_related("person", "operator", "template")
        .prefetch_related("phases", "goals")
        .first()
    )


@dataclass(frozen=True)
class Progress:
    total: int
    achieved: int
    ended: int
    overdue: int
    dropped: int

    @property
    def percent(self) -> int:
        """Achieved among the goals that count (dropped ones do not)."""
        counted = self.total - self.dropped
        return round(100 * self.achieved / counted) if counted else 0


def progress(plan: Plan, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    goals = list(plan.goals.all())
    return Progress(
        total=len(goals),
        achieved=sum(1 for g in goals if g.status == GoalStatus.ACHIEVED),
        ended=sum(1 for g in goals if g.is_ended),
        overdue=sum(1 for g in goals if g.is_overdue(today)),
        dropped=sum(1 for g in goals if g.status == GoalStatus.DROPPED),
    )


# The timeline drawing (a Gantt-like view): rows in a 1000-unit wide SVG, dates mapped to x.
WIDTH = 1000
ROW = 30


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    width: float
    starts_on: date
    ends_on: date
    current: bool
    marks: list[tuple[float, str, str]] = field(default_factory=list)  # (x, status, description)
    y: int = 0


@dataclass(frozen=True)
class Timeline:
    bars: list[Bar]
    starts_on: date
    ends_on: date
    today_x: float | None
    months: list[tuple[float, date]]  # ticks at the first of each month (or every few months)

    @property
    def height(self) -> int:
        return len(self.bars) * ROW


def timeline(plan: Plan, today: date | None = None) -> Timeline:
    """Phases as bars and goals as marks on one time axis, from the prefetched plan."""
    today = today or timezone.localdate()
    phases = list(plan.phases.all())
    goals = list(plan.goals.all())
    dates = [plan.started_on] + [p.starts_on for p in phases] + [p.ends_on for p in phases]
    dates += [g.target_date for g in goals if g.target_date]
    start, end = min(dates), max(dates)
    if end <= start:
        end = start + timedelta(days=30)
    span = (end - start).days

    def x(day: date) -> float:
        return round(WIDTH * (day - start).days / span, 1)

    bars = []
    for phase in phases:
        marks = [
            (x(g.target_date), g.status, g.description)
            for g in goals
            if g.phase_id == phase.pk and g.target_date
        ]
        bars.append(
            Bar(
                phase.name,
                x(phase.starts_on),
                max(x(phase.ends_on) - x(phase.starts_on), 4),
                phase.starts_on,
                phase.ends_on,
                phase.starts_on <= today <= phase.ends_on,
                marks,
                len(bars) * ROW,
            )
        )
    loose = [
        (x(g.target_date), g.status, g.description) for g in goals if g.phase_id is None and g.target_date
    ]
    if loose:
        bars.append(Bar(str(_("Goals without a phase")), 0, 0, start, end, False, loose, len(bars) * ROW))
    step = max(1, round(span / 30 / 8))  # about eight ticks whatever the length
    months = []
    tick = date(start.year, start.month, 1)
    while tick <= end:
        if tick >= start:
            months.append((x(tick), tick))
        month_index = tick.month - 1 + step
        tick = date(tick.year + month_index // 12, month_index % 12 + 1, 1)
    today_x = x(today) if start <= today <= end else None
    return Timeline(bars, start, end, today_x, months)


def active_plans(*, operator_id: int | None = None, overdue_only: bool = False) -> QuerySet[Plan]:
    """The site's active plans with their goal counts, for the plans list (one query a page)."""
    today = timezone.localdate()
    ended = [str(s) for s in GOAL_ENDED]
    plans = (
        Plan.objects.filter(
            status=PlanStatus.ACTIVE, person__deleted_at__isnull=True, person__merged_into__isnull=True
        )
        .select_related("person", "operator")
        .annotate(
            goals_total=Count("goals"),
            goals_achieved=Count("goals", filter=Q(goals__status=GoalStatus.ACHIEVED)),
            goals_overdue=Count(
                "goals", filter=Q(goals__target_date__lt=today) & ~Q(goals__status__in=ended)
            ),
        )
        .order_by("person__family_names", "person__given_names", "pk")
    )
    if operator_id is not None:
        plans = plans.filter(operator_id=operator_id)
    if overdue_only:
        plans = plans.filter(goals_overdue__gt=0)
    return plans


def case_file_panel(person: Person, membership: Any) -> CasePanel | None:
    """The plan's part of the case file: the active plan at a glance, or the way to start one."""
    if not membership.has("plans:read"):
        return None
    today = timezone.localdate()
    ended = [str(s) for s in GOAL_ENDED]
    current_phase = Phase.objects.filter(
        plan=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
    ).order_by("position", "starts_on")
    active = (
        Plan.objects.filter(person=person, status=PlanStatus.ACTIVE)
        .select_related("operator")
        .annotate(
            goals_total=Count("goals"),
            goals_achieved=Count("goals", filter=Q(goals__status=GoalStatus.ACHIEVED)),
            goals_overdue=Count(
                "goals", filter=Q(goals__target_date__lt=today) & ~Q(goals__status__in=ended)
            ),
            current_phase=Subquery(current_phase.values("name")[:1]),
        )
        .first()
    )
    can_start = (
        active is None
        and membership.has("plans:write")
        and person.deleted_at is None
        and person.case_status != CaseStatus.CLOSED
    )
    return CasePanel(
        "plans/_case_file_panel.html", {"plan": active, "person": person, "can_start": can_start}, 10
    )


def timeline_events(person: Person, membership: Any) -> list[TimelineEvent]:
    """Plans started and closed, goals reached or not, for the case file's timeline."""
    if not membership.has("plans:read"):
        return []
    events = []
    for plan in Plan.objects.filter(person=person):
        events.append(TimelineEvent(plan.started_on, "plan", _("Plan started")))
        if plan.closed_on:
            events.append(TimelineEvent(plan.closed_on, "plan", _("Plan closed"), plan.get_outcome_display()))
    for goal in Goal.objects.filter(plan__person=person, status__in=list(GOAL_ENDED)):
        title = {
            GoalStatus.ACHIEVED: _("Goal achieved"),
            GoalStatus.NOT_ACHIEVED: _("Goal not achieved"),
            GoalStatus.DROPPED: _("Goal dropped"),
        }[GoalStatus(goal.status)]
        events.append(TimelineEvent(goal.status_since, "goal", title, goal.description))
    return events


def next_review_on(plan: Plan, last_review_on: date | None) -> date:
    """The date the next review is due: the interval after the last review, or after the start."""
    return add_months(last_review_on or plan.started_on, plan.review_every_months)


def reviews_due(
    *, within_days: int = 7, operator_id: int | None = None, today: date | None = None
) -> list[Plan]:
    """Active plans of the site whose review is due within the days or overdue, the most overdue first.

    Each plan carries `last_review_on` and `review_due_on`. One query."""
    today = today or timezone.localdate()
    plans = (
        Plan.objects.filter(
            status=PlanStatus.ACTIVE, person__deleted_at__isnull=True, person__merged_into__isnull=True
        )
        .select_related("person", "operator")
        .annotate(last_review_on=Max("reviews__held_on"))
    )
    if operator_id is not None:
        plans = plans.filter(operator_id=operator_id)
    due = []
    for plan in plans:
        plan.review_due_on = next_review_on(plan, plan.last_review_on)
        if plan.review_due_on <= today + timedelta(days=within_days):
            due.append(plan)
    return sorted(due, key=lambda p: (p.review_due_on, p.person.family_names, p.pk))
