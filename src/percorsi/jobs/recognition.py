"""Qualifications earned abroad and their recognition (issue 5, item 3): writes and reads.

A person's qualification (title, level, field, country, institution, year, documents held) may go
through one or more recognition procedures, each by a route (CIMEA, declaration of value,
equivalence, EQPR, professional recognition). A procedure starts with the route's usual steps
(`ROUTE_STEPS`), all "to do"; steps are updated, added and removed; every change of a step is dated
(`changed_on`) and moves the procedure's `last_activity_on`. The outcome closes the procedure. An
open procedure without a change for `STALLED_DAYS` is stalled: it is marked in the lists and
reminded to whoever follows it (`stalled_reminders`, registered in `plans.reminders`).

Writes run in one transaction with their audit entry (ids only) and, when they edit a form's
record, a version check; starting a procedure and recording its outcome are also logged in the
person's log of interventions, as the job desk's work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.errors import DomainError
from percorsi.core.models import Site
from percorsi.core.records import locked_for_edit, save_with_history
from percorsi.jobs.choices import (
    ROUTE_STEPS,
    DocumentHeld,
    QualificationLevel,
    RecognitionOutcome,
    RecognitionRoute,
    RecognitionStepKind,
    StepStatus,
)
from percorsi.jobs.models import Qualification, RecognitionProcedure, RecognitionStep
from percorsi.jobs.services import _check_fields, _check_person, _log_work, _strip
from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person
from percorsi.people.reference import country_choices
from percorsi.plans.models import Goal

STALLED_DAYS = 30
FIRST_YEAR = 1900

QUALIFICATION_FIELDS = ("title", "level", "field", "country", "institution", "year", "documents", "notes")
PROCEDURE_FIELDS = ("started_on", "operator", "goal")
STEP_FIELDS = ("status", "due_on", "done_on", "cost", "documents", "notes")
OUTCOME_FIELDS = ("outcome", "outcome_on", "outcome_note")
# Outcomes that mean an answer came: the route's "outcome received" step is then done.
ANSWERED = frozenset({RecognitionOutcome.RECOGNISED, RecognitionOutcome.PARTLY, RecognitionOutcome.REFUSED})
STEP_OVER = frozenset({StepStatus.DONE, StepStatus.NOT_NEEDED})


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _closed_message() -> str:
    return _(
        "This procedure is closed: its outcome is recorded, its steps can no longer be added or removed."
    )


# --- Qualifications -----------------------------------------------------------------------------------


def _check_qualification(qualification: Qualification, today: date) -> None:
    if not qualification.title:
        raise DomainError(_("Write the qualification's title, as the diploma says."), field="title")
    if qualification.level not in QualificationLevel.values:
        raise DomainError(_("Choose the level of the qualification."), field="level")
    if qualification.year is not None and not FIRST_YEAR <= qualification.year <= today.year:
        raise DomainError(
            _("Write a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year},
            field="year",
        )
    if qualification.country and qualification.country not in {code for code, _name in country_choices()}:
        raise DomainError(_("Choose the country from the list."), field="country")
    documents = list(qualification.documents or [])
    if any(value not in DocumentHeld.values for value in documents):
        raise DomainError(_("Choose the documents held from the list."), field="documents")
    if DocumentHeld.NONE in documents and len(set(documents)) > 1:
        raise DomainError(
            _("“No document” excludes the others: tick either it or the documents the person holds."),
            field="documents",
        )
    # Kept in the list's order, each once.
    qualification.documents = [value for value in DocumentHeld.values if value in documents]


def qualification_add(
    *, person: Person, actor: User, fields: dict[str, Any], today: date | None = None
) -> Qualification:
    """A qualification of the person (earned abroad, usually), with the documents they hold."""
    _check_fields(fields, QUALIFICATION_FIELDS)
    _check_person(person)
    with transaction.atomic():
        qualification = Qualification(site_id=person.site_id, person=person, **_strip(fields))
        _check_qualification(qualification, _today(today))
        save_with_history(qualification, actor)
        audit.record(action="jobs.qualification.created", obj=qualification, data={"person": person.pk})
    return qualification


def qualification_update(
    *,
    qualification: Qualification,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    today: date | None = None,
) -> Qualification:
    _check_fields(fields, QUALIFICATION_FIELDS)
    values = _strip(fields)
    with transaction.atomic():
        current = locked_for_edit(Qualification, qualification, version)
        _check_person(current.person)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        _check_qualification(current, _today(today))
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="jobs.qualification.updated",
            obj=current,
            data={"person": current.person_id, "fields": ",".join(sorted(changed))},
        )
    return current


def has_no_document(qualification: Qualification) -> bool:
    """The person holds no document of this qualification: the EQPR is the route to suggest."""
    return list(qualification.documents or []) == [DocumentHeld.NONE]


# --- Procedures ---------------------------------------------------------------------------------------


def _check_procedure(procedure: RecognitionProcedure, today: date) -> None:
    if procedure.route not in RecognitionRoute.values:
        raise DomainError(_("Choose the route of the recognition."), field="route")
    if procedure.started_on > today:
        raise DomainError(_("The procedure cannot start in the future."), field="started_on")
    if procedure.goal_id is not None and procedure.goal.plan.person_id != procedure.person_id:
        raise DomainError(_("Choose a goal of this person's plan."), field="goal")
    if procedure.operator_id is not None and not procedure.operator.is_active:
        raise DomainError(_("Choose someone who still works at the site."), field="operator")


def _touch(procedure_id: int, today: date) -> None:
    """A change of the procedure or of one of its steps: it is no longer stalled."""
    RecognitionProcedure.objects.filter(pk=procedure_id).update(last_activity_on=today)


def recognition_start(
    *,
    qualification: Qualification,
    actor: User,
    route: str,
    started_on: date | None = None,
    operator: User | None = None,
    goal: Goal | None = None,
    today: date | None = None,
) -> RecognitionProcedure:
    """A recognition procedure of the qualification by `route`, with the route's usual steps, in
    order, all "to do". One open procedure per qualification and route."""
    day = _today(today)
    person = qualification.person
    _check_person(person)
    with transaction.atomic():
        locked_for_edit(Qualification, qualification, None)  # two starts at once: one waits
        procedure = RecognitionProcedure(
            site_id=person.site_id,
            person=person,
            qualification=qualification,
            route=route,
            started_on=started_on or day,
            operator=operator,
            goal=goal,
            last_activity_on=day,
        )
        _check_procedure(procedure, day)
        if RecognitionProcedure.objects.filter(qualification=qualification, route=route, outcome="").exists():
            raise DomainError(
                _("A procedure by this route is already open for this qualification: continue that one."),
                field="route",
            )
        save_with_history(procedure, actor)
        for position, kind in enumerate(ROUTE_STEPS[route], start=1):
            step = RecognitionStep(
                site_id=person.site_id, procedure=procedure, position=position, kind=kind, changed_on=day
            )
            save_with_history(step, actor)
        audit.record(
            action="jobs.recognition.started",
            obj=procedure,
            data={"person": person.pk, "qualification": qualification.pk, "route": route},
        )
        _log_work(
            person,
            actor,
            procedure,
            _("Recognition of a qualification started (%(route)s): %(title)s")
            % {"route": procedure.get_route_display(), "title": qualification.title},
        )
    return procedure


def recognition_update(
    *,
    procedure: RecognitionProcedure,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    today: date | None = None,
) -> RecognitionProcedure:
    """When it started, who follows it, the goal it serves."""
    _check_fields(fields, PROCEDURE_FIELDS)
    day = _today(today)
    with transaction.atomic():
        current = locked_for_edit(RecognitionProcedure, procedure, version)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, fields[name])
        _check_procedure(current, day)
        current.last_activity_on = day
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="jobs.recognition.updated",
            obj=current,
            data={"person": current.person_id, "fields": ",".join(sorted(changed))},
        )
    return current


def recognition_outcome(
    *,
    procedure: RecognitionProcedure,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    today: date | None = None,
) -> RecognitionProcedure:
    """The outcome (recognised, partly, refused, abandoned), its date and what was recognised: it
    closes the procedure. On a closed procedure it corrects the outcome recorded."""
    _check_fields(fields, OUTCOME_FIELDS)
    values = _strip(fields)
    day = _today(today)
    with transaction.atomic():
        current = locked_for_edit(RecognitionProcedure, procedure, version)
        _check_person(current.person)
        was_open = current.is_open
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed and not was_open:
            return current
        for name in changed:
            setattr(current, name, values[name])
        if current.outcome not in RecognitionOutcome.values:
            raise DomainError(_("Choose the outcome."), field="outcome")
        if current.outcome_on is None:
            raise DomainError(_("Give the date of the outcome."), field="outcome_on")
        if current.outcome_on > day:
            raise DomainError(_("The outcome cannot be dated in the future."), field="outcome_on")
        if current.outcome_on < current.started_on:
            raise DomainError(_("The outcome cannot come before the procedure started."), field="outcome_on")
        current.last_activity_on = day
        current.version += 1
        save_with_history(current, actor)
        if current.outcome in ANSWERED:
            for step in current.steps.filter(kind=RecognitionStepKind.OUTCOME).exclude(status__in=STEP_OVER):
                step.status, step.done_on, step.changed_on = StepStatus.DONE, current.outcome_on, day
                step.version += 1
                save_with_history(step, actor)
        audit.record(
            action="jobs.recognition.closed" if was_open else "jobs.recognition.updated",
            obj=current,
            data={"person": current.person_id, "outcome": current.outcome},
        )
        if was_open:
            _log_work(
                current.person,
                actor,
                current,
                _("Recognition of a qualification (%(route)s): %(outcome)s")
                % {"route": current.get_route_display(), "outcome": current.get_outcome_display()},
            )
    return current


# --- Steps --------------------------------------------------------------------------------------------


def _check_step(step: RecognitionStep, today: date) -> None:
    if step.status not in StepStatus.values:
        raise DomainError(_("Choose the status of the step."), field="status")
    if step.status == StepStatus.DONE and step.done_on is None:
        raise DomainError(_("A step done needs the date it was done."), field="done_on")
    if step.done_on is not None and step.status != StepStatus.DONE:
        raise DomainError(
            _("A date done goes with the status “done”: choose that status, or clear the date."),
            field="done_on",
        )
    if step.done_on is not None and step.done_on > today:
        raise DomainError(_("A step cannot be done in the future."), field="done_on")
    if step.cost is not None and step.cost < 0:
        raise DomainError(_("The cost cannot be negative: write 0 for a free step."), field="cost")
    if step.kind == RecognitionStepKind.OTHER and not step.notes:
        raise DomainError(_("Say what this step is in the notes."), field="notes")


def step_update(
    *,
    step: RecognitionStep,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    today: date | None = None,
) -> RecognitionStep:
    """A step's status, dates, cost, documents and notes; the change is dated (the step's
    `changed_on`, the procedure's `last_activity_on`)."""
    _check_fields(fields, STEP_FIELDS)
    values = _strip(fields)
    day = _today(today)
    with transaction.atomic():
        current = locked_for_edit(
            RecognitionStep, step, version, gone=_("This step was removed meanwhile: reload the procedure.")
        )
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        _check_step(current, day)
        current.changed_on = day
        current.version += 1
        save_with_history(current, actor)
        _touch(current.procedure_id, day)
        audit.record(
            action="jobs.recognition.step_updated",
            obj=current,
            data={"procedure": current.procedure_id, "fields": ",".join(sorted(changed))},
        )
    return current


