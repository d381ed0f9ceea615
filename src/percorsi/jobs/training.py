"""The training catalogue and the trainings suggested to people (issue 5, item 2): writes and reads.

Writes run in one transaction, check the record's version when they edit and write their audit
entry there, ids only. A training suggested to a person is also logged in the person's log of
interventions, as the job desk's work (`services._log_work`: not for a closed case).

The catalogue's "in the catalogue" flag hides a training from suggestions and from the open ones;
its enrolments and history stay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.errors import DomainError
from percorsi.core.models import Site
from percorsi.core.records import locked_for_edit, save_with_history
from percorsi.jobs.choices import EnrolmentStatus
from percorsi.jobs.models import IscoGroup, Training, TrainingEnrolment
from percorsi.jobs.services import _check_fields, _check_person, _log_work, _strip
from percorsi.people.models import Person
from percorsi.plans.models import Goal

TRAINING_FIELDS = (
    "title",
    "provider",
    "occupation",
    "sector",
    "place",
    "starts_on",
    "ends_on",
    "hours",
    "cost",
    "language_level",
    "documents_required",
    "places",
    "application_deadline",
    "link",
    "description",
    "is_active",
)
ENROLMENT_FIELDS = ("status", "status_since", "certificate", "goal", "notes")

# An enrolment that takes one of the training's places.
TAKES_A_PLACE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.ATTENDING, EnrolmentStatus.COMPLETED)
MAX_HOURS = 5000
WHEN = ("open", "all", "past")


# --- The catalogue ------------------------------------------------------------------------------------


def _check_training(training: Training) -> None:
    if not training.title:
        raise DomainError(_("Give the training's title."), field="title")
    if not training.provider:
        raise DomainError(_("Say who runs the training (school, training body, company)."), field="provider")
    if training.cost < 0:
        raise DomainError(_("The cost cannot be negative: write 0 for a free training."), field="cost")
    if training.starts_on and training.ends_on and training.ends_on < training.starts_on:
        raise DomainError(_("The training cannot end before it starts: check the dates."), field="ends_on")
    if (
        training.application_deadline
        and training.ends_on
        and training.application_deadline > training.ends_on
    ):
        raise DomainError(
            _("The application deadline comes after the end of the training: check the dates."),
            field="application_deadline",
        )
    if training.hours is not None and not 1 <= training.hours <= MAX_HOURS:
        raise DomainError(
            _("Hours: from 1 to %(most)d, or leave it empty.") % {"most": MAX_HOURS}, field="hours"
        )
    if training.places is not None and training.places < 1:
        raise DomainError(_("Places: at least 1, or leave it empty if not known."), field="places")
    if training.link and not training.link.lower().startswith(("http://", "https://")):
        raise DomainError(
            _("The link must be a web address starting with http:// or https://."), field="link"
        )
    if training.sector_id is not None and training.sector.level != 2:
        raise DomainError(_("Choose the sector from the list."), field="sector")


def _with_cost(values: dict[str, Any]) -> dict[str, Any]:
    """The cost as a Decimal: none is free."""
    if "cost" in values:
        try:
            values["cost"] = Decimal(0) if values["cost"] in (None, "") else Decimal(str(values["cost"]))
        except InvalidOperation:
            raise DomainError(_("Write the cost as a number of euros, e.g. 120.50."), field="cost") from None
    return values


def training_create(*, site: Site, actor: User, fields: dict[str, Any]) -> Training:
    """A training added to the site's catalogue (in the catalogue unless said otherwise)."""
    _check_fields(fields, TRAINING_FIELDS)
    values = _with_cost({"cost": None, **_strip(fields)})
    with transaction.atomic():
        training = Training(site=site, created_by=actor, **values)
        _check_training(training)
        save_with_history(training, actor)
        audit.record(action="jobs.training.created", obj=training)
    return training


def training_update(
    *, training: Training, actor: User, version: int | None, fields: dict[str, Any]
) -> Training:
    """The training's details; out of the catalogue (`is_active` off) it is no longer suggested."""
    _check_fields(fields, TRAINING_FIELDS)
    values = _with_cost(_strip(fields))
    with transaction.atomic():
        current = locked_for_edit(Training, training, version)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        _check_training(current)
        if "places" in changed and current.places is not None:
            taken = _places_taken(current)
            if current.places < taken:
                raise DomainError(
                    ngettext(
                        "%(taken)s person already has a place: the training needs at least %(taken)s.",
                        "%(taken)s people already have a place: the training needs at least %(taken)s.",
                        taken,
                    )
                    % {"taken": taken},
                    field="places",
                )
        current.version += 1
        save_with_history(current, actor)
        audit.record(action="jobs.training.updated", obj=current, data={"fields": ",".join(sorted(changed))})
    return current


def _live_people(prefix: str = "person__") -> Q:
    return Q(**{f"{prefix}deleted_at__isnull": True, f"{prefix}merged_into__isnull": True})


