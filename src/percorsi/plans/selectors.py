"""Reads for plans: a person's plans, the plan page, what is overdue."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from percorsi.core.models import Site
from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person
from percorsi.people.reference import language_name
from percorsi.people.selectors import CasePanel, Expiry, TimelineEvent, site_expiries
from percorsi.plans import matrix
from percorsi.plans.calendar import local_midnight
from percorsi.plans.choices import (
    GOAL_ENDED,
    AppointmentStatus,
    GoalStatus,
    InterventionKind,
    InterventionService,
    NotificationKind,
    PlanStatus,
)
from percorsi.plans.dates import add_months
from percorsi.plans.models import (
    Appointment,
    AutonomyAssessment,
    Goal,
    Intervention,
    Phase,
    Plan,
    Review,
    Task,
)


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


# What other parts of Percorsi (the job desk...) know of a plan's goals: plans may not import them, so
# they register here. Each source takes the plan's goals and returns short lines by goal id (e.g.
# "Training: Corso HACCP — attending"), in one query for all the goals.
GOAL_NOTES: list[Callable[[list[Goal]], dict[int, list[str]]]] = []


def goal_notes(goals: list[Goal]) -> dict[int, list[str]]:
    """Every registered source's lines, by goal id; one query per source whatever the goals."""
    notes: dict[int, list[str]] = {}
    for source in GOAL_NOTES:
        for goal_id, lines in source(goals).items():
            notes.setdefault(goal_id, []).extend(lines)
    return notes


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
        if tick.year + month_index // 12 > date.max.year:
            break  # a date typed in the year 9999: no tick after it
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