def step_add(
    *,
    procedure: RecognitionProcedure,
    actor: User,
    kind: str,
    due_on: date | None = None,
    notes: str = "",
    today: date | None = None,
) -> RecognitionStep:
    """A step the route's list did not have (more information requested, something else): before
    the "outcome received" step still to come, else at the end."""
    day = _today(today)
    with transaction.atomic():
        current = locked_for_edit(RecognitionProcedure, procedure, None)
        if not current.is_open:
            raise DomainError(_closed_message())
        if kind not in RecognitionStepKind.values:
            raise DomainError(_("Choose the kind of step."), field="kind")
        steps = list(current.steps.order_by("position", "pk"))
        pending_outcome = next(
            (s for s in steps if s.kind == RecognitionStepKind.OUTCOME and s.status not in STEP_OVER), None
        )
        if pending_outcome is not None:
            position = pending_outcome.position
            current.steps.filter(position__gte=position).update(position=F("position") + 1)
        else:
            position = max((s.position for s in steps), default=0) + 1
        step = RecognitionStep(
            site_id=current.site_id,
            procedure=current,
            position=position,
            kind=kind,
            due_on=due_on,
            notes=notes.strip(),
            changed_on=day,
        )
        _check_step(step, day)
        save_with_history(step, actor)
        _touch(current.pk, day)
        audit.record(
            action="jobs.recognition.step_added", obj=step, data={"procedure": current.pk, "kind": kind}
        )
    return step


