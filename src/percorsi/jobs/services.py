"""Writes for the job desk: employers, job offers, applications, placements and CVs.

Every function runs in one transaction, checks the record's version when it edits (a form opened
in two tabs: the second save is refused) and writes its audit entry there, ids only. Work done with
a person (an application sent, a CV saved, a placement) is also logged in the person's single log
of interventions, as the job desk's (`plans.services.record_intervention`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.errors import DomainError, StaleEditError
from percorsi.core.models import Site
from percorsi.core.records import locked_for_edit, save_with_history
from percorsi.jobs import cv as cv_content
from percorsi.jobs.choices import ApplicationStatus, ContractType, OfferStatus
from percorsi.jobs.models import CV, Application, CVVersion, Employer, JobOffer, Placement
from percorsi.people.choices import CaseStatus, ConsentPurpose
from percorsi.people.models import Person
from percorsi.people.selectors import consent_state
from percorsi.plans.choices import GoalStatus, InterventionService
from percorsi.plans.models import Goal
from percorsi.plans.services import goal_update, record_intervention

OFFER_FIELDS = (
    "title",
    "occupation",
    "employer",
    "source",
    "source_name",
    "source_url",
    "source_date",
    "place",
    "contract_type",
    "working_time",
    "hours_per_week",
    "pay",
    "pay_period",
    "italian_level",
    "driving_licence",
    "experience_years",
    "documents_required",
    "requirements",
    "places",
    "deadline",
    "status",
    "notes",
)
EMPLOYER_FIELDS = ("name", "sector", "town", "address", "contact_name", "phone", "email", "website", "notes")
APPLICATION_FIELDS = ("status", "status_since", "sent_on", "interview_at", "preparation", "notes")
PLACEMENT_FIELDS = (
    "employer",
    "job_title",
    "occupation",
    "contract_type",
    "started_on",
    "ends_on",
    "ended_early_on",
    "hours_per_week",
    "net_monthly_pay",
    "traineeship_allowance",
    "goal",
    "notes",
)


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


def _check_person(person: Person, site: Site | None = None) -> None:
    if person.deleted_at is not None or person.merged_into_id is not None:
        raise DomainError(_("This record is deleted: restore it first."))
    if site is not None and person.site_id != site.pk:
        raise ValueError("The person belongs to another site.")


def _log_work(person: Person, actor: User, linked: Any, notes: str = "") -> None:
    """The job desk's work with the person in their log of interventions, when the case is open
    (work on a closed case's CV is still possible; it is not an intervention of the plan)."""
    if person.case_status == CaseStatus.CLOSED:
        return
    record_intervention(
        person=person, actor=actor, service=InterventionService.JOB_DESK, linked_object=linked, notes=notes
    )


# --- Employers ----------------------------------------------------------------------------------------


def employer_find_or_create(*, site: Site, actor: User, name: str) -> Employer:
    """The site's employer of that name (whatever the case and spaces), or a new one: an offer is
    entered in a minute, and its employer with it."""
    clean = " ".join(name.split())
    if not clean:
        raise DomainError(_("Write the employer's name."), field="employer")
    if len(clean) > 200:
        raise DomainError(_("The employer's name is too long (at most 200 characters)."), field="employer")
    existing = Employer.objects.filter(site=site, name__iexact=clean).order_by("pk").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        employer = Employer(site=site, name=clean)
        save_with_history(employer, actor)
        audit.record(action="jobs.employer.created", obj=employer)
    return employer


def employer_update(
    *, employer: Employer, actor: User, version: int | None, fields: dict[str, Any]
) -> Employer:
    _check_fields(fields, EMPLOYER_FIELDS)
    values = _strip(fields)
    if not values.get("name", employer.name):
        raise DomainError(_("Write the employer's name."), field="name")
    with transaction.atomic():
        current = locked_for_edit(Employer, employer, version)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        current.version += 1
        save_with_history(current, actor)
        audit.record(action="jobs.employer.updated", obj=current, data={"fields": ",".join(sorted(changed))})
    return current


# --- Job offers ---------------------------------------------------------------------------------------


def _check_offer(offer: JobOffer) -> None:
    if not offer.title:
        raise DomainError(_("Say what the job is."), field="title")
    if offer.pay is not None and not offer.pay_period:
        raise DomainError(_("Say whether the pay is an hour, a month or a year."), field="pay_period")
    if offer.hours_per_week is not None and not 1 <= offer.hours_per_week <= 80:
        raise DomainError(_("Hours a week: from 1 to 80."), field="hours_per_week")
    if offer.experience_years is not None and offer.experience_years > 50:
        raise DomainError(_("Years of experience: at most 50."), field="experience_years")


def offer_create(*, site: Site, actor: User, fields: dict[str, Any]) -> JobOffer:
    """A job offer found by the desk (open, unless said otherwise)."""
    _check_fields(fields, OFFER_FIELDS)
    with transaction.atomic():
        offer = JobOffer(site=site, created_by=actor, **_strip(fields))
        _check_offer(offer)
        save_with_history(offer, actor)
        audit.record(action="jobs.offer.created", obj=offer, data={"employer": offer.employer_id})
    return offer


def offer_update(*, offer: JobOffer, actor: User, version: int | None, fields: dict[str, Any]) -> JobOffer:
    _check_fields(fields, OFFER_FIELDS)
    values = _strip(fields)
    with transaction.atomic():
        current = locked_for_edit(JobOffer, offer, version)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        _check_offer(current)
        current.version += 1
        save_with_history(current, actor)
        audit.record(action="jobs.offer.updated", obj=current, data={"fields": ",".join(sorted(changed))})
    return current


def offer_set_status(*, offer: JobOffer, actor: User, status: str) -> JobOffer:
    """Open, filled or closed, from the offer's page (no form: no version to check)."""
    if status not in OfferStatus.values:
        raise ValueError(status)
    with transaction.atomic():
        current = locked_for_edit(JobOffer, offer, None)
        if current.status == status:
            return current
        current.status = status
        current.version += 1
        save_with_history(current, actor, fields=["status", "version"])
        audit.record(action="jobs.offer.updated", obj=current, data={"fields": "status"})
    return current


# --- Applications -------------------------------------------------------------------------------------


def _check_application(application: Application, today: date) -> None:
    if application.status_since > today:
        raise DomainError(_("The date of the status cannot be in the future."), field="status_since")
    if application.sent_on and application.sent_on > today:
        raise DomainError(_("The application cannot have been sent in the future."), field="sent_on")
    if application.status == ApplicationStatus.INTERVIEW_SET and application.interview_at is None:
        raise DomainError(_("Give the interview's date and time."), field="interview_at")
    if application.status != ApplicationStatus.PREPARED and application.sent_on is None:
        application.sent_on = application.status_since


def _check_consent(person: Person, today: date) -> None:
    """Sending an application gives the person's CV and data to the employer: only with their
    consent to that purpose in force (recorded in the case file, under Privacy and consents)."""
    if not consent_state(person, ConsentPurpose.JOB_MATCHING, today).in_force:
        raise DomainError(
            _(
                "The person has not consented to sharing their CV with employers and agencies, or has "
                "withdrawn the consent: record it in the case file (Privacy and consents) before the "
                "application is sent."
            ),
            field="status",
        )


def application_create(
    *,
    person: Person,
    actor: User,
    offer: JobOffer | None = None,
    employer: Employer | None = None,
    fields: dict[str, Any] | None = None,
    today: date | None = None,
) -> Application:
    """An application to an offer, or a spontaneous one to an employer. One per person and offer."""
    values = _strip(fields or {})
    _check_fields(values, APPLICATION_FIELDS)
    _check_person(person)
    if (offer is None) == (employer is None):
        raise ValueError("An application is to an offer or to an employer, not both or neither.")
    target_site = (offer or employer).site_id  # type: ignore[union-attr]
    if target_site != person.site_id:
        raise ValueError("The offer or employer belongs to another site.")
    with transaction.atomic():
        if offer is not None and Application.objects.filter(person=person, offer=offer).exists():
            raise DomainError(_("This person has already applied for this offer: change that application."))
        application = Application(
            site_id=person.site_id, person=person, offer=offer, employer=employer, created_by=actor, **values
        )
        _check_application(application, today or timezone.localdate())
        if application.status != ApplicationStatus.PREPARED:
            _check_consent(person, today or timezone.localdate())
        save_with_history(application, actor)
        audit.record(
            action="jobs.application.created",
            obj=application,
            data={"person": person.pk, "offer": application.offer_id, "employer": application.employer_id},
        )
        _log_work(person, actor, application)
    return application


def application_update(
    *,
    application: Application,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    today: date | None = None,
) -> Application:
    """A new status (sent, interview set, hired...) with its date, the interview, the notes."""
    _check_fields(fields, APPLICATION_FIELDS)
    values = _strip(fields)
    with transaction.atomic():
        current = locked_for_edit(Application, application, version)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        if "status" in changed and "status_since" not in changed:
            values["status_since"] = today or timezone.localdate()
            changed.append("status_since")
        new_status = values.get("status", current.status)
        sending = current.status == ApplicationStatus.PREPARED and new_status != ApplicationStatus.PREPARED
        for name in changed:
            setattr(current, name, values[name])
        _check_application(current, today or timezone.localdate())
        if sending:  # once sent, a later withdrawal does not stop the desk from following it up
            _check_consent(current.person, today or timezone.localdate())
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="jobs.application.updated",
            obj=current,
            data={"person": current.person_id, "fields": ",".join(sorted(changed)), "status": current.status},
        )
    return current


