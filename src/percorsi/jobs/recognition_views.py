"""The recognition of qualifications earned abroad: a person's qualifications, the procedures by
route with their steps, costs and outcome, and the site's list of open procedures (stalled first)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from percorsi.core import audit
from percorsi.core.decorators import get_site_object_or_404, site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.forms import add_domain_error, form_status
from percorsi.core.permissions import Role
from percorsi.core.selectors import site_staff
from percorsi.jobs import recognition
from percorsi.jobs.choices import RecognitionRoute
from percorsi.jobs.models import Qualification, RecognitionProcedure, RecognitionStep
from percorsi.jobs.recognition_forms import (
    EQPR_SUGGESTED,
    OutcomeForm,
    ProcedureForm,
    QualificationForm,
    StepAddForm,
    StepForm,
)
from percorsi.people.models import Person
from percorsi.people.views import live_person
from percorsi.plans.selectors import active_plan_goals

PAGE_SIZE = 25
# Who may follow a procedure: the desk's staff.
FOLLOWERS = (Role.OPERATOR, Role.COORDINATOR, Role.DESK_VOLUNTEER)


def _live(person: Person) -> None:
    if person.deleted_at is not None or person.merged_into_id is not None:
        raise Http404


def _qualification(request: HttpRequest, qualification_id: int) -> Qualification:
    qualification = get_site_object_or_404(
        Qualification, request, qualification_id, action="jobs.qualification.accessed"
    )
    _live(qualification.person)
    return qualification


def _procedure(request: HttpRequest, procedure_id: int) -> RecognitionProcedure:
    procedure = get_site_object_or_404(
        RecognitionProcedure, request, procedure_id, action="jobs.recognition.accessed"
    )
    _live(procedure.person)
    return procedure


def _step(request: HttpRequest, procedure: RecognitionProcedure, step_id: int) -> RecognitionStep:
    step = get_site_object_or_404(RecognitionStep, request, step_id, action="jobs.recognition.accessed")
    if step.procedure_id != procedure.pk:
        raise Http404
    return step


def _staff(request: HttpRequest, keep: Any = None) -> list[Any]:
    memberships = site_staff(site=request.site).filter(
        is_active=True, user__is_active=True, role__in=FOLLOWERS
    )
    staff = [m.user for m in memberships]
    unique = list({user.pk: user for user in staff}.values())
    if keep is not None and keep.pk not in {user.pk for user in unique}:
        unique.append(keep)  # someone who left keeps the procedures they followed, until changed
    return unique


def _goals(person: Person, keep: Any = None) -> list[Any]:
    goals = active_plan_goals(person=person)
    if keep is not None and keep not in goals:
        goals.append(keep)
    return goals


def _to_procedure(site: str, procedure: RecognitionProcedure) -> HttpResponse:
    return redirect("jobs:recognition", site=site, procedure_id=procedure.pk)


# --- Qualifications -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def qualification_new(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recognition.qualification_add(
                person=person, actor=request.user, fields=form.qualification_fields()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The qualification was saved: start its recognition when ready."))
            return redirect("jobs:person", site=site, pk=person.pk)
    return render(
        request,
        "jobs/recognition/qualification_form.html",
        {"form": form, "person": person, "qualification": None},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def qualification_edit(request: HttpRequest, site: str, qualification_id: int) -> HttpResponse:
    qualification = _qualification(request, qualification_id)
    initial = {name: getattr(qualification, name) for name in recognition.QUALIFICATION_FIELDS}
    initial["version"] = qualification.version
    form = QualificationForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            recognition.qualification_update(
                qualification=qualification,
                actor=request.user,
                version=form.cleaned_data["version"],
                fields=form.qualification_fields(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The qualification was saved."))
            return redirect("jobs:person", site=site, pk=qualification.person_id)
    return render(
        request,
        "jobs/recognition/qualification_form.html",
        {"form": form, "person": qualification.person, "qualification": qualification},
        status=form_status(form),
    )


# --- Procedures ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def recognition_new(request: HttpRequest, site: str, qualification_id: int) -> HttpResponse:
    """Start a procedure for the qualification: the route (EQPR suggested without documents)."""
    qualification = _qualification(request, qualification_id)
    person = qualification.person
    no_document = recognition.has_no_document(qualification)
    staff = _staff(request)
    follower = request.user if request.user.pk in {u.pk for u in staff} else person.operator
    form = ProcedureForm(
        request.POST or None,
        staff=staff,
        goals=_goals(person),
        no_document=no_document,
        initial={"operator": follower.pk if follower else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procedure = recognition.recognition_start(
                qualification=qualification,
                actor=request.user,
                route=data["route"],
                started_on=data["started_on"],
                operator=data["operator"],
                goal=data["goal"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The procedure was started with the route's usual steps."))
            return _to_procedure(site, procedure)
    return render(
        request,
        "jobs/recognition/procedure_form.html",
        {
            "form": form,
            "person": person,
            "qualification": qualification,
            "procedure": None,
            "eqpr_suggested": EQPR_SUGGESTED if no_document else "",
        },
        status=form_status(form),
    )


@require_GET
@site_permission_required("jobs:read")
def recognition_list(request: HttpRequest, site: str) -> HttpResponse:
    """The site's open procedures, those without a change for 30 days first and marked."""
    route = request.GET.get("route", "")
    route = route if route in RecognitionRoute.values else ""
    stalled_only = request.GET.get("stalled") == "1"
    today = timezone.localdate()
    found = recognition.open_procedures(route=route, stalled_only=stalled_only, today=today)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [recognition.procedure_row(procedure, today) for procedure in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    audit.record(
        action="jobs.recognition.listed", object_type="jobs.recognitionprocedure", data={"shown": len(rows)}
    )
    return render(
        request,
        "jobs/recognition/procedure_list.html",
        {
            "page": page,
            "rows": rows,
            "route": route,
            "routes": RecognitionRoute.choices,
            "stalled_only": stalled_only,
            "stalled_days": recognition.STALLED_DAYS,
            "params": params.urlencode(),
        },
    )


@require_GET
@site_permission_required("jobs:read")
def recognition_detail(request: HttpRequest, site: str, procedure_id: int) -> HttpResponse:
    """The procedure: its steps with dates, costs and documents, the total cost, the outcome."""
    procedure = _procedure(request, procedure_id)
    row = recognition.procedure_row(procedure)
    audit.record(action="jobs.recognition.viewed", obj=procedure, data={"person": procedure.person_id})
    can_write = request.membership.has("jobs:write")
    return render(
        request,
        "jobs/recognition/procedure_detail.html",
        {
            "procedure": procedure,
            "person": procedure.person,
            "qualification": procedure.qualification,
            "row": row,
            "can_write": can_write,
            "add_form": StepAddForm() if can_write and procedure.is_open else None,
            "stalled_days": recognition.STALLED_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def recognition_edit(request: HttpRequest, site: str, procedure_id: int) -> HttpResponse:
    """When it started, who follows it, the goal it serves."""
    procedure = _procedure(request, procedure_id)
    initial = {
        "started_on": procedure.started_on,
        "operator": procedure.operator_id,
        "goal": procedure.goal_id,
        "version": procedure.version,
    }
    form = ProcedureForm(
        request.POST or None,
        initial=initial,
        staff=_staff(request, keep=procedure.operator),
        goals=_goals(procedure.person, keep=procedure.goal),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recognition.recognition_update(
                procedure=procedure,
                actor=request.user,
                version=data["version"],
                fields={name: data[name] for name in recognition.PROCEDURE_FIELDS},
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The procedure was saved."))
            return _to_procedure(site, procedure)
    return render(
        request,
        "jobs/recognition/procedure_form.html",
        {
            "form": form,
            "person": procedure.person,
            "qualification": procedure.qualification,
            "procedure": procedure,
            "eqpr_suggested": "",
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def recognition_outcome(request: HttpRequest, site: str, procedure_id: int) -> HttpResponse:
    """The outcome, its date and what was recognised: it closes the procedure."""
    procedure = _procedure(request, procedure_id)
    initial = {name: getattr(procedure, name) for name in recognition.OUTCOME_FIELDS}
    initial["version"] = procedure.version
    if not procedure.outcome_on:
        initial["outcome_on"] = timezone.localdate()
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            recognition.recognition_outcome(
                procedure=procedure,
                actor=request.user,
                version=form.cleaned_data["version"],
                fields=form.outcome_fields(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The outcome was recorded: the procedure is closed."))
            return _to_procedure(site, procedure)
    return render(
        request,
        "jobs/recognition/outcome_form.html",
        {"form": form, "person": procedure.person, "procedure": procedure},
        status=form_status(form),
    )


# --- Steps --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def step_edit(request: HttpRequest, site: str, procedure_id: int, step_id: int) -> HttpResponse:
    procedure = _procedure(request, procedure_id)
    step = _step(request, procedure, step_id)
    initial = {name: getattr(step, name) for name in recognition.STEP_FIELDS} | {"version": step.version}
    form = StepForm(request.POST or None, initial=initial, kind=step.kind)
    if request.method == "POST" and form.is_valid():
        try:
            recognition.step_update(
                step=step, actor=request.user, version=form.cleaned_data["version"], fields=form.step_fields()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The step was saved."))
            return _to_procedure(site, procedure)
    return render(
        request,
        "jobs/recognition/step_form.html",
        {"form": form, "person": procedure.person, "procedure": procedure, "step": step},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def step_add(request: HttpRequest, site: str, procedure_id: int) -> HttpResponse:
    """A step the route's list did not have: more information requested, or another one."""
    procedure = _procedure(request, procedure_id)
    form = StepAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recognition.step_add(
                procedure=procedure,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                due_on=form.cleaned_data["due_on"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The step was added."))
            return _to_procedure(site, procedure)
    return render(
        request,
        "jobs/recognition/step_form.html",
        {"form": form, "person": procedure.person, "procedure": procedure, "step": None},
        status=form_status(form),
    )


@require_POST
@site_permission_required("jobs:write")
def step_remove(request: HttpRequest, site: str, procedure_id: int, step_id: int) -> HttpResponse:
    """A step recorded by mistake goes; back to the procedure."""
    procedure = _procedure(request, procedure_id)
    step = _step(request, procedure, step_id)
    try:
        recognition.step_remove(step=step, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The step was removed."))
    return _to_procedure(site, procedure)
