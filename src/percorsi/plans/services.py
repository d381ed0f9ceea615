"""Writes for plans: templates, starting a plan from a template, phases and goals.

Every function runs in one transaction, checks the record's version when it edits (two tabs on
the same goal: the second save is refused, nothing is lost silently) and writes its audit entry
there, ids only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.errors import DomainError, StaleEditError
from percorsi.core.models import Site
from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person
from percorsi.plans.choices import GOAL_NEEDS_REASON, GoalArea, GoalOwner, PlanStatus
from percorsi.plans.dates import add_months
from percorsi.plans.models import Goal, Phase, Plan, PlanTemplate, TemplateGoal, TemplatePhase


def _save(obj: Any, actor: User) -> None:
    obj.full_clean()
    obj._history_user = actor
    obj.save()


def _locked[M: (Plan, Phase, Goal, PlanTemplate)](model: type[M], obj: M, version: int | None) -> M:
    current = model.objects.select_for_update().get(pk=obj.pk)
    if version is not None and current.version != version:
        raise StaleEditError
    return current


# The suggested template (issue 4, item 1): phases in months from the start, with suggested goals.
@dataclass(frozen=True)
class SuggestedPhase:
    name: str
    start_month: int
    end_month: int
    goals: list[tuple[str, str, str]] = field(default_factory=list)  # (area, goal, indicator)


def suggested_phases() -> list[SuggestedPhase]:
    """The path the service describes, in the active language (the template is data once saved)."""
    return [
        SuggestedPhase(
            _("Reception and orientation"),
            0,
            3,
            [
                (GoalArea.LEGAL, _("Documents in order: permit, tax code, health card"), _("valid permit")),
                (GoalArea.HEALTH, _("Registered with a family doctor"), _("doctor assigned")),
                (GoalArea.SOCIAL, _("Knows the services of the town"), _("has used them alone")),
            ],
        ),
        SuggestedPhase(
            _("Language and training"),
            1,
            9,
            [
                (GoalArea.LANGUAGE, _("Italian at A2 level"), _("A2 certificate")),
                (GoalArea.EDUCATION, _("Qualifications from abroad assessed"), _("recognition requested")),
            ],
        ),
        SuggestedPhase(
            _("Work"),
            6,
            12,
            [
                (GoalArea.WORK, _("CV written and registered at the job centre"), _("CV and DID")),
                (GoalArea.WORK, _("A job or a traineeship"), _("contract signed")),
            ],
        ),
        SuggestedPhase(
            _("Housing"),
            9,
            18,
            [(GoalArea.HOUSING, _("A home of one's own that can be afforded"), _("tenancy contract"))],
        ),
        SuggestedPhase(
            _("Autonomy and follow-up"),
            18,
            24,
            [(GoalArea.INCOME, _("Lives on one's own income"), _("no contributions for 3 months"))],
        ),
    ]


def template_create_suggested(*, site: Site, actor: User, name: str | None = None) -> PlanTemplate:
    """The suggested template, for a site that has none yet (or as a starting point for another)."""
    with transaction.atomic():
        template = PlanTemplate(site=site, name=name or _("Path to autonomy"))
        _save(template, actor)
        for position, suggested in enumerate(suggested_phases(), start=1):
            phase = TemplatePhase(
                site=site,
                template=template,
                position=position,
                name=suggested.name,
                start_month=suggested.start_month,
                end_month=suggested.end_month,
            )
            _save(phase, actor)
            for area, description, indicator in suggested.goals:
                _save(
                    TemplateGoal(
                        site=site, phase=phase, area=area, description=description, indicator=indicator
                    ),
                    actor,
                )
        audit.record(action="plans.template.created", obj=template)
    return template


def _days_from_arrival(person: Person, started_on: date) -> int | None:
    if person.arrival_date is None or person.arrival_date > started_on:
        return None
    return (started_on - person.arrival_date).days


def plan_start(
    *,
    person: Person,
    actor: User,
    started_on: date,
    template: PlanTemplate | None = None,
    operator: User | None = None,
    review_every_months: int = 3,
) -> Plan:
    """Start the person's plan, copying the template's phases and goals (the plan may then diverge)."""
    if person.deleted_at is not None or person.merged_into_id is not None:
        raise DomainError(_("This record is deleted: restore it first."))
    if person.case_status == CaseStatus.CLOSED:
        raise DomainError(_("The case is closed: reopen it before starting a plan."))
    if started_on > timezone.localdate() + timedelta(days=366):
        raise DomainError(_("The start date is more than a year away."), field="started_on")
    if template is not None and (template.site_id != person.site_id or not template.is_active):
        raise DomainError(_("Choose one of the site's templates."), field="template")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one start at a time
        if Plan.objects.filter(person=person, status=PlanStatus.ACTIVE).exists():
            raise DomainError(_("The person already has an active plan: close it before starting another."))
        plan = Plan(
            site_id=person.site_id,
            person=person,
            template=template,
            started_on=started_on,
            days_from_arrival=_days_from_arrival(person, started_on),
            operator=operator or person.operator,
            review_every_months=review_every_months,
            created_by=actor,
        )
        _save(plan, actor)
        if template is not None:
            for template_phase in template.phases.prefetch_related("goals"):
                phase = Phase(
                    site_id=person.site_id,
                    plan=plan,
                    position=template_phase.position,
                    name=template_phase.name,
                    description=template_phase.description,
                    starts_on=add_months(started_on, template_phase.start_month),
                    ends_on=add_months(started_on, template_phase.end_month) - timedelta(days=1),
                )
                _save(phase, actor)
                for suggested in template_phase.goals.all():
                    goal = Goal(
                        site_id=person.site_id,
                        plan=plan,
                        phase=phase,
                        area=suggested.area,
                        description=suggested.description,
                        indicator=suggested.indicator,
                        owner=suggested.owner,
                        target_date=phase.ends_on,
                    )
                    _save(goal, actor)
        audit.record(action="plans.plan.created", obj=plan, data={"person": person.pk})
    return plan


def _check_open(plan: Plan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise DomainError(_("This plan is closed: it can no longer be changed."))


def _check_goal(goal: Goal) -> None:
    if goal.status in GOAL_NEEDS_REASON and not goal.status_reason.strip():
        raise DomainError(_("Say why the goal was not achieved or dropped."), field="status_reason")
    if goal.owner == GoalOwner.OTHER_SERVICE and not goal.other_service.strip():
        raise DomainError(_("Name the service that does it."), field="other_service")
    if goal.phase is not None and goal.phase.plan_id != goal.plan_id:
        raise DomainError(_("Choose one of the plan's phases."), field="phase")


GOAL_FIELDS = ("phase", "area", "description", "indicator", "target_date", "owner", "other_service")


def goal_add(*, plan: Plan, actor: User, fields: dict[str, Any]) -> Goal:
    with transaction.atomic():
        current = _locked(Plan, plan, None)
        _check_open(current)
        goal = Goal(
            site_id=current.site_id, plan=current, **{k: v for k, v in fields.items() if k in GOAL_FIELDS}
        )
        _check_goal(goal)
        _save(goal, actor)
        audit.record(action="plans.goal.added", obj=goal, data={"plan": current.pk})
    return goal


def goal_update(*, goal: Goal, actor: User, version: int | None, fields: dict[str, Any]) -> Goal:
    """Change a goal, its status included. A stale form (the goal saved meanwhile) is refused."""
    allowed = (*GOAL_FIELDS, "status", "status_reason")
    with transaction.atomic():
        current = _locked(Goal, goal, version)
        _check_open(current.plan)
        before = current.status
        changed = []
        for name, value in fields.items():
            if name in allowed and getattr(current, name) != value:
                setattr(current, name, value)
                changed.append(name)
        if current.status not in GOAL_NEEDS_REASON:
            current.status_reason = ""  # a reason belongs to a goal not achieved or dropped
        if current.status != before:
            current.status_since = timezone.localdate()
        _check_goal(current)
        if not changed:
            return current
        current.version += 1
        _save(current, actor)
        audit.record(
            action="plans.goal.updated",
            obj=current,
            data={"plan": current.plan_id, "fields": ",".join(sorted(changed)), "status": current.status},
        )
    return current


def phase_update(*, phase: Phase, actor: User, version: int | None, fields: dict[str, Any]) -> Phase:
    with transaction.atomic():
        current = _locked(Phase, phase, version)
        _check_open(current.plan)
        for name in ("name", "description", "starts_on", "ends_on"):
            if name in fields:
                setattr(current, name, fields[name])
        if current.ends_on < current.starts_on:
            raise DomainError(_("The phase cannot end before it starts."), field="ends_on")
        current.version += 1
        _save(current, actor)
        audit.record(action="plans.phase.saved", obj=current, data={"plan": current.plan_id})
    return current


def plan_close(
    *, plan: Plan, actor: User, version: int | None, outcome: str, closed_on: date, note: str = ""
) -> Plan:
    """Close the plan with its outcome; it stays, read-only, among the person's past plans."""
    with transaction.atomic():
        current = _locked(Plan, plan, version)
        _check_open(current)
        if closed_on < current.started_on:
            raise DomainError(_("A plan cannot close before it started."), field="closed_on")
        if closed_on > timezone.localdate():
            raise DomainError(_("The closing date cannot be in the future."), field="closed_on")
        current.status = PlanStatus.CLOSED
        current.outcome = outcome
        current.closed_on = closed_on
        current.closing_note = note
        current.version += 1
        _save(current, actor)
        audit.record(action="plans.plan.closed", obj=current, data={"outcome": outcome})
    return current
