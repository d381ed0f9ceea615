"""Every URL of the URLconf against every persona and an anonymous visitor (CONVENTIONS.md item 10).

A new URL without a line in EXPECTATIONS fails the walk; the expected status is computed from the
permission registry, so changing a role's permissions changes what this test expects.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scope
from PIL import Image

from percorsi.core.models import Membership, Site
from percorsi.core.permissions import PERMISSIONS, ROLE_PERMISSIONS
from percorsi.jobs import recognition as job_recognition
from percorsi.jobs import services as job_services
from percorsi.jobs import training as job_training
from percorsi.jobs.models import (
    Application,
    JobOffer,
    Placement,
    Qualification,
    RecognitionProcedure,
    RecognitionStep,
    Training,
    TrainingEnrolment,
)
from percorsi.people import services, uploads
from percorsi.people.models import Consent, IdentityDocument, LegalStatus, Merge, Person, SpokenLanguage
from percorsi.plans import services as plan_services
from percorsi.plans.models import (
    Appointment,
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
from tests.conftest import PERSONA_ROLES, Persona

PUBLIC = "public"  # anyone, logged in or not
LOGGED_IN = "login"  # any logged-in user; anonymous visitors are sent to the login page


@dataclass(frozen=True)
class Expect:
    access: str  # PUBLIC, LOGGED_IN, or the permission string the view declares
    ok: int = 200  # the status of an allowed request
    anonymous_ok: int | None = None  # for a public page that answers anonymous visitors differently
    method: str = "get"


EXPECTATIONS: dict[str, Expect] = {
    "core:healthz": Expect(PUBLIC),
    # Sends the user to their site's home page or to the site picker.
    "core:start": Expect(LOGGED_IN, ok=302),
    "core:site_picker": Expect(LOGGED_IN),
    "core:home": Expect("site:view"),
    "core:staff_list": Expect("staff:read"),
    "core:staff_new": Expect("staff:write"),
    "core:staff_edit": Expect("staff:write"),
    "core:staff_history": Expect("staff:read"),
    "core:site_settings": Expect("site:manage"),
    "core:site_history": Expect("site:manage"),
    "core:audit_log": Expect("audit:read"),
    # A logged-in user is sent on from the login page.
    "accounts:login": Expect(PUBLIC, ok=302, anonymous_ok=200),
    "accounts:logout": Expect(LOGGED_IN, ok=302, method="post"),
    "accounts:language": Expect(PUBLIC, ok=302, method="post"),
    "accounts:password_change": Expect(LOGGED_IN),
    "accounts:password_change_done": Expect(LOGGED_IN),
    "accounts:password_reset": Expect(PUBLIC),
    "accounts:password_reset_done": Expect(PUBLIC),
    # A valid link is sent on to the form that sets the new password.
    "accounts:password_reset_confirm": Expect(PUBLIC, ok=302),
    "accounts:password_reset_complete": Expect(PUBLIC),
    # People
    "people:list": Expect("people:read"),
    "people:intake": Expect("people:write"),
    "people:alerts": Expect("people:sensitive"),
    # A POST: the search words go in the body, never in the address (nor in the server's logs).
    "people:export": Expect("people:export", method="post"),
    "people:deleted": Expect("people:merge"),
    "people:detail": Expect("people:read"),
    "people:edit": Expect("people:write"),
    "people:history": Expect("people:sensitive"),
    "people:timeline": Expect("people:read"),
    "people:duplicates": Expect("people:write"),
    # Without matches at other sites it says so and goes back to the case file.
    "people:ask_coordinators": Expect("people:write", ok=302, method="post"),
    "people:status": Expect("people:write"),
    "people:transfer": Expect("people:merge"),
    "people:delete": Expect("people:merge", ok=302, method="post"),
    "people:restore": Expect("people:merge", ok=302, method="post"),
    "people:language_add": Expect("people:write"),
    "people:language_remove": Expect("people:write", ok=302, method="post"),
    "people:household_add": Expect("people:write"),
    "people:legal_status_add": Expect("people:sensitive"),
    # Correcting and removing: GET shows the form (removal asks for a reason before the POST).
    "people:legal_status_edit": Expect("people:sensitive"),
    "people:legal_status_remove": Expect("people:sensitive"),
    "people:document_add": Expect("people:sensitive"),
    "people:document_edit": Expect("people:sensitive"),
    "people:document_remove": Expect("people:sensitive"),
    "people:document_scan": Expect("people:sensitive"),
    "people:document_replace": Expect("people:sensitive", ok=302, method="post"),
    "people:privacy_notice_add": Expect("people:write"),
    "people:consent_withdraw": Expect("people:write"),
    "people:note_add": Expect("people:sensitive"),
    "people:merge": Expect("people:merge"),
    "people:merges": Expect("people:unmerge"),
    "people:merge_undo": Expect("people:unmerge", ok=302, method="post"),
    "plans:list": Expect("plans:read"),
    "plans:templates": Expect("reference:manage"),
    "plans:template_new": Expect("reference:manage"),
    "plans:template_detail": Expect("reference:manage"),
    "plans:template_phase_add": Expect("reference:manage"),
    "plans:template_phase": Expect("reference:manage"),
    "plans:template_phase_remove": Expect("reference:manage", ok=302, method="post"),
    # A POST without the form's fields: the form comes back with its messages.
    "plans:template_goal_add": Expect("reference:manage", ok=400, method="post"),
    "plans:template_goal_remove": Expect("reference:manage", ok=302, method="post"),
    "plans:notifications": Expect("site:view"),
    "plans:notifications_read": Expect("site:view", ok=302, method="post"),
    # The person has an active plan: the page sends on to it.
    "plans:person_plans": Expect("plans:read", ok=302),
    "plans:start": Expect("plans:write"),
    "plans:detail": Expect("plans:read"),
    "plans:goal_add": Expect("plans:write"),
    "plans:goal_edit": Expect("plans:write"),
    "plans:phase_edit": Expect("plans:write"),
    "plans:close": Expect("plans:close"),
    # Reviews with the person, the person's agreement and the autonomy matrix; the signed documents
    # are served to whoever may read the plan, through views that audit the download.
    "plans:review_add": Expect("plans:write"),
    "plans:review_scan": Expect("plans:read"),
    "plans:agreement": Expect("plans:write"),
    "plans:agreement_scan": Expect("plans:read"),
    "plans:matrix": Expect("plans:read"),
    "plans:assessment_add": Expect("plans:write"),
    "plans:interventions": Expect("plans:read"),
    # A POST, as the people export: the filters stay out of the file's address.
    "plans:interventions_export": Expect("plans:write", method="post"),
    "plans:intervention_add": Expect("plans:write"),
    "plans:intervention_edit": Expect("plans:write"),
    # GET shows the form that asks for a reason before the POST.
    "plans:intervention_remove": Expect("plans:write"),
    # The plan document (PDF) in the person's language; the walk's person speaks Somali: English.
    "plans:plan_pdf": Expect("plans:read"),
    # Appointments, tasks and "my work" (issue 4, item 6).
    "plans:my_work": Expect("plans:read"),
    "plans:calendar": Expect("plans:read"),
    "plans:appointment_add": Expect("plans:write"),
    # One click on the case file records a walk-in and goes back to it.
    "plans:walk_in": Expect("plans:write", ok=302, method="post"),
    "plans:appointment_edit": Expect("plans:write"),
    # GET shows the form with the statuses; the calendar's buttons post to it.
    "plans:appointment_status": Expect("plans:write"),
    "plans:tasks": Expect("plans:read"),
    "plans:task_add": Expect("plans:write"),
    "plans:task_edit": Expect("plans:write"),
    # The list's buttons: done, or open again; back to the task list.
    "plans:task_done": Expect("plans:write", ok=302, method="post"),
    "plans:task_reopen": Expect("plans:write", ok=302, method="post"),
    # The job desk (issue 5).
    "jobs:home": Expect("jobs:read"),
    # Qualifications and their recognition (issue 5, item 3); removing a step is the procedure
    # page's button, back to the procedure.
    "jobs:qualification_new": Expect("jobs:write"),
    "jobs:qualification_edit": Expect("jobs:write"),
    "jobs:recognition_new": Expect("jobs:write"),
    "jobs:recognitions": Expect("jobs:read"),
    "jobs:recognition": Expect("jobs:read"),
    "jobs:recognition_edit": Expect("jobs:write"),
    "jobs:recognition_outcome": Expect("jobs:write"),
    "jobs:recognition_step_add": Expect("jobs:write"),
    "jobs:recognition_step": Expect("jobs:write"),
    "jobs:recognition_step_remove": Expect("jobs:write", ok=302, method="post"),
    # The training catalogue; GET of the suggestion shows its form, and the enrolment's page its status.
    "jobs:trainings": Expect("jobs:read"),
    "jobs:training_new": Expect("jobs:write"),
    "jobs:training": Expect("jobs:read"),
    "jobs:training_edit": Expect("jobs:write"),
    "jobs:training_suggest": Expect("jobs:write"),
    "jobs:training_enrolment": Expect("jobs:read"),
    "jobs:occupations": Expect("jobs:read"),
    "jobs:offers": Expect("jobs:read"),
    "jobs:offer_new": Expect("jobs:write"),
    "jobs:offer": Expect("jobs:read"),
    "jobs:offer_edit": Expect("jobs:write"),
    # The offer page's buttons: change the status; prepare an application of a person who fits.
    "jobs:offer_status": Expect("jobs:write", ok=302, method="post"),
    "jobs:offer_propose": Expect("jobs:write", ok=302, method="post"),
    "jobs:employers": Expect("jobs:read"),
    "jobs:employer": Expect("jobs:read"),
    "jobs:person": Expect("jobs:read"),
    "jobs:application_new": Expect("jobs:write"),
    "jobs:application": Expect("jobs:read"),
    "jobs:placement_new": Expect("jobs:write"),
    "jobs:placement_edit": Expect("jobs:write"),
    "jobs:trades": Expect("jobs:read"),
    "jobs:cv": Expect("jobs:read"),
    "jobs:cv_edit": Expect("jobs:write"),
    "jobs:cv_import": Expect("jobs:write"),
    "jobs:cv_download": Expect("jobs:read"),
}


@dataclass(frozen=True)
class RomaPerson:
    person: Person
    document: IdentityDocument
    legal_status: LegalStatus
    consent: Consent
    language: SpokenLanguage
    other: Person  # a second person of site A
    merge: Merge  # two more people of site A, merged
    plan: Plan  # the person's active plan, from the suggested template
    template: PlanTemplate  # the site's suggested template (its phases and goals for the template URLs)
    template_phase: TemplatePhase
    template_goal: TemplateGoal
    goal: Goal  # one of its goals
    phase: Phase  # one of its phases
    review: Review  # a review of the plan, with its signed document scanned (the plan's agreement too)
    intervention: Intervention  # an entry of the person's log of interventions
    appointment: Appointment  # an appointment with the person, tomorrow
    task: Task  # an open task about the person
    offer: JobOffer  # a job offer of the site, with an application of the person
    application: Application
    placement: Placement  # the person's placement, at the offer's employer
    training: Training  # a training of the site's catalogue, suggested to the person for a goal
    enrolment: TrainingEnrolment
    qualification: Qualification  # a qualification of the person, with a CIMEA procedure and its steps
    recognition: RecognitionProcedure
    recognition_step: RecognitionStep


@pytest.fixture
def roma_person(personas: dict[str, Persona]) -> RomaPerson:
    """A person of site A with a scanned document, a legal status, a consent and a language (people URLs)."""
    site, actor = personas["operator_a"].site, personas["operator_a"].user
    with scope(site=site):
        person = services.person_intake(
            site=site,
            actor=actor,
            data=services.IntakeData(
                given_names="Amina",
                family_names="Yusuf",
                sex="F",
                birth_date=date(1995, 3, 4),
                birth_date_precision="exact",
                nationality="SO",
                phone="",
                mother_tongue="so",
                arrival_date=None,
                arrival_date_precision="exact",
            ),
        )
        scan = uploads.clean_upload(SimpleUploadedFile("scan.png", _png_bytes()))
        document = services.document_add(
            person=person, actor=actor, fields={"kind": "passport", "number": "SO123"}, scan=scan
        )
        legal_status = services.legal_status_add(
            person=person, actor=actor, fields={"status": "asylum_seeker", "valid_from": date(2026, 1, 5)}
        )
        notice = services.privacy_notice_add(
            person=person,
            actor=actor,
            given_on=date(2026, 1, 5),
            language="so",
            interpreter="",
            purposes=["case_management"],
        )
        others = [
            services.person_intake(
                site=site,
                actor=actor,
                data=services.IntakeData(
                    given_names=given,
                    family_names="Diallo",
                    sex="M",
                    birth_date=date(1990, 1, 1),
                    birth_date_precision="year",
                    nationality="GN",
                    phone="",
                    mother_tongue="",
                    arrival_date=None,
                    arrival_date_precision="exact",
                ),
            )
            for given in ("Mamadou", "Mamadu", "Alpha")
        ]
        merge = services.person_merge(keep=others[0], absorb=others[1], actor=personas["coordinator_a"].user)
        template = plan_services.template_create_suggested(site=site, actor=actor)
        plan = plan_services.plan_start(
            person=person, actor=actor, started_on=date(2026, 1, 5), template=template
        )
        plan = plan_services.plan_agreement_record(
            plan=plan,
            actor=actor,
            version=plan.version,
            agreed_on=date(2026, 1, 5),
            language="so",
            scan=uploads.clean_upload(SimpleUploadedFile("signed.png", _png_bytes())),
        )
        review = plan_services.review_add(
            plan=plan,
            actor=actor,
            fields={"held_on": date(2026, 4, 5), "person_agreed": True, "agreement_language": "so"},
            scores={"work": 2, "language": 1},
            scan=uploads.clean_upload(SimpleUploadedFile("signed.png", _png_bytes())),
        )
        intervention = plan_services.intervention_add(
            person=person, actor=actor, fields={"service": "legal", "duration_minutes": 30}
        )
        appointment = plan_services.appointment_add(
            person=person,
            actor=actor,
            fields={
                "starts_at": (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0),
                "duration_minutes": 30,
                "operator": actor,
            },
        )
        task = plan_services.task_add(
            site=site,
            actor=actor,
            fields={"title": "Call", "due_on": timezone.localdate() + timedelta(days=7), "assignee": actor},
            person=person,
        )
        offer = job_services.offer_create(
            site=site,
            actor=actor,
            fields={
                "title": "Cuoco",
                "source": "website",
                "employer": job_services.employer_find_or_create(site=site, actor=actor, name="Hotel Roma"),
            },
        )
        application = job_services.application_create(person=person, actor=actor, offer=offer)
        placement = job_services.placement_create(
            person=person,
            actor=actor,
            fields={
                "employer": offer.employer,
                "job_title": "Cuoco",
                "contract_type": "fixed_term",
                "started_on": timezone.localdate(),
            },
        )
        job_services.cv_save(person=person, actor=actor, content={"headline": "Cuoco"}, version=None)
        training = job_training.training_create(
            site=site, actor=actor, fields={"title": "Corso HACCP", "provider": "CPIA Roma 1"}
        )
        enrolment = job_training.enrolment_create(
            person=person, training=training, actor=actor, goal=plan.goals.order_by("pk").first()
        )
        qualification = job_recognition.qualification_add(
            person=person, actor=actor, fields={"title": "Laurea in Economia", "level": "bachelor"}
        )
        recognition = job_recognition.recognition_start(
            qualification=qualification, actor=actor, route="cimea"
        )
        return RomaPerson(
            qualification=qualification,
            recognition=recognition,
            recognition_step=recognition.steps.order_by("position").first(),
            offer=offer,
            application=application,
            placement=placement,
            training=training,
            enrolment=enrolment,
            appointment=appointment,
            task=task,
            template=template,
            template_phase=template.phases.order_by("pk").first(),
            template_goal=TemplateGoal.objects.filter(phase__template=template).order_by("pk").first(),
            intervention=intervention,
            plan=plan,
            goal=plan.goals.order_by("pk").first(),
            phase=plan.phases.order_by("pk").first(),
            review=review,
            person=person,
            document=document,
            legal_status=legal_status,
            consent=notice.consents.get(),
            language=person.languages.get(),
            other=others[2],
            merge=merge,
        )


# URL parameters that name an object of site A: through site B's address they are a 404.
OBJECT_PARAMS = {
    "pk",
    "plan_id",
    "intervention_id",
    "template_id",
    "appointment_id",
    "task_id",
    "offer_id",
    "employer_id",
    "application_id",
    "placement_id",
    "training_id",
    "enrolment_id",
    "qualification_id",
    "procedure_id",
}


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str = "", params: frozenset[str] = frozenset()
) -> Iterator[tuple[str, frozenset[str], URLPattern]]:
    for entry in patterns:
        entry_params = params | frozenset(entry.pattern.converters)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, entry_params)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry_params, entry
        else:
            raise AssertionError(f"URL pattern {entry.pattern} has no name: every URL needs one")


URLS = {name: (params, pattern) for name, params, pattern in _walk(get_resolver().url_patterns)}
VISITORS = ["anonymous", *PERSONA_ROLES]
# (visitor, site whose URLs are visited): every persona at site A, and B's operator at its own site.
CASES = [(visitor, "roma") for visitor in VISITORS] + [("operator_b", "vicenza")]


def test_every_url_has_an_expectation() -> None:
    missing = sorted(URLS.keys() - EXPECTATIONS.keys())
    stale = sorted(EXPECTATIONS.keys() - URLS.keys())
    assert not missing, f"Add these URLs to EXPECTATIONS: {missing}"
    assert not stale, f"These EXPECTATIONS name no URL: {stale}"


def test_expectations_name_known_permissions() -> None:
    for name, expect in EXPECTATIONS.items():
        assert expect.access in {PUBLIC, LOGGED_IN} | PERMISSIONS.keys(), name


@pytest.mark.parametrize("name", sorted(URLS))
def test_site_views_declare_the_expected_permission(name: str) -> None:
    params, pattern = URLS[name]
    declared = getattr(pattern.callback, "required_permission", None)
    expect = EXPECTATIONS.get(name)
    assert expect is not None, f"No expectation for {name}"
    if "site" in params:
        assert declared == expect.access, f"{name} declares {declared!r}"
    else:
        # Pages outside a site have no site membership to check a permission against.
        assert declared is None, f"{name} is outside /s/<site>/ but declares {declared!r}"
        assert expect.access in {PUBLIC, LOGGED_IN}, name


def _expected_status(expect: Expect, persona: Persona | None, url_site: Site, has_object: bool) -> int | str:
    if persona is None:
        if expect.access == PUBLIC:
            return expect.anonymous_ok or expect.ok
        return "login"
    if expect.access in {PUBLIC, LOGGED_IN}:
        return expect.ok
    if persona.site is not None and persona.site != url_site:
        return 404  # another site's URL: it might as well not exist
    if expect.access not in ROLE_PERMISSIONS[persona.role]:
        return 403
    if has_object and url_site.slug != "roma":
        return 404  # a site A object through site B's address: as if it did not exist
    return expect.ok


def _sample_kwargs(
    name: str, params: frozenset[str], url_site: Site, user_for_reset: object, person: RomaPerson | None
) -> dict[str, str | int]:
    samples: dict[str, Callable[[], str | int]] = {
        "site": lambda: url_site.slug,
        # A real object of site A (a person, or a role): another site's object for B's operator.
        "pk": lambda: (
            person.person.pk
            if name.startswith(("people:", "plans:", "jobs:"))
            else Membership.objects.filter(site__slug="roma").order_by("pk").values_list("pk", flat=True)[0]
        ),
        "document_id": lambda: person.document.pk,
        "status_id": lambda: person.legal_status.pk,
        "consent_id": lambda: person.consent.pk,
        "language_id": lambda: person.language.pk,
        "other_pk": lambda: person.other.pk,
        "merge_id": lambda: person.merge.pk,
        "plan_id": lambda: person.plan.pk,
        # The template pages take the template's own phases and suggested goals.
        "template_id": lambda: person.template.pk,
        "goal_id": lambda: person.template_goal.pk if name.startswith("plans:template") else person.goal.pk,
        "phase_id": lambda: (
            person.template_phase.pk if name.startswith("plans:template") else person.phase.pk
        ),
        "review_id": lambda: person.review.pk,
        "intervention_id": lambda: person.intervention.pk,
        "appointment_id": lambda: person.appointment.pk,
        "task_id": lambda: person.task.pk,
        "offer_id": lambda: person.offer.pk,
        "employer_id": lambda: person.offer.employer_id,
        "application_id": lambda: person.application.pk,
        "placement_id": lambda: person.placement.pk,
        "training_id": lambda: person.training.pk,
        "enrolment_id": lambda: person.enrolment.pk,
        "qualification_id": lambda: person.qualification.pk,
        "procedure_id": lambda: person.recognition.pk,
        "step_id": lambda: person.recognition_step.pk,
        "kind": lambda: "docx",
        "uidb64": lambda: urlsafe_base64_encode(force_bytes(user_for_reset.pk)),  # type: ignore[attr-defined]
        "token": lambda: default_token_generator.make_token(user_for_reset),  # type: ignore[arg-type]
    }
    unknown = params - samples.keys()
    assert not unknown, f"Add a sample value for the URL parameters {sorted(unknown)}"
    return {param: samples[param]() for param in params}


@pytest.mark.parametrize(("visitor", "site_slug"), CASES)
@pytest.mark.parametrize("name", sorted(URLS))
def test_walk(
    name: str,
    visitor: str,
    site_slug: str,
    personas: dict[str, Persona],
    client_for: Callable[[str], Client],
    request: pytest.FixtureRequest,
) -> None:
    # The people of site A are made only for the people pages (they cost most of the setup).
    roma_person = (
        request.getfixturevalue("roma_person") if name.startswith(("people:", "plans:", "jobs:")) else None
    )
    expect = EXPECTATIONS.get(name)
    if expect is None:
        pytest.fail(f"No expectation for the URL {name}: add it to EXPECTATIONS")
    params, _pattern = URLS[name]
    url_site = Site.objects.get(slug=site_slug)
    persona = None if visitor == "anonymous" else personas[visitor]
    client = Client() if persona is None else client_for(visitor)
    kwargs = _sample_kwargs(name, params, url_site, personas["operator_a"].user, roma_person)
    url = reverse(name, kwargs=kwargs or None)

    response = getattr(client, expect.method)(url)
    response.close()  # a file download holds the file open until closed

    expected = _expected_status(expect, persona, url_site, has_object=bool(params & OBJECT_PARAMS))
    if expected == "login":
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"
    else:
        assert response.status_code == expected, (url, visitor, response.status_code)
        if expected == 302:
            assert not response["Location"].startswith(reverse("accounts:login") + "?next"), response[
                "Location"
            ]