# --- Placements ---------------------------------------------------------------------------------------


def _check_placement(placement: Placement, person: Person) -> None:
    if not placement.job_title:
        raise DomainError(_("Say what the job is."), field="job_title")
    if placement.ends_on and placement.ends_on < placement.started_on:
        raise DomainError(_("The end comes before the start."), field="ends_on")
    if placement.ended_early_on and placement.ended_early_on < placement.started_on:
        raise DomainError(_("The work cannot end before it starts."), field="ended_early_on")
    if placement.hours_per_week is not None and not 1 <= placement.hours_per_week <= 80:
        raise DomainError(_("Hours a week: from 1 to 80."), field="hours_per_week")
    if placement.traineeship_allowance is not None and placement.contract_type != ContractType.TRAINEESHIP:
        raise DomainError(
            _("A traineeship allowance goes with a traineeship: choose that contract, or leave it empty."),
            field="traineeship_allowance",
        )
    if placement.goal_id is not None and placement.goal.plan.person_id != person.pk:
        raise DomainError(_("Choose a goal of this person's plan."), field="goal")
    if placement.employer.site_id != person.site_id:
        raise ValueError("The employer belongs to another site.")


def placement_create(
    *,
    person: Person,
    actor: User,
    fields: dict[str, Any],
    application: Application | None = None,
    goal_achieved: bool = False,
) -> Placement:
    """Work the person got. With an application, that application is marked hired; with a goal and
    `goal_achieved`, the goal is marked achieved (the plan sees the work)."""
    _check_fields(fields, PLACEMENT_FIELDS)
    _check_person(person)
    with transaction.atomic():
        placement = Placement(
            site_id=person.site_id, person=person, application=application, created_by=actor, **_strip(fields)
        )
        _check_placement(placement, person)
        save_with_history(placement, actor)
        audit.record(
            action="jobs.placement.created",
            obj=placement,
            data={"person": person.pk, "employer": placement.employer_id, "goal": placement.goal_id},
        )
        if application is not None and application.status != ApplicationStatus.HIRED:
            if application.person_id != person.pk:
                raise ValueError("The application is another person's.")
            application_update(
                application=application, actor=actor, version=None, fields={"status": ApplicationStatus.HIRED}
            )
        if goal_achieved and placement.goal_id is not None:
            goal: Goal = placement.goal  # type: ignore[assignment]
            if goal.status != GoalStatus.ACHIEVED:
                goal_update(goal=goal, actor=actor, version=None, fields={"status": GoalStatus.ACHIEVED})
        _log_work(person, actor, placement)
    return placement


