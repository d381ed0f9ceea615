"""Writes for plans: templates, starting a plan from a template, phases and goals.

Every function runs in one transaction, checks the record's version when it edits (two tabs on
the same goal: the second save is refused, nothing is lost silently) and writes its audit entry
there, ids only."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.errors import DomainError, StaleEditError
from percorsi.core.models import Membership, Site
from percorsi.core.records import delete_file_after_commit, locked_for_edit, save_with_history
from percorsi.people import uploads
from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person
from percorsi.people.reference import LANGUAGE_CODES
from percorsi.people.services import REMOVAL_REASON_MAX_LENGTH
from percorsi.people.uploads import CleanUpload
from percorsi.plans import matrix
from percorsi.plans.choices import (
    GOAL_NEEDS_REASON,
    AppointmentStatus,
    AssessmentOccasion,
    GoalArea,
    GoalOwner,
    InterventionKind,
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
    PlanTemplate,
    Review,
    Task,
    TemplateGoal,
    TemplatePhase,
)


def _locked[M: (Plan, Phase, Goal, PlanTemplate, Appointment, Task)](
    model: type[M], obj: M, version: int | None
) -> M:
    return locked_for_edit(model, obj, version)


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
        save_with_history(template, actor)
        for position, suggested in enumerate(suggested_phases(), start=1):
            phase = TemplatePhase(
                site=site,
                template=template,
                position=position,
                name=suggested.name,
                start_month=suggested.start_month,
                end_month=suggested.end_month,
            )
            save_with_history(phase, actor)
            for area, description, indicator in suggested.goals:
                save_with_history(
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


def copy_template(*, plan: Plan, template: PlanTemplate, actor: User) -> None:
    """Copy the template's phases and goals into the plan, dated from the plan's start."""
    started_on, site_id = plan.started_on, plan.site_id
    for template_phase in template.phases.prefetch_related("goals"):
        phase = Phase(
            site_id=site_id,
            plan=plan,
            position=template_phase.position,
            name=template_phase.name,
            description=template_phase.description,
            starts_on=add_months(started_on, template_phase.start_month),
            ends_on=add_months(started_on, template_phase.end_month) - timedelta(days=1),
        )
        save_with_history(phase, actor)
        for suggested in template_phase.goals.all():
            goal = Goal(
                site_id=site_id,
                plan=plan,
                phase=phase,
                area=suggested.area,
                description=suggested.description,
                indicator=suggested.indicator,
                owner=suggested.owner,
                target_date=phase.ends_on,
            )
            save_with_history(goal, actor)


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
        save_with_history(plan, actor)
        if template is not None:
            copy_template(plan=plan, template=template, actor=actor)
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
        save_with_history(goal, actor)
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
        save_with_history(current, actor)
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
        save_with_history(current, actor)
        audit.record(action="plans.phase.saved", obj=current, data={"plan": current.plan_id})
    return current


def plan_close(
    *,
    plan: Plan,
    actor: User,
    version: int | None,
    outcome: str,
    closed_on: date,
    note: str = "",
    final_scores: Mapping[str, int | None] | None = None,
) -> Plan:
    """Close the plan with its outcome; it stays, read-only, among the person's past plans.

    The final scores, when given, are the autonomy assessment at closure."""
    checked = _check_scores(final_scores)
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
        save_with_history(current, actor)
        if matrix.has_scores(checked):
            _add_assessment(
                person_id=current.person_id,
                site_id=current.site_id,
                actor=actor,
                occasion=AssessmentOccasion.CLOSURE,
                assessed_on=closed_on,
                scores=checked,
                plan=current,
            )
        audit.record(
            action="plans.plan.closed",
            obj=current,
            data={"outcome": outcome, "final_scores": matrix.has_scores(checked)},
        )
    return current


# --- Interventions (issue 4, item 5): one log for every service ----------------------------------

INTERVENTION_FIELDS = (
    "happened_on",
    "service",
    "kind",
    "goal",
    "duration_minutes",
    "operator",
    "notes",
    "outcome",
)
INTERVENTION_MAX_MINUTES = 600


def _check_person_open(person: Person) -> None:
    _check_live(person)
    if person.case_status == CaseStatus.CLOSED:
        raise DomainError(_("The case is closed: reopen it before recording an intervention."))


def _check_intervention(intervention: Intervention, person: Person, *, date_changed: bool) -> None:
    """The rules of an entry of the log, whoever records it (a page or another part of Percorsi).

    The date is checked only when it is set or changed: an entry moved here by a merge may predate
    the case of the record it joined, and correcting its notes must stay possible."""
    if date_changed:
        if intervention.happened_on > timezone.localdate():
            raise DomainError(_("The date cannot be in the future."), field="happened_on")
        if intervention.happened_on < person.case_opened_on:
            raise DomainError(
                _("The date is before the case was opened (%(day)s).")
                % {"day": formats.date_format(person.case_opened_on, "SHORT_DATE_FORMAT")},
                field="happened_on",
            )
    minutes = intervention.duration_minutes
    if minutes is not None and not 1 <= minutes <= INTERVENTION_MAX_MINUTES:
        raise DomainError(
            _("The duration is between 1 and %(most)d minutes.") % {"most": INTERVENTION_MAX_MINUTES},
            field="duration_minutes",
        )
    if intervention.goal is not None and intervention.goal.plan.person_id != person.pk:
        raise DomainError(_("Choose one of the goals of this person's plans."), field="goal")
    if intervention.operator_id is not None and not _works_at(intervention.operator_id, person.site_id):
        raise DomainError(_("Choose one of the site's staff."), field="operator")


def _works_at(user_id: int, site_id: int) -> bool:
    return (
        Membership.objects.filter(user_id=user_id, is_active=True)
        .filter(Q(site_id=site_id) | Q(site__isnull=True))
        .exists()
    )


def _plan_of(person: Person, goal: Goal | None, day: date) -> Plan | None:
    """The plan an entry belongs to: its goal's, or else the person's plan running on that day."""
    if goal is not None:
        return goal.plan
    return (
        Plan.objects.filter(person=person, started_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=day))
        .order_by("-started_on", "-pk")
        .first()
    )


def record_intervention(
    *,
    person: Person,
    actor: User,
    service: str,
    kind: str = InterventionKind.PLANNED,
    happened_on: date | None = None,
    goal: Goal | None = None,
    duration_minutes: int | None = None,
    operator: User | None = None,
    notes: str = "",
    outcome: str = "",
    linked_object: Any = None,
) -> Intervention:
    """Log an intervention in the person's single log of interventions, whatever the service.

    The other parts of Percorsi (job desk, Italian course, housing, funds) call this to record their
    work with the person, so that the case file, the site's list and the statistics see every
    intervention in one place:

        record_intervention(
            person=application.person, actor=request.user, service=InterventionService.JOB_DESK,
            kind=InterventionKind.PLANNED, duration_minutes=30, linked_object=application,
        )

    - `service` and `kind` are values of `InterventionService` and `InterventionKind`; `kind` is
      "planned" (part of the plan) or "emergency" (emergency or assistance only): the share of
      emergencies is a figure the service reports, so say which it was.
    - `happened_on` defaults to today; it may not be in the future nor before the case was opened.
    - `goal` must be a goal of one of the person's plans; the entry's plan follows from it, or else
      is the plan running on that day (none before the first plan).
    - `duration_minutes` is 1 to 600, or None when not known; `operator` is who did it (a member of
      the person's site), the actor by default.
    - `linked_object`, a saved object of the same site, is kept as a generic link
      (`Intervention.content_type` / `object_id`): the entry then shows where it came from, and it
      cannot be removed from the log (it is corrected where it was made).

    Runs in its own transaction (or the caller's) and writes the audit entry
    `plans.intervention.added` with ids only. Raises `DomainError` when a rule refuses the entry (a
    closed case, a date in the future...): show its `message` to the user."""
    _check_person_open(person)
    content_type = None
    object_id = None
    if linked_object is not None:
        if linked_object.pk is None or getattr(linked_object, "site_id", person.site_id) != person.site_id:
            raise ValueError("The linked object must be saved and belong to the person's site.")
        content_type = ContentType.objects.get_for_model(linked_object)
        object_id = linked_object.pk
    day = happened_on or timezone.localdate()
    with transaction.atomic():
        intervention = Intervention(
            site_id=person.site_id,
            person=person,
            goal=goal,
            plan=_plan_of(person, goal, day),
            happened_on=day,
            service=service,
            kind=kind,
            duration_minutes=duration_minutes,
            operator=operator or actor,
            notes=notes.strip(),
            outcome=outcome.strip(),
            content_type=content_type,
            object_id=object_id,
            recorded_by=actor,
        )
        _check_intervention(intervention, person, date_changed=True)
        save_with_history(intervention, actor)
        audit.record(
            action="plans.intervention.added",
            obj=intervention,
            data={
                "person": person.pk,
                "goal": intervention.goal_id,
                "linked": f"{content_type.app_label}.{content_type.model}" if content_type else None,
                "linked_id": object_id,
            },
        )
    return intervention


def intervention_add(*, person: Person, actor: User, fields: dict[str, Any]) -> Intervention:
    """An entry recorded from a page (the case file's quick entry or the full form)."""
    unknown = set(fields) - set(INTERVENTION_FIELDS)
    if unknown:
        raise ValueError(f"Not an intervention's field: {sorted(unknown)}")
    return record_intervention(person=person, actor=actor, **fields)


def _locked_intervention(intervention: Intervention, version: int | None) -> Intervention:
    gone = _("This intervention is no longer in the log: someone removed it.")
    return locked_for_edit(Intervention, intervention, version, gone=gone, person_id=intervention.person_id)


def intervention_update(
    *, intervention: Intervention, actor: User, version: int | None, fields: dict[str, Any]
) -> Intervention:
    """Correct an entry. A stale form (the entry saved meanwhile in another tab) is refused."""
    unknown = set(fields) - set(INTERVENTION_FIELDS)
    if unknown:
        raise ValueError(f"Not an intervention's field: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked_intervention(intervention, version)
        person = current.person
        if person.deleted_at is not None or person.merged_into_id is not None:
            raise DomainError(_("This record is deleted: restore it first."))
        values = dict(fields)
        if "operator" in values and values["operator"] is None:
            values["operator"] = current.operator  # an empty choice keeps who did it
        for text in ("notes", "outcome"):
            if isinstance(values.get(text), str):
                values[text] = values[text].strip()
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if current.content_type_id is not None and "service" in changed:
            raise DomainError(
                _("This intervention was recorded by another part of Percorsi: its service cannot change."),
                field="service",
            )
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        if "goal" in changed or "happened_on" in changed:
            current.plan = _plan_of(person, current.goal, current.happened_on)
        _check_intervention(current, person, date_changed="happened_on" in changed)
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="plans.intervention.updated",
            obj=current,
            data={"person": person.pk, "fields": ",".join(sorted(changed))},
        )
    return current


def intervention_remove(*, intervention: Intervention, actor: User, reason: str) -> None:
    """Remove an entry recorded by mistake (wrong person, recorded twice). Its history keeps it, with
    the reason; the audit entry has ids only. An entry made by another part of Percorsi (with a
    linked object) is corrected there, not removed here."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the entry is removed."), field="reason")
    if len(reason) > REMOVAL_REASON_MAX_LENGTH:
        raise DomainError(
            _("Keep the reason short: at most %(count)d characters.") % {"count": REMOVAL_REASON_MAX_LENGTH},
            field="reason",
        )
    with transaction.atomic():
        current = _locked_intervention(intervention, None)
        if current.content_type_id is not None:
            raise DomainError(
                _("This intervention was recorded by another part of Percorsi: it cannot be removed here.")
            )
        entry_id, person_id, site_id = current.pk, current.person_id, current.site_id
        current._history_user = actor
        current._change_reason = reason
        current.delete()
        audit.record(
            action="plans.intervention.removed",
            object_type="plans.intervention",
            object_id=entry_id,
            site_id=site_id,
            data={"person": person_id},
        )


# --- Reviews with the person, the person's agreement, the autonomy matrix (issue 4, items 3, 4, 8) ---

REVIEW_FIELDS = (
    "held_on",
    "participants",
    "interpreter",
    "language",
    "person_view",
    "agreed",
    "goals_changed",
    "person_agreed",
    "agreement_language",
)


def _check_scores(scores: Mapping[str, object] | None) -> dict[str, int | None]:
    """Every domain's score, 1 to 5 or None (not assessed); anything else is refused."""
    checked: dict[str, int | None] = dict.fromkeys(matrix.DOMAIN_KEYS)
    for key, value in (scores or {}).items():
        if key not in matrix.BY_KEY:
            raise ValueError(f"Not a domain of the autonomy matrix: {key!r}")
        if not matrix.is_valid_score(value):
            raise DomainError(
                _("Score each domain from 1 to 5, or leave it as not assessed."), field=f"score_{key}"
            )
        checked[key] = value  # type: ignore[assignment]
    return checked


def _check_language(code: str, field_name: str) -> None:
    if code and code not in LANGUAGE_CODES:
        raise DomainError(_("Choose a language from the list."), field=field_name)


def _add_assessment(
    *,
    person_id: int,
    site_id: int,
    actor: User,
    occasion: str,
    assessed_on: date,
    scores: dict[str, int | None],
    plan: Plan | None = None,
    review: Review | None = None,
) -> AutonomyAssessment:
    assessment = AutonomyAssessment(
        site_id=site_id,
        person_id=person_id,
        plan=plan,
        review=review,
        occasion=occasion,
        assessed_on=assessed_on,
        assessed_by=actor,
        **scores,
    )
    save_with_history(assessment, actor)
    audit.record(
        action="plans.assessment.added",
        obj=assessment,
        data={"person": person_id, "plan": plan.pk if plan else None, "occasion": occasion},
    )
    return assessment


def review_add(
    *,
    plan: Plan,
    actor: User,
    fields: dict[str, Any],
    scores: Mapping[str, int | None] | None = None,
    scan: CleanUpload | None = None,
) -> Review:
    """Record a review held with the person; the scores given become the review's autonomy assessment.

    A review is recorded once it has been held (never in the future) and within the plan (never
    before its start). A signed document goes with the person's agreement only."""
    checked = _check_scores(scores)
    held_on = fields.get("held_on")
    if not isinstance(held_on, date):
        raise DomainError(_("Give the date of the review."), field="held_on")
    if held_on > timezone.localdate():
        raise DomainError(
            _("The review is dated in the future: record it once it has been held."), field="held_on"
        )
    with transaction.atomic():
        current = _locked(Plan, plan, None)
        _check_open(current)
        if held_on < current.started_on:
            raise DomainError(_("The review is dated before the plan started."), field="held_on")
        review = Review(
            site_id=current.site_id,
            plan=current,
            recorded_by=actor,
            **{name: value for name, value in fields.items() if name in REVIEW_FIELDS},
        )
        _check_language(review.language, "language")
        _check_language(review.agreement_language, "agreement_language")
        if review.person_agreed:
            review.agreement_language = review.agreement_language or review.language
            if not review.agreement_language:
                raise DomainError(_("Say in which language the person agreed."), field="agreement_language")
        else:
            if scan is not None:
                raise DomainError(
                    _("A signed document goes with the person's agreement: tick it, or leave the file out."),
                    field="agreement_scan",
                )
            review.agreement_language = ""
        if scan is not None:
            uploads.store(review.agreement_scan, scan)
        try:
            save_with_history(review, actor)
            assessment = None
            if matrix.has_scores(checked):
                assessment = _add_assessment(
                    person_id=current.person_id,
                    site_id=current.site_id,
                    actor=actor,
                    occasion=AssessmentOccasion.REVIEW,
                    assessed_on=held_on,
                    scores=checked,
                    plan=current,
                    review=review,
                )
            audit.record(
                action="plans.review.added",
                obj=review,
                data={
                    "plan": current.pk,
                    "person": current.person_id,
                    "agreed": review.person_agreed,
                    "scan": scan is not None,
                    "assessment": assessment.pk if assessment else None,
                },
            )
        except Exception:
            if review.agreement_scan:
                review.agreement_scan.delete(save=False)  # nothing stored when the review is not
            raise
    return review


def plan_agreement_record(
    *,
    plan: Plan,
    actor: User,
    version: int | None,
    agreed_on: date,
    language: str,
    scan: CleanUpload | None = None,
) -> Plan:
    """Record that the person agreed to the plan, in which language, with the signed plan if scanned.

    Recording it again corrects it; a new scan replaces the stored one, no scan keeps it."""
    if agreed_on > timezone.localdate():
        raise DomainError(_("The date of the agreement cannot be in the future."), field="agreed_on")
    if not language:
        raise DomainError(_("Say in which language the person agreed."), field="language")
    _check_language(language, "language")
    with transaction.atomic():
        current = _locked(Plan, plan, version)
        _check_open(current)
        had_scan = bool(current.agreement_scan)
        scan_change = ("replaced" if had_scan else "added") if scan else ("kept" if had_scan else "none")
        current.agreed_on, current.agreement_language = agreed_on, language
        if scan is not None:
            if had_scan:
                delete_file_after_commit(current.agreement_scan)  # takes the old name before it changes
            uploads.store(current.agreement_scan, scan)
        current.version += 1
        try:
            save_with_history(current, actor)
            audit.record(
                action="plans.plan.agreed",
                obj=current,
                data={
                    "person": current.person_id,
                    "scan": scan_change,
                },
            )
        except Exception:
            if scan is not None and current.agreement_scan:
                current.agreement_scan.delete(save=False)
            raise
    return current


def assessment_add(
    *,
    person: Person,
    actor: User,
    occasion: str,
    assessed_on: date,
    scores: Mapping[str, int | None],
    plan: Plan | None = None,
) -> AutonomyAssessment:
    """Score the autonomy matrix at intake or on another occasion (reviews and closing record their own)."""
    checked = _check_scores(scores)
    if not matrix.has_scores(checked):
        raise DomainError(_("Score at least one domain of the matrix."))
    if occasion not in AssessmentOccasion.values:
        raise DomainError(_("Choose when the assessment was made."), field="occasion")
    if assessed_on > timezone.localdate():
        raise DomainError(_("The assessment cannot be dated in the future."), field="assessed_on")
    if person.deleted_at is not None or person.merged_into_id is not None:
        raise DomainError(_("This record is deleted: restore it first."))
    if plan is not None and plan.person_id != person.pk:
        raise DomainError(_("Choose one of the person's plans."), field="plan")
    with transaction.atomic():
        return _add_assessment(
            person_id=person.pk,
            site_id=person.site_id,
            actor=actor,
            occasion=occasion,
            assessed_on=assessed_on,
            scores=checked,
            plan=plan,
        )


# --- Appointments and tasks (issue 4, item 6) ------------------------------------------------------


class OverlapError(DomainError):
    """The operator is already booked at an overlapping time: the form may ask to book anyway."""


APPOINTMENT_FIELDS = (
    "starts_at",
    "duration_minutes",
    "place",
    "operator",
    "interpreter_needed",
    "interpreter_language",
    "reason",
    "goal",
)
APPOINTMENT_MAX_MINUTES = 12 * 60
# A booking further ahead than this is almost surely a typing mistake in the year.
APPOINTMENT_MAX_DAYS_AHEAD = 2 * 366
WALK_IN_MINUTES = 30


def _does_casework(user_id: int, site_id: int) -> bool:
    """Whether the user works on the site's cases (may be given appointments and tasks)."""
    memberships = Membership.objects.filter(user_id=user_id, is_active=True, user__is_active=True).filter(
        Q(site_id=site_id) | Q(site__isnull=True)
    )
    return any(m.has("plans:write") for m in memberships)


def _check_live(person: Person) -> None:
    if person.deleted_at is not None or person.merged_into_id is not None:
        raise DomainError(_("This record is deleted: restore it first."))


def _local(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _overlapping(appointment: Appointment) -> Appointment | None:
    """The operator's first other appointment (not cancelled) that overlaps this one, if any."""
    if appointment.operator_id is None:
        return None
    starts = appointment.starts_at
    ends = starts + timedelta(minutes=appointment.duration_minutes)
    candidates = (
        Appointment.objects.filter(
            operator_id=appointment.operator_id,
            starts_at__lt=ends,
            starts_at__gt=starts - timedelta(minutes=APPOINTMENT_MAX_MINUTES),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .exclude(pk=appointment.pk)
        .order_by("starts_at", "pk")
    )
    for other in candidates:
        if other.starts_at + timedelta(minutes=other.duration_minutes) > starts:
            return other
    return None


def _check_appointment(appointment: Appointment, *, now: datetime, changed: Collection[str]) -> None:
    """The rules of an appointment, for the fields set or changed: a past appointment's notes can
    always be corrected, even when its goal's plan was closed since or its operator left."""
    minutes = appointment.duration_minutes
    if minutes is None or minutes < 1:
        raise DomainError(_("The appointment must end after it starts."), field="duration_minutes")
    if minutes > APPOINTMENT_MAX_MINUTES:
        raise DomainError(_("An appointment cannot last more than 12 hours."), field="duration_minutes")
    if (
        "starts_at" in changed
        and not appointment.walk_in
        and appointment.status == AppointmentStatus.SCHEDULED
    ):
        if appointment.starts_at < now.replace(second=0, microsecond=0):
            raise DomainError(
                _("This time is already past. For someone who is at the desk now, record a walk-in."),
                field="starts_at",
            )
        if appointment.starts_at > now + timedelta(days=APPOINTMENT_MAX_DAYS_AHEAD):
            raise DomainError(_("The date is more than two years away: check the year."), field="starts_at")
    if (
        "goal" in changed
        and appointment.goal is not None
        and (
            appointment.goal.plan.person_id != appointment.person_id
            or appointment.goal.plan.status != PlanStatus.ACTIVE
        )
    ):
        raise DomainError(_("Choose one of the goals of the person's active plan."), field="goal")
    if (
        "operator" in changed
        and appointment.operator_id is not None
        and not _does_casework(appointment.operator_id, appointment.site_id)
    ):
        raise DomainError(_("Choose one of the site's operators."), field="operator")
    if appointment.interpreter_needed:
        if not appointment.interpreter_language:
            raise DomainError(
                _("Say which language the interpreter is needed for."), field="interpreter_language"
            )
        if appointment.interpreter_language not in LANGUAGE_CODES:
            raise DomainError(_("Choose a language from the list."), field="interpreter_language")
    else:
        appointment.interpreter_language = ""


def _refuse_overlap(appointment: Appointment) -> None:
    other = _overlapping(appointment)
    if other is not None:
        ends = other.starts_at + timedelta(minutes=other.duration_minutes)
        raise OverlapError(
            _(
                "%(operator)s already has an appointment from %(starts)s to %(ends)s. Choose another "
                "time, or tick “Book anyway” to book this one too."
            )
            % {
                "operator": appointment.operator,
                "starts": _local(other.starts_at),
                "ends": formats.time_format(timezone.localtime(ends), "TIME_FORMAT"),
            },
            field="book_anyway",
        )


def _lock_operator(operator_id: int | None) -> None:
    """Bookings of one operator one at a time, so that two at once cannot both miss the overlap."""
    if operator_id is not None:
        User.objects.select_for_update().filter(pk=operator_id).first()


def appointment_add(
    *,
    person: Person,
    actor: User,
    fields: dict[str, Any],
    book_anyway: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Book an appointment with the person. Refused: a time already past, an end before the start,
    a goal not of the person's active plan, and (unless `book_anyway`) an operator already booked
    at an overlapping time (`OverlapError`, naming that time)."""
    unknown = set(fields) - set(APPOINTMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not an appointment's field: {sorted(unknown)}")
    _check_live(person)
    if person.case_status == CaseStatus.CLOSED:
        raise DomainError(_("The case is closed: reopen it before booking an appointment."))
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment(site_id=person.site_id, person=person, created_by=actor, **fields)
        for text in ("place", "reason"):
            setattr(appointment, text, getattr(appointment, text).strip())
        _check_appointment(appointment, now=now, changed=APPOINTMENT_FIELDS)
        _lock_operator(appointment.operator_id)
        overlap = False
        if book_anyway:
            overlap = _overlapping(appointment) is not None
        else:
            _refuse_overlap(appointment)
        save_with_history(appointment, actor)
        audit.record(
            action="plans.appointment.booked",
            obj=appointment,
            data={
                "person": person.pk,
                "operator": appointment.operator_id,
                "goal": appointment.goal_id,
                "overlap_accepted": overlap,
            },
        )
    return appointment


def appointment_update(
    *,
    appointment: Appointment,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    book_anyway: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Change an appointment (its time, operator, place...). A stale form is refused; a new time is
    checked as a booking is (not in the past, no overlap unless `book_anyway`)."""
    unknown = set(fields) - set(APPOINTMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not an appointment's field: {sorted(unknown)}")
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(Appointment, appointment, version)
        _check_live(current.person)
        values = dict(fields)
        for text in ("place", "reason"):
            if isinstance(values.get(text), str):
                values[text] = values[text].strip()
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        _check_appointment(current, now=now, changed=changed)
        overlap = False
        slot_changed = bool({"starts_at", "duration_minutes", "operator"} & set(changed))
        if slot_changed and current.status == AppointmentStatus.SCHEDULED:
            _lock_operator(current.operator_id)
            if not book_anyway:
                _refuse_overlap(current)
            else:
                overlap = _overlapping(current) is not None
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="plans.appointment.updated",
            obj=current,
            data={
                "person": current.person_id,
                "fields": ",".join(sorted(changed)),
                "overlap_accepted": overlap,
            },
        )
    return current


def appointment_set_status(
    *,
    appointment: Appointment,
    actor: User,
    version: int | None,
    status: str,
    now: datetime | None = None,
) -> Appointment:
    """Held, missed or cancelled (or back to scheduled, to correct a mistake). An appointment that has
    not started yet cannot be held or missed."""
    if status not in AppointmentStatus.values:
        raise DomainError(_("Choose one of the statuses in the list."), field="status")
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(Appointment, appointment, version)
        _check_live(current.person)
        if current.status == status:
            return current
        if status in (AppointmentStatus.DONE, AppointmentStatus.MISSED) and current.starts_at > now:
            raise DomainError(
                _("This appointment has not started yet: it cannot be marked as held or missed."),
                field="status",
            )
        before = current.status
        current.status = status
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="plans.appointment.status_changed",
            obj=current,
            data={"person": current.person_id, "from": before, "status": status},
        )
    return current


def walk_in_record(
    *, person: Person, actor: User, reason: str = "", now: datetime | None = None
) -> Appointment:
    """Someone came to the desk without an appointment: an appointment held now, with the actor."""
    _check_live(person)
    starts = (now or timezone.now()).replace(second=0, microsecond=0)
    with transaction.atomic():
        appointment = Appointment(
            site_id=person.site_id,
            person=person,
            starts_at=starts,
            duration_minutes=WALK_IN_MINUTES,
            operator=actor,
            reason=reason.strip(),
            walk_in=True,
            status=AppointmentStatus.DONE,
            created_by=actor,
        )
        save_with_history(appointment, actor)
        audit.record(action="plans.appointment.walk_in", obj=appointment, data={"person": person.pk})
    return appointment


TASK_FIELDS = ("title", "notes", "due_on", "assignee", "goal")


def _check_task(task: Task, *, today: date, changed: Collection[str]) -> None:
    if not task.title.strip():
        raise DomainError(_("Say what is to be done."), field="title")
    if "due_on" in changed and task.due_on < today:
        raise DomainError(_("The due date is already past."), field="due_on")
    if "assignee" in changed and (
        task.assignee_id is None or not _does_casework(task.assignee_id, task.site_id)
    ):
        raise DomainError(_("Choose one of the site's operators."), field="assignee")
    if (
        "goal" in changed
        and task.goal is not None
        and (task.person_id is None or task.goal.plan.person_id != task.person_id)
    ):
        raise DomainError(_("Choose one of the goals of the person's plan."), field="goal")


def task_add(
    *,
    site: Site,
    actor: User,
    fields: dict[str, Any],
    person: Person | None = None,
    today: date | None = None,
) -> Task:
    """A task for someone of the site's staff, about a person, one of their goals, or neither.

    Refused: no title, a due date already past, an assignee who does not work on the site's cases,
    a goal that is not the person's."""
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ValueError(f"Not a task's field: {sorted(unknown)}")
    if person is not None:
        _check_live(person)
        if person.site_id != site.pk:
            raise ValueError("The person belongs to another site.")
    goal = fields.get("goal")
    if person is None and goal is not None:
        person = goal.plan.person
    with transaction.atomic():
        task = Task(site=site, person=person, created_by=actor, **fields)
        task.title, task.notes = task.title.strip(), task.notes.strip()
        _check_task(task, today=today or timezone.localdate(), changed=TASK_FIELDS)
        save_with_history(task, actor)
        audit.record(
            action="plans.task.added",
            obj=task,
            data={"person": task.person_id, "goal": task.goal_id, "assignee": task.assignee_id},
        )
    return task


def task_update(
    *, task: Task, actor: User, version: int | None, fields: dict[str, Any], today: date | None = None
) -> Task:
    """Change a task. A stale form is refused; a new due date may not be already past."""
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ValueError(f"Not a task's field: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(Task, task, version)
        values = dict(fields)
        for text in ("title", "notes"):
            if isinstance(values.get(text), str):
                values[text] = values[text].strip()
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        _check_task(current, today=today or timezone.localdate(), changed=changed)
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="plans.task.updated",
            obj=current,
            data={"person": current.person_id, "fields": ",".join(sorted(changed))},
        )
    return current


def task_done(*, task: Task, actor: User, version: int | None = None, done: bool = True) -> Task:
    """Mark the task done (or, with `done=False`, open again). Twice the same is a no-op."""
    with transaction.atomic():
        current = _locked(Task, task, None)
        if (current.done_at is not None) == done:
            return current
        if version is not None and current.version != version:
            raise StaleEditError
        current.done_at = timezone.now() if done else None
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="plans.task.done" if done else "plans.task.reopened",
            obj=current,
            data={"person": current.person_id},
        )
    return current


# --- Plan templates (issue 4, item 1): coordinators and administrators edit their site's ---------


def _template_touched(template: PlanTemplate, actor: User) -> None:
    template.version += 1
    save_with_history(template, actor)


def template_create(
    *, site: Site, actor: User, name: str, description: str = "", suggested: bool = True
) -> PlanTemplate:
    """A new template, empty or with the suggested path's phases and goals to adapt."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the template a name."), field="name")
    if PlanTemplate.objects.filter(name__iexact=name).exists():
        raise DomainError(_("The site already has a template with this name."), field="name")
    with transaction.atomic():
        if suggested:
            template = template_create_suggested(site=site, actor=actor, name=name)
            if description:
                template.description = description
                save_with_history(template, actor)
        else:
            template = PlanTemplate(site=site, name=name, description=description)
            save_with_history(template, actor)
            audit.record(action="plans.template.created", obj=template)
    return template


def template_update(
    *, template: PlanTemplate, actor: User, version: int | None, name: str, description: str, is_active: bool
) -> PlanTemplate:
    name = name.strip()
    if not name:
        raise DomainError(_("Give the template a name."), field="name")
    with transaction.atomic():
        current = _locked(PlanTemplate, template, version)
        if PlanTemplate.objects.filter(name__iexact=name).exclude(pk=current.pk).exists():
            raise DomainError(_("The site already has a template with this name."), field="name")
        current.name, current.description, current.is_active = name, description, is_active
        _template_touched(current, actor)
        audit.record(action="plans.template.updated", obj=current)
    return current


def _check_months(start_month: int, end_month: int) -> None:
    if end_month <= start_month:
        raise DomainError(_("A phase must end at a later month than it starts."), field="end_month")
    if end_month > 60:
        raise DomainError(_("A phase cannot end more than 60 months after the start."), field="end_month")


def template_phase_save(
    *,
    template: PlanTemplate,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    phase: TemplatePhase | None = None,
) -> TemplatePhase:
    """Add a phase at the end of the template, or change one of its phases."""
    _check_months(fields["start_month"], fields["end_month"])
    with transaction.atomic():
        current = _locked(PlanTemplate, template, version)
        if phase is None:
            last = current.phases.order_by("-position").values_list("position", flat=True).first() or 0
            phase = TemplatePhase(site_id=current.site_id, template=current, position=last + 1)
        elif phase.template_id != current.pk:
            raise DomainError(_("This phase belongs to another template."))
        for name in ("name", "description", "start_month", "end_month"):
            if name in fields:
                setattr(phase, name, fields[name])
        save_with_history(phase, actor)
        _template_touched(current, actor)
        audit.record(action="plans.template.updated", obj=current, data={"phase": phase.pk})
    return phase


def template_phase_remove(*, phase: TemplatePhase, actor: User) -> None:
    """Remove a phase and its suggested goals; plans started from the template keep their copy."""
    with transaction.atomic():
        current = _locked(PlanTemplate, phase.template, None)
        for goal in phase.goals.all():
            goal._history_user = actor
            goal.delete()
        phase._history_user = actor
        phase_id = phase.pk
        phase.delete()
        _template_touched(current, actor)
        audit.record(action="plans.template.updated", obj=current, data={"phase_removed": phase_id})


def template_goal_add(*, phase: TemplatePhase, actor: User, fields: dict[str, Any]) -> TemplateGoal:
    with transaction.atomic():
        current = _locked(PlanTemplate, phase.template, None)
        goal = TemplateGoal(
            site_id=current.site_id,
            phase=phase,
            area=fields["area"],
            description=fields["description"],
            indicator=fields.get("indicator", ""),
            owner=fields.get("owner") or GoalOwner.BOTH,
        )
        save_with_history(goal, actor)
        _template_touched(current, actor)
        audit.record(action="plans.template.updated", obj=current, data={"goal": goal.pk})
    return goal


def template_goal_remove(*, goal: TemplateGoal, actor: User) -> None:
    with transaction.atomic():
        current = _locked(PlanTemplate, goal.phase.template, None)
        goal._history_user = actor
        goal_id = goal.pk
        goal.delete()
        _template_touched(current, actor)
        audit.record(action="plans.template.updated", obj=current, data={"goal_removed": goal_id})