def step_remove(*, step: RecognitionStep, actor: User, today: date | None = None) -> None:
    """A step recorded by mistake goes (its history stays)."""
    day = _today(today)
    with transaction.atomic():
        procedure = locked_for_edit(RecognitionProcedure, step.procedure, None)
        if not procedure.is_open:
            raise DomainError(_closed_message())
        current = RecognitionStep.objects.select_for_update().filter(pk=step.pk).first()
        if current is None:
            return  # removed meanwhile: nothing left to do
        audit.record(
            action="jobs.recognition.step_removed",
            obj=current,
            data={"procedure": procedure.pk, "kind": current.kind},
        )
        current._history_user = actor  # type: ignore[attr-defined]
        current.delete()
        _touch(procedure.pk, day)


# --- Reads --------------------------------------------------------------------------------------------


@dataclass
class ProcedureRow:
    """A procedure with what the lists show: its steps, the current one, the total cost, stalled."""

    procedure: RecognitionProcedure
    steps: list[RecognitionStep]
    current_step: RecognitionStep | None
    total_cost: Decimal
    stalled: bool


def stalled_before(today: date | None = None) -> date:
    """A procedure whose last activity is on or before this day is stalled."""
    return _today(today) - timedelta(days=STALLED_DAYS)


def procedure_row(procedure: RecognitionProcedure, today: date | None = None) -> ProcedureRow:
    """The row of a procedure whose steps are prefetched (or read here)."""
    steps = sorted(procedure.steps.all(), key=lambda s: (s.position, s.pk))
    return ProcedureRow(
        procedure=procedure,
        steps=steps,
        current_step=next((s for s in steps if s.status not in STEP_OVER), None),
        total_cost=sum((s.cost for s in steps if s.cost is not None), Decimal("0.00")),
        stalled=procedure.is_open and procedure.last_activity_on <= stalled_before(today),
    )