def trainings_found(
    *, when: str = "open", query: str = "", sector: str = "", today: date | None = None
) -> QuerySet[Training]:
    """The site's catalogue with the list's filters, soonest first, each with `enrolled_count`.

    open: in the catalogue, its application deadline not past and not over yet; past: over (its
    end before today); all: every training, those out of the catalogue too."""
    today = today or timezone.localdate()
    trainings = Training.objects.select_related("occupation", "sector").annotate(
        enrolled_count=Count(
            "enrolments",
            filter=Q(enrolments__status__in=TAKES_A_PLACE) & _live_people("enrolments__person__"),
        )
    )
    if when == "open":
        trainings = trainings.filter(is_active=True).filter(
            (Q(application_deadline__isnull=True) | Q(application_deadline__gte=today))
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        )
    elif when == "past":
        trainings = trainings.filter(ends_on__lt=today)
    if sector:
        trainings = trainings.filter(Q(sector_id=sector) | Q(occupation__isco_group__code__startswith=sector))
    for word in query.split()[:5]:
        trainings = trainings.filter(
            Q(title__icontains=word)
            | Q(provider__icontains=word)
            | Q(place__icontains=word)
            | Q(occupation__label__icontains=word)
            | Q(occupation__label_it__icontains=word)
        )
    if when == "past":
        return trainings.order_by("-ends_on", "title", "pk")
    return trainings.order_by(F("starts_on").asc(nulls_last=True), "title", "pk")


def sectors() -> list[IscoGroup]:
    """The ISCO-08 sub-major groups, the catalogue's sectors."""
    return list(IscoGroup.objects.filter(level=2).order_by("code"))


def suggestable_trainings(*, today: date | None = None) -> list[Training]:
    """Trainings that may be suggested: in the catalogue and not over."""
    today = today or timezone.localdate()
    return list(
        Training.objects.filter(is_active=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by(F("starts_on").asc(nulls_last=True), "title", "pk")
    )


def training_enrolments(training: Training) -> list[TrainingEnrolment]:
    """The people the training was suggested to (the deleted and merged left out)."""
    return list(
        TrainingEnrolment.objects.filter(_live_people(), training=training)
        .select_related("person", "goal")
        .order_by("person__family_names", "person__given_names", "pk")
    )


# --- Enrolments ---------------------------------------------------------------------------------------


def _check_goal(goal: Goal | None, person: Person) -> None:
    if goal is not None and goal.plan.person_id != person.pk:
        raise DomainError(_("Choose a goal of this person's plan."), field="goal")


def _check_enrolment(enrolment: TrainingEnrolment, today: date) -> None:
    if enrolment.status_since > today:
        raise DomainError(_("The date of the status cannot be in the future."), field="status_since")
    if enrolment.status_since < enrolment.suggested_on:
        raise DomainError(
            _("The date of the status comes before the training was suggested: check it."),
            field="status_since",
        )
    if enrolment.certificate and enrolment.status != EnrolmentStatus.COMPLETED:
        raise DomainError(
            _("A certificate goes with a completed training: choose “completed”, or clear the certificate."),
            field="certificate",
        )


def _places_taken(training: Training, but: TrainingEnrolment | None = None) -> int:
    """How many people hold a place in the training (enrolled, attending or completed)."""
    enrolments = TrainingEnrolment.objects.filter(training=training, status__in=TAKES_A_PLACE)
    if but is not None:
        enrolments = enrolments.exclude(pk=but.pk)
    return enrolments.filter(_live_people()).count()


def _check_places(enrolment: TrainingEnrolment) -> None:
    """An enrolment that takes a place only while the training has one free (when its places are
    known). The training is locked, so that two enrolments at once cannot both take the last one."""
    training = Training.objects.select_for_update().get(pk=enrolment.training_id)
    if training.places is None:
        return
    if _places_taken(training, but=enrolment) >= training.places:
        raise DomainError(
            ngettext(
                "The training's only place is taken. If the organiser has added places, change their "
                "number in the training first.",
                "All %(places)s places of the training are taken. If the organiser has added places, "
                "change their number in the training first.",
                training.places,
            )
            % {"places": training.places},
            field="status",
        )


def _already_suggested() -> DomainError:
    return DomainError(
        _("This training was already suggested to this person: change the status of that enrolment instead."),
        field="training",
    )


def enrolment_create(
    *,
    person: Person,
    training: Training,
    actor: User,
    goal: Goal | None = None,
    notes: str = "",
    today: date | None = None,
) -> TrainingEnrolment:
    """A training suggested to a person (status "suggested"), maybe for a goal of their plan. One
    enrolment per person and training. Logged in the person's log of interventions."""
    _check_person(person)
    if training.site_id != person.site_id:
        raise ValueError("The training belongs to another site.")
    today = today or timezone.localdate()
    if not training.is_active:
        raise DomainError(
            _("This training is no longer in the catalogue: it cannot be suggested."), field="training"
        )
    if training.ends_on and training.ends_on < today:
        raise DomainError(_("This training is over: it cannot be suggested."), field="training")
    _check_goal(goal, person)
    with transaction.atomic():
        if TrainingEnrolment.objects.filter(person=person, training=training).exists():
            raise _already_suggested()
        enrolment = TrainingEnrolment(
            site_id=person.site_id,
            person=person,
            training=training,
            goal=goal,
            status=EnrolmentStatus.SUGGESTED,
            status_since=today,
            suggested_on=today,
            notes=notes.strip(),
            suggested_by=actor,
        )
        try:
            with transaction.atomic():
                save_with_history(enrolment, actor)
        except IntegrityError:  # suggested meanwhile, from another page
            raise _already_suggested() from None
        audit.record(
            action="jobs.training.suggested",
            obj=enrolment,
            data={"person": person.pk, "training": training.pk, "goal": enrolment.goal_id},
        )
        _log_work(person, actor, enrolment)
    return enrolment


def enrolment_update(
    *,
    enrolment: TrainingEnrolment,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    today: date | None = None,
) -> TrainingEnrolment:
    """A new status (enrolled, attending, completed with or without certificate, dropped) with its
    date (today when only the status changes), the goal it serves, the notes."""
    _check_fields(fields, ENROLMENT_FIELDS)
    values = _strip(fields)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = locked_for_edit(TrainingEnrolment, enrolment, version)
        _check_person(current.person)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        if "status" in changed and "status_since" not in changed:
            values["status_since"] = today
            changed.append("status_since")
        takes_a_place = current.status not in TAKES_A_PLACE and values.get("status") in TAKES_A_PLACE
        for name in changed:
            setattr(current, name, values[name])
        _check_goal(current.goal, current.person)
        _check_enrolment(current, today)
        if takes_a_place:
            _check_places(current)
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="jobs.training.enrolment_updated",
            obj=current,
            data={
                "person": current.person_id,
                "fields": ",".join(sorted(changed)),
                "status": current.status,
            },
        )
    return current