def _case_file_plans(person: Person) -> list[Plan]:
    """The person's plans with their goal counts and current phase, and their goals (each with its
    plan), read once per case file view: the plan's panel, the timeline and the quick entry's goal
    choices use them. Two plain queries cost less than one with three filtered counts."""
    cached: list[Plan] | None = getattr(person, "_case_file_plans", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    current_phase = Phase.objects.filter(
        plan=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
    ).order_by("position", "starts_on")
    plans = list(
        Plan.objects.filter(person=person)
        .select_related("operator")
        .annotate(current_phase=Subquery(current_phase.values("name")[:1]))
        .order_by("-started_on", "-pk")
    )
    by_pk = {plan.pk: plan for plan in plans}
    goals = list(Goal.objects.filter(plan_id__in=by_pk)) if plans else []
    for plan in plans:
        plan.goals_total = plan.goals_achieved = plan.goals_overdue = 0  # type: ignore[attr-defined]
    for goal in goals:
        plan = goal.plan = by_pk[goal.plan_id]
        plan.goals_total += 1  # type: ignore[attr-defined]
        if goal.status == GoalStatus.ACHIEVED:
            plan.goals_achieved += 1  # type: ignore[attr-defined]
        if goal.target_date and goal.target_date < today and goal.status not in GOAL_ENDED:
            plan.goals_overdue += 1  # type: ignore[attr-defined]
    person._case_file_plans = plans  # type: ignore[attr-defined]
    person._case_file_goals = goals  # type: ignore[attr-defined]
    return plans


def _case_file_goals(person: Person) -> list[Goal]:
    """The goals of the person's plans, each with its plan (read with the plans)."""
    _case_file_plans(person)
    return person._case_file_goals  # type: ignore[attr-defined,no-any-return]


def case_file_panel(person: Person, membership: Any) -> CasePanel | None:
    """The plan's part of the case file: the active plan at a glance, or the way to start one."""
    if not membership.has("plans:read"):
        return None
    active = next((plan for plan in _case_file_plans(person) if plan.status == PlanStatus.ACTIVE), None)
    can_start = (
        active is None
        and membership.has("plans:write")
        and person.deleted_at is None
        and person.case_status != CaseStatus.CLOSED
    )
    return CasePanel(
        "plans/_case_file_panel.html", {"plan": active, "person": person, "can_start": can_start}, 10
    )


def timeline_events(person: Person, membership: Any, limit: int | None = None) -> list[TimelineEvent]:
    """Plans started and closed, goals reached or not, for the case file's timeline."""
    if not membership.has("plans:read"):
        return []
    events = []
    for plan in _case_file_plans(person):
        events.append(TimelineEvent(plan.started_on, "plan", _("Plan started")))
        if plan.agreed_on:
            language = language_name(plan.agreement_language) if plan.agreement_language else ""
            events.append(TimelineEvent(plan.agreed_on, "plan", _("Plan agreed with the person"), language))
        if plan.closed_on:
            events.append(TimelineEvent(plan.closed_on, "plan", _("Plan closed"), plan.get_outcome_display()))
    for goal in (g for g in _case_file_goals(person) if g.status in GOAL_ENDED):
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


@dataclass(frozen=True)
class NotificationLine:
    notification: Any
    text: str
    url: str


# How the reminders of the apps above plans read (plans may not import them): the kind's maker gets
# the notification, the site's slug, the person's name and the due date as written, and returns the
# line's text and the address of what it is about.
REMINDER_LINES: dict[str, Callable[[Any, str, str, str], tuple[str, str]]] = {}


def notification_lines(notifications: list[Any], site_slug: str) -> list[NotificationLine]:
    """Each notification in the reader's language with a link to what it is about (two queries)."""
    from django.urls import reverse

    goal_plans = dict(
        Goal.objects.filter(
            pk__in=[n.object_id for n in notifications if n.kind == NotificationKind.GOAL_OVERDUE]
        ).values_list("pk", "plan_id")
    )
    lines = []
    for n in notifications:
        name = n.person.full_name if n.person_id else ""
        when = formats.date_format(n.due_on, "SHORT_DATE_FORMAT") if n.due_on else ""
        person_url = ""
        if n.person_id:
            person_url = reverse("people:detail", kwargs={"site": site_slug, "pk": n.person_id})
        if n.kind == NotificationKind.REVIEW_DUE:
            text = _("Review of the plan with %(name)s: due on %(day)s") % {"name": name, "day": when}
            url = reverse("plans:detail", kwargs={"site": site_slug, "plan_id": n.object_id})
        elif n.kind == NotificationKind.GOAL_OVERDUE:
            text = _("A goal of the plan with %(name)s is past its date (%(day)s)") % {
                "name": name,
                "day": when,
            }
            plan_id = goal_plans.get(n.object_id)
            url = person_url
            if plan_id:
                url = reverse("plans:detail", kwargs={"site": site_slug, "plan_id": plan_id})
        elif n.kind == NotificationKind.TASK_DUE:
            if name:
                text = _("Task about %(name)s due on %(day)s") % {"name": name, "day": when}
            else:
                text = _("Task due on %(day)s") % {"day": when}
            url = person_url
        elif n.kind == NotificationKind.PERMIT_EXPIRING:
            text = _("A permit or document of %(name)s expires on %(day)s") % {"name": name, "day": when}
            url = person_url
        elif n.kind in REMINDER_LINES:
            text, url = REMINDER_LINES[n.kind](n, site_slug, name, when)
        else:
            text, url = str(n.get_kind_display()), person_url
        lines.append(NotificationLine(n, text, url))
    return lines


# --- Interventions (issue 4, item 5): one log for every service ----------------------------------


def interventions_found(
    *,
    service: str = "",
    kind: str = "",
    operator_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    case_number: int | None = None,
) -> QuerySet[Intervention]:
    """The site's interventions, newest first, filtered; deleted records' entries are left out."""
    found = Intervention.objects.filter(person__deleted_at__isnull=True, person__merged_into__isnull=True)
    if service:
        found = found.filter(service=service)
    if kind:
        found = found.filter(kind=kind)
    if operator_id is not None:
        found = found.filter(operator_id=operator_id)
    if date_from is not None:
        found = found.filter(happened_on__gte=date_from)
    if date_to is not None:
        found = found.filter(happened_on__lte=date_to)
    if case_number is not None:
        found = found.filter(person_id=case_number)
    return found.select_related("person", "operator", "goal").order_by("-happened_on", "-pk")


@dataclass(frozen=True)
class EmergencyShare:
    """How many of a set of interventions were emergency or assistance only (the service wants few)."""

    total: int
    emergency: int

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return int((Decimal(100 * self.emergency) / self.total).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def emergency_share(found: QuerySet[Intervention]) -> EmergencyShare:
    """The total and the emergencies of a filtered set, in one query."""
    counts = found.order_by().aggregate(
        total=Count("pk"), emergency=Count("pk", filter=Q(kind=InterventionKind.EMERGENCY))
    )
    return EmergencyShare(counts["total"], counts["emergency"])


def intervention_goals(*, person: Person, active_only: bool = False) -> list[Goal]:
    """Goals an intervention of the person may serve: those of the person's plans, the active plan's
    first (with `active_only`, only the active plan's goals still open)."""
    goals = _case_file_goals(person)
    if active_only:
        goals = [g for g in goals if g.plan.status == PlanStatus.ACTIVE and g.status not in GOAL_ENDED]
    return sorted(
        goals,
        key=lambda g: (g.plan.status != PlanStatus.ACTIVE, -g.plan.started_on.toordinal(), g.plan_id, g.pk),
    )


RECENT_INTERVENTIONS = 5


def _case_file_interventions(person: Person, limit: int | None = None) -> list[Intervention]:
    """The person's interventions, newest first (with `limit`, the newest `limit`), read once per
    case file view: the panel shows the latest, the timeline as many as it shows."""
    cached: tuple[int | None, list[Intervention]] | None = getattr(person, "_case_file_interventions", None)
    if cached is not None and (cached[0] is None or (limit is not None and limit <= cached[0])):
        return cached[1][:limit]
    found = (
        Intervention.objects.filter(person=person).select_related("operator").order_by("-happened_on", "-pk")
    )
    interventions = list(found[:limit] if limit is not None else found)
    # Their goals are among the person's goals, read already: no join for them.
    goals = {goal.pk: goal for goal in _case_file_goals(person)}
    for intervention in interventions:
        if intervention.goal_id in goals:
            intervention.goal = goals[intervention.goal_id]
    person._case_file_interventions = (limit, interventions)  # type: ignore[attr-defined]
    return interventions


@dataclass(frozen=True)
class QuickEntry:
    """What the case file's quick entry offers: the date, service, kind, minutes, goal and a short
    note, the operator being the person who records it. Its template writes the inputs itself (the
    form's widgets cost the case file a fifth of its time); it posts to the full form's view, which
    validates it and, when it is refused, shows the full form with everything typed."""

    today: date
    services: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    kind: str  # the one chosen at first
    goals: list[tuple[int, str]]
    labels: dict[str, str]


def _quick_entry(person: Person) -> QuickEntry:
    from percorsi.plans.forms import QUICK_NOTE_LABEL, InterventionForm

    fields = InterventionForm.base_fields
    labels = {
        name: str(fields[name].label) for name in ("happened_on", "service", "kind", "duration_minutes")
    }
    return QuickEntry(
        today=timezone.localdate(),
        services=InterventionService.choices,
        kinds=InterventionKind.choices,
        kind=InterventionKind.PLANNED,
        goals=[(goal.pk, goal.description) for goal in intervention_goals(person=person, active_only=True)],
        labels=labels | {"goal": str(fields["goal"].label), "notes": str(QUICK_NOTE_LABEL)},
    )


def interventions_panel(person: Person, membership: Any) -> CasePanel | None:
    """The case file's part of the log: the last interventions and a quick entry (plans:write)."""
    if not membership.has("plans:read"):
        return None
    recent = _case_file_interventions(person, RECENT_INTERVENTIONS)
    can_write = (
        membership.has("plans:write")
        and person.deleted_at is None
        and person.case_status != CaseStatus.CLOSED
    )
    return CasePanel(
        "plans/_interventions_panel.html",
        {
            "person": person,
            "recent": recent,
            "quick": _quick_entry(person) if can_write else None,
            "can_write": membership.has("plans:write") and person.deleted_at is None,
            "sees_notes": membership.has("people:sensitive"),
        },
        20,
    )


def intervention_events(person: Person, membership: Any, limit: int | None = None) -> list[TimelineEvent]:
    """One event per intervention on the case file's timeline: the service and the kind."""
    if not membership.has("plans:read"):
        return []
    # Labels looked up once, not per intervention (a person may have hundreds).
    services, kinds = dict(InterventionService.choices), dict(InterventionKind.choices)
    titles = {False: _("Intervention: %(service)s"), True: _("Emergency intervention: %(service)s")}
    events = []
    for intervention in _case_file_interventions(person, limit):
        emergency = intervention.kind == InterventionKind.EMERGENCY
        service = services.get(intervention.service, intervention.service)
        events.append(
            TimelineEvent(
                intervention.happened_on,
                "intervention",
                titles[emergency] % {"service": service},
                kinds.get(intervention.kind, intervention.kind),
                extra={"emergency": emergency},
            )
        )
    return events


# --- Reviews, the person's agreement and the autonomy matrix (issue 4, items 3, 4, 8) ------------


def person_assessments(*, person_id: int) -> list[AutonomyAssessment]:
    """The person's autonomy assessments, oldest first (the order of the chart). One query."""
    return list(AutonomyAssessment.objects.filter(person_id=person_id).order_by("assessed_on", "pk"))


def latest_assessment(*, person_id: int) -> AutonomyAssessment | None:
    """The scores to start from when scoring again."""
    return AutonomyAssessment.objects.filter(person_id=person_id).order_by("-assessed_on", "-pk").first()


@dataclass(frozen=True)
class ReviewsSection:
    reviews: list[Review]  # newest first, each with its assessment (or none)
    next_review_on: date | None  # None once the plan is closed
    review_overdue: bool
    chart: matrix.Chart  # the person's scores over time, whatever the plan


def plan_reviews(plan: Plan, today: date | None = None) -> ReviewsSection:
    """The plan page's reviews, when the next one is due and the person's matrix. Two queries."""
    today = today or timezone.localdate()
    reviews = list(
        Review.objects.filter(plan=plan)
        .select_related("assessment", "recorded_by")
        .order_by("-held_on", "-pk")
    )
    due = None
    if plan.status == PlanStatus.ACTIVE:
        due = next_review_on(plan, max((r.held_on for r in reviews), default=None))
    return ReviewsSection(
        reviews=reviews,
        next_review_on=due,
        review_overdue=due is not None and due < today,
        chart=matrix.chart(person_assessments(person_id=plan.person_id)),
    )


def _case_file_assessments(person: Person) -> list[AutonomyAssessment]:
    """The person's assessments, read once for the case file's panel and its timeline (the case file
    passes both the same Person, fresh for the request)."""
    cached: list[AutonomyAssessment] | None = getattr(person, "_plans_assessments", None)
    if cached is None:
        cached = person_assessments(person_id=person.pk)
        person._plans_assessments = cached  # type: ignore[attr-defined]
    return cached


def autonomy_panel(person: Person, membership: Any) -> CasePanel | None:
    """The case file's autonomy matrix: the scores over time as a chart, and the way to score again."""
    if not membership.has("plans:read"):
        return None
    assessments = _case_file_assessments(person)
    return CasePanel(
        "plans/_autonomy_panel.html",
        {
            "person": person,
            "chart": matrix.chart(assessments),
            "latest": assessments[-1] if assessments else None,
            "can_write": membership.has("plans:write")
            and person.deleted_at is None
            and person.case_status != CaseStatus.CLOSED,
        },
        15,
    )


def review_events(person: Person, membership: Any, limit: int | None = None) -> list[TimelineEvent]:
    """Reviews held with the person and assessments made on their own (intake, closure...)."""
    if not membership.has("plans:read"):
        return []
    events = []
    assessments = _case_file_assessments(person)
    scored = {assessment.review_id for assessment in assessments}
    plans = [plan.pk for plan in _case_file_plans(person)]
    reviews = Review.objects.filter(plan_id__in=plans).order_by("-held_on", "-pk")
    for review in (reviews[:limit] if limit is not None else reviews) if plans else []:
        detail = [str(_("the person agreed"))] if review.person_agreed else []
        if review.pk in scored:
            detail.append(str(_("autonomy matrix scored")))
        events.append(
            TimelineEvent(review.held_on, "review", _("Review held with the person"), " · ".join(detail))
        )
    for assessment in assessments:
        if assessment.review_id is not None:
            continue  # the review's event says the matrix was scored
        events.append(
            TimelineEvent(
                assessment.assessed_on,
                "assessment",
                _("Autonomy assessed"),
                assessment.get_occasion_display(),
            )
        )
    return events


# --- Appointments, tasks and "my work" (issue 4, item 6) ---------------------------------------------

PANEL_ROWS = 5
MY_WORK_ROWS = 20
TASK_STATES = ("open", "overdue", "done", "all")


def _with_end(appointments: Iterable[Appointment]) -> list[Appointment]:
    """The appointments, each with `ends_at` (the model keeps the start and the duration) and
    `has_started` (only then can it be marked held or missed)."""
    found = list(appointments)
    now = timezone.now()
    for appointment in found:
        appointment.has_started = appointment.starts_at <= now  # type: ignore[attr-defined]
        appointment.ends_at = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)  # type: ignore[attr-defined]
    return found


def _live_person(prefix: str = "person__") -> Q:
    return Q(**{f"{prefix}deleted_at__isnull": True, f"{prefix}merged_into__isnull": True})


def calendar_appointments(
    *, starts: datetime, ends: datetime, operator_id: int | None = None, cancelled: bool = True
) -> list[Appointment]:
    """The site's appointments that start in [starts, ends), in time order, with the person and the
    operator, each with `ends_at`. One query."""
    found = (
        Appointment.objects.filter(_live_person(), starts_at__gte=starts, starts_at__lt=ends)
        .select_related("person", "operator", "goal")
        .order_by("starts_at", "pk")
    )
    if operator_id is not None:
        found = found.filter(operator_id=operator_id)
    if not cancelled:
        found = found.exclude(status=AppointmentStatus.CANCELLED)
    return _with_end(found)


def active_plan_goals(*, person: Person) -> list[Goal]:
    """The goals of the person's active plan that are not over: what an appointment or a task serves."""
    return list(
        Goal.objects.filter(plan__person=person, plan__status=PlanStatus.ACTIVE).exclude(
            status__in=[str(s) for s in GOAL_ENDED]
        )
    )


def tasks_found(
    *, state: str = "open", assignee_id: int | None = None, today: date | None = None
) -> QuerySet[Task]:
    """The site's tasks (about a person who is still followed, or about no one), for the task list.

    open: not done, the soonest due first (the overdue ones are first); overdue: not done and past
    their date; done: the latest done first; all: by due date."""
    today = today or timezone.localdate()
    found = Task.objects.filter(Q(person__isnull=True) | _live_person()).select_related(
        "assignee", "person", "goal"
    )
    if assignee_id is not None:
        found = found.filter(assignee_id=assignee_id)
    if state == "open":
        return found.filter(done_at__isnull=True).order_by("due_on", "pk")
    if state == "overdue":
        return found.filter(done_at__isnull=True, due_on__lt=today).order_by("due_on", "pk")
    if state == "done":
        return found.filter(done_at__isnull=False).order_by("-done_at", "-pk")
    return found.order_by("due_on", "pk")


def my_overdue_goals(*, user_id: int, today: date | None = None) -> QuerySet[Goal]:
    """Goals past their date in the active plans the user is in charge of, the oldest date first."""
    today = today or timezone.localdate()
    return (
        Goal.objects.filter(
            _live_person("plan__person__"),
            plan__operator_id=user_id,
            plan__status=PlanStatus.ACTIVE,
            target_date__lt=today,
        )
        .exclude(status__in=[str(s) for s in GOAL_ENDED])
        .order_by("target_date", "pk")
    )


def my_people_ids(*, user_id: int) -> set[int]:
    """The people the user follows: operator in charge of the case or of the person's active plan."""
    return set(
        Person.objects.filter(
            Q(operator_id=user_id) | Q(plans__status=PlanStatus.ACTIVE, plans__operator_id=user_id)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class MyWork:
    """The "my work" page of one operator: what needs doing today, at most MY_WORK_ROWS of each."""

    today: date
    appointments: list[Appointment]
    goals: list[Goal]
    goals_total: int
    tasks: list[Task]
    tasks_total: int
    tasks_overdue: int
    reviews: list[Plan]
    expiries: list[Expiry]
    expiries_total: int


def my_work(*, site: Site, user_id: int, sees_expiries: bool, today: date | None = None) -> MyWork:
    """Today's appointments, overdue goals of my plans, my open tasks (overdue first), reviews due in
    my plans and, for a role that sees documents, the permits and documents of my people that
    expired or expire within 60 days. A fixed number of queries, whatever the number of rows."""
    today = today or timezone.localdate()
    appointments = calendar_appointments(
        starts=local_midnight(today),
        ends=local_midnight(today + timedelta(days=1)),
        operator_id=user_id,
        cancelled=False,
    )
    goals = my_overdue_goals(user_id=user_id, today=today)
    tasks = tasks_found(state="open", assignee_id=user_id, today=today)
    counts = tasks.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    expiries: list[Expiry] = []
    if sees_expiries:
        mine = my_people_ids(user_id=user_id)
        expiries = [e for e in site_expiries(site=site, today=today) if e.person_id in mine]
    return MyWork(
        today=today,
        appointments=appointments,
        goals=list(goals.select_related("plan__person")[:MY_WORK_ROWS]),
        goals_total=goals.count(),
        tasks=list(tasks[:MY_WORK_ROWS]),
        tasks_total=counts["total"],
        tasks_overdue=counts["overdue"],
        reviews=reviews_due(operator_id=user_id, today=today)[:MY_WORK_ROWS],
        expiries=expiries[:MY_WORK_ROWS],
        expiries_total=len(expiries),
    )


def my_work_figures(site: Site, membership: Any) -> list[tuple[str, int, str]]:
    """The home page's figures of "my work", for those who follow cases."""
    if not membership.has("plans:read"):
        return []
    today = timezone.localdate()
    user_id = membership.user_id
    appointments = (
        Appointment.objects.filter(
            _live_person(),
            operator_id=user_id,
            starts_at__gte=local_midnight(today),
            starts_at__lt=local_midnight(today + timedelta(days=1)),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .count()
    )
    tasks = tasks_found(state="open", assignee_id=user_id, today=today).count()
    goals = my_overdue_goals(user_id=user_id, today=today).count()
    return [
        (_("my appointments today"), appointments, "plans:my_work"),
        (_("my open tasks"), tasks, f"plans:tasks?assignee={user_id}"),
        (_("goals past their date in my plans"), goals, "plans:my_work"),
    ]


def _case_file_appointments(person: Person) -> list[Appointment]:
    """The person's appointments the case file shows: from today on (the panel), and those held or
    missed (the timeline). One query, kept on the person for the rest of the request, so that the
    panel and the timeline do not read the same rows twice."""
    cached: list[Appointment] | None = getattr(person, "_case_file_appointments", None)
    if cached is None:
        from_today = local_midnight(timezone.localdate())
        cached = _with_end(
            Appointment.objects.filter(person=person)
            .filter(
                Q(starts_at__gte=from_today)
                | Q(status__in=[AppointmentStatus.DONE, AppointmentStatus.MISSED])
            )
            .select_related("operator")
            .order_by("starts_at", "pk")
        )
        person._case_file_appointments = cached  # type: ignore[attr-defined]
    return cached


def appointments_panel(person: Person, membership: Any) -> CasePanel | None:
    """The case file's appointments and tasks: today's and the coming appointments, the open tasks,
    and the buttons to book an appointment or record a walk-in."""
    if not membership.has("plans:read"):
        return None
    today = timezone.localdate()
    from_today = local_midnight(today)
    coming = [
        appointment
        for appointment in _case_file_appointments(person)
        if appointment.starts_at >= from_today and appointment.status != AppointmentStatus.CANCELLED
    ]
    tasks = list(
        Task.objects.filter(person=person, done_at__isnull=True)
        .select_related("assignee")
        .order_by("due_on", "pk")[:PANEL_ROWS]
    )
    can_write = membership.has("plans:write") and person.deleted_at is None and person.merged_into_id is None
    return CasePanel(
        "plans/_appointments_panel.html",
        {
            "person": person,
            "appointments": coming[:PANEL_ROWS],
            "tasks": tasks,
            "today": today,
            "can_write": can_write,
            "can_book": can_write and person.case_status != CaseStatus.CLOSED,
        },
        30,
    )


def appointment_events(person: Person, membership: Any, limit: int | None = None) -> list[TimelineEvent]:
    """Appointments held or missed and walk-ins, for the case file's timeline."""
    if not membership.has("plans:read"):
        return []
    events = []
    for appointment in _case_file_appointments(person):
        if appointment.status not in (AppointmentStatus.DONE, AppointmentStatus.MISSED):
            continue
        if appointment.walk_in:
            title = _("At the desk without an appointment")
        elif appointment.status == AppointmentStatus.DONE:
            title = _("Appointment held")
        else:
            title = _("Appointment missed")
        day = timezone.localtime(appointment.starts_at).date()
        events.append(TimelineEvent(day, "appointment", title, appointment.reason))
    return events