def open_procedures(*, route: str = "", stalled_only: bool = False, today: date | None = None) -> QuerySet:
    """The site's open procedures of people still followed, the longest without activity first (so
    the stalled ones come first)."""
    found = RecognitionProcedure.objects.filter(
        outcome="", person__deleted_at__isnull=True, person__merged_into__isnull=True
    )
    if route:
        found = found.filter(route=route)
    if stalled_only:
        found = found.filter(last_activity_on__lte=stalled_before(today))
    return (
        found.select_related("person", "qualification", "operator")
        .prefetch_related(Prefetch("steps", queryset=RecognitionStep.objects.order_by("position", "pk")))
        .order_by("last_activity_on", "pk")
    )


@dataclass
class QualificationRows:
    qualification: Qualification
    procedures: list[ProcedureRow]
    no_document: bool


def person_qualifications(person: Person, today: date | None = None) -> list[QualificationRows]:
    """The person's qualifications, each with its procedures (the latest first) and their steps."""
    procedures = RecognitionProcedure.objects.select_related("operator").prefetch_related(
        Prefetch("steps", queryset=RecognitionStep.objects.order_by("position", "pk"))
    )
    qualifications = Qualification.objects.filter(person=person).prefetch_related(
        Prefetch("procedures", queryset=procedures.order_by("-started_on", "-pk"))
    )
    return [
        QualificationRows(
            qualification=q,
            procedures=[procedure_row(p, today) for p in q.procedures.all()],
            no_document=has_no_document(q),
        )
        for q in qualifications
    ]


def timeline_events(person: Person, membership: Any, limit: int | None = None) -> list[Any]:
    """Recognition procedures on the case file's timeline: started, and their outcome."""
    from percorsi.people.selectors import TimelineEvent

    if not membership.has("jobs:read"):
        return []
    events = []
    for procedure in RecognitionProcedure.objects.filter(person=person).select_related("qualification"):
        title = procedure.qualification.title
        events.append(
            TimelineEvent(
                procedure.started_on,
                "recognition",
                _("Recognition started: %(qualification)s") % {"qualification": title},
                procedure.get_route_display(),
            )
        )
        if procedure.outcome and procedure.outcome_on:
            events.append(
                TimelineEvent(
                    procedure.outcome_on,
                    "recognition",
                    _("Recognition outcome: %(outcome)s") % {"outcome": procedure.get_outcome_display()},
                    f"{title} · {procedure.get_route_display()}",
                )
            )
    return events


def stalled_line(notification: Any, site_slug: str, name: str, when: str) -> tuple[str, str]:
    """The reminders page's line for a stalled procedure, with the procedure's address."""
    from django.urls import reverse

    since = formats.date_format(notification.due_on - timedelta(days=STALLED_DAYS), "SHORT_DATE_FORMAT")
    text = _("The recognition of a qualification of %(name)s has not moved since %(day)s") % {
        "name": name,
        "day": since,
    }
    address = reverse("jobs:recognition", kwargs={"site": site_slug, "procedure_id": notification.object_id})
    return text, address


def stalled_reminders(site: Site, today: date, coordinators: list[int]) -> list[Any]:
    """For `percorsi remind` (inside the site's scope): each open procedure without a change for
    `STALLED_DAYS`, to whoever follows it, else to the site's coordinators. The key names the last
    activity: the same stall is reminded once; a change and a new stall make a new reminder."""
    from percorsi.plans.choices import NotificationKind
    from percorsi.plans.reminders import Due

    rows = (
        RecognitionProcedure.objects.filter(
            outcome="",
            last_activity_on__lte=stalled_before(today),
            person__deleted_at__isnull=True,
            person__merged_into__isnull=True,
        )
        .exclude(person__case_status=CaseStatus.CLOSED)
        .values_list("pk", "person_id", "operator_id", "operator__is_active", "last_activity_on")
    )
    found = []
    for pk, person_id, operator_id, operator_active, last in rows:
        key = f"recognition:{pk}:{last.isoformat()}"
        for user_id in [operator_id] if operator_id and operator_active else coordinators:
            found.append(
                Due(
                    user_id,
                    NotificationKind.RECOGNITION_STALLED,
                    key,
                    person_id,
                    pk,
                    last + timedelta(days=STALLED_DAYS),
                )
            )
    return found