def enrolment_steps(enrolment: TrainingEnrolment) -> list[tuple[str, date, bool]]:
    """The statuses the enrolment went through, oldest first: (label, since, certificate). A date or
    a certificate corrected without a new status shows as corrected, not as another step."""
    labels = dict(EnrolmentStatus.choices)
    rows: list[tuple[str, date, bool]] = []
    history = enrolment.history.order_by("history_date", "history_id")
    for status, since, certificate in history.values_list("status", "status_since", "certificate"):
        if rows and rows[-1][0] == status:
            rows[-1] = (status, since, certificate)
        else:
            rows.append((status, since, certificate))
    return [(str(labels.get(status, status)), since, certificate) for status, since, certificate in rows]


# --- A person's trainings: the work page, the case file's timeline, the plan's goals -----------------


def person_enrolments(person: Person) -> list[TrainingEnrolment]:
    """The trainings suggested to the person, the latest first, with the training and the goal."""
    return list(
        TrainingEnrolment.objects.filter(person=person)
        .select_related("training", "goal")
        .order_by("-suggested_on", "-pk")
    )


def enrolment_summary(enrolment: TrainingEnrolment) -> str:
    """The status in a few words: "completed (certificate)", "attending"..."""
    status = enrolment.get_status_display()
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return _("%(status)s (certificate)") % {"status": status} if enrolment.certificate else str(status)
    return str(status)


def timeline_events(person: Person, membership: Any, limit: int | None = None) -> list[Any]:
    """The trainings on the case file's timeline: when each was suggested and its current status.
    One query."""
    from percorsi.people.selectors import TimelineEvent

    if not membership.has("jobs:read"):
        return []
    titles = {
        EnrolmentStatus.ENROLLED: _("Enrolled in a training: %(title)s"),
        EnrolmentStatus.ATTENDING: _("Attending a training: %(title)s"),
        EnrolmentStatus.COMPLETED: _("Training completed: %(title)s"),
        EnrolmentStatus.DROPPED: _("Training dropped: %(title)s"),
    }
    events = []
    for enrolment in TrainingEnrolment.objects.filter(person=person).select_related("training"):
        title = enrolment.training.title
        events.append(
            TimelineEvent(
                enrolment.suggested_on,
                "training",
                _("Training suggested: %(title)s") % {"title": title},
                enrolment.training.provider,
            )
        )
        if enrolment.status in titles:
            detail = ""
            if enrolment.status == EnrolmentStatus.COMPLETED:
                detail = _("with certificate") if enrolment.certificate else _("without certificate")
            events.append(
                TimelineEvent(
                    enrolment.status_since,
                    "training",
                    titles[EnrolmentStatus(enrolment.status)] % {"title": title},
                    detail,
                )
            )
    return events


def goal_notes(goals: list[Goal]) -> dict[int, list[str]]:
    """For the plan page: under each goal, the trainings suggested for it with their status. One
    query for all the goals."""
    if not goals:
        return {}
    notes: dict[int, list[str]] = {}
    found = (
        TrainingEnrolment.objects.filter(_live_people(), goal_id__in=[goal.pk for goal in goals])
        .select_related("training")
        .order_by("suggested_on", "pk")
    )
    for enrolment in found:
        notes.setdefault(enrolment.goal_id, []).append(  # type: ignore[arg-type]
            _("Training: %(title)s — %(status)s")
            % {"title": enrolment.training.title, "status": enrolment_summary(enrolment)}
        )
    return notes