def placement_update(
    *, placement: Placement, actor: User, version: int | None, fields: dict[str, Any]
) -> Placement:
    _check_fields(fields, PLACEMENT_FIELDS)
    values = _strip(fields)
    with transaction.atomic():
        current = locked_for_edit(Placement, placement, version)
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, values[name])
        _check_placement(current, current.person)
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="jobs.placement.updated",
            obj=current,
            data={"person": current.person_id, "fields": ",".join(sorted(changed))},
        )
    return current


# --- CVs ----------------------------------------------------------------------------------------------


def apply_profile(cv: CV, content: dict[str, Any]) -> None:
    """Repeat on the CV's row what matching reads of its (clean) content."""
    profile = cv_content.profile(content)
    cv.desired_isco = profile.desired_isco
    cv.past_isco = profile.past_isco
    cv.italian_level = profile.italian_level
    cv.licences = profile.licences
    cv.available_from = (
        date.fromisoformat(profile.available_from) if len(profile.available_from) == 10 else None
    )
    cv.working_time = profile.working_time
    cv.places = profile.places[:500]
    cv.updated_at = timezone.now()


def cv_save(
    *,
    person: Person,
    actor: User,
    content: Any,
    version: int | None,
    note: str = "",
    log: bool = True,
) -> CV:
    """Save the CV's content as its next version (the earlier ones are kept). `version` is the CV's
    version the form was opened at (None for a person without a CV yet); a stale form is refused.
    Content that is not a CV raises `cv.CVError` with a message for the user."""
    _check_person(person)
    clean = cv_content.parse(content)
    with transaction.atomic():
        cv = CV.objects.select_for_update().filter(person=person).first()
        if cv is None:
            if version not in (None, 0):
                raise DomainError(_("This CV was removed meanwhile."))
            cv = CV(site_id=person.site_id, person=person, version=0)
            cv.save()
        elif version is not None and cv.version != version:
            raise StaleEditError
        if cv.current_id is not None and cv.current.content == clean:
            return cv
        number = (cv.current.number if cv.current_id else 0) + 1
        saved = CVVersion.objects.create(
            site_id=person.site_id, cv=cv, number=number, content=clean, note=note[:200], created_by=actor
        )
        cv.current = saved
        apply_profile(cv, clean)
        cv.version += 1
        cv.save()
        audit.record(action="jobs.cv.saved", obj=cv, data={"person": person.pk, "number": number})
        if log:
            _log_work(person, actor, cv, note)
    return cv
