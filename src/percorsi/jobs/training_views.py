"""The training catalogue's pages: the list with its filters, a training (its people, and the search
to suggest it to someone), the form to add or change one, a training suggested to a person, and how
it went (enrolled, attending, completed with or without certificate, dropped)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from percorsi.core import audit
from percorsi.core.decorators import get_site_object_or_404, site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.forms import add_domain_error, form_status
from percorsi.jobs import training as catalogue
from percorsi.jobs.models import Training, TrainingEnrolment
from percorsi.jobs.training_forms import EnrolmentForm, SuggestForm, TrainingForm
from percorsi.people import selectors as people_selectors
from percorsi.people.models import Person
from percorsi.people.views import live_person
from percorsi.plans.selectors import active_plan_goals

PAGE_SIZE = 25
PEOPLE_SHOWN = 10


def _training(request: HttpRequest, training_id: int) -> Training:
    return get_site_object_or_404(Training, request, training_id, action="jobs.training.accessed")


def _enrolment(request: HttpRequest, enrolment_id: int) -> TrainingEnrolment:
    enrolment = get_site_object_or_404(
        TrainingEnrolment, request, enrolment_id, action="jobs.training.enrolment_accessed"
    )
    if enrolment.person.deleted_at is not None or enrolment.person.merged_into_id is not None:
        raise Http404
    return enrolment


# --- The catalogue ------------------------------------------------------------------------------------


@require_GET
@site_permission_required("jobs:read")
def training_list(request: HttpRequest, site: str) -> HttpResponse:
    """The catalogue: open for application (the default), all, or past; by words and by sector."""
    when = request.GET.get("when", "open")
    when = when if when in catalogue.WHEN else "open"
    query = request.GET.get("q", "")[:100].strip()
    sector = request.GET.get("sector", "")
    sector = sector if sector.isdigit() and len(sector) == 2 else ""
    today = timezone.localdate()
    found = catalogue.trainings_found(when=when, query=query, sector=sector, today=today)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "jobs/training/training_list.html",
        {
            "page": page,
            "when": when,
            "whens": [
                ("open", _("open for application")),
                ("all", _("all, out of the catalogue too")),
                ("past", _("over")),
            ],
            "query": query,
            "sector": sector,
            "sectors": catalogue.sectors(),
            "params": params.urlencode(),
            "can_write": request.membership.has("jobs:write"),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def training_new(request: HttpRequest, site: str) -> HttpResponse:
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = catalogue.training_create(
                site=request.site, actor=request.user, fields=form.training_fields()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The training was added to the catalogue."))
            return redirect("jobs:training", site=site, training_id=training.pk)
    return render(
        request,
        "jobs/training/training_form.html",
        {"form": form, "training": None},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def training_edit(request: HttpRequest, site: str, training_id: int) -> HttpResponse:
    training = _training(request, training_id)
    form = TrainingForm(request.POST or None, initial=TrainingForm.initial_for(training), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.training_update(
                training=training,
                actor=request.user,
                version=form.cleaned_data["version"],
                fields=form.training_fields(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The training was saved."))
            return redirect("jobs:training", site=site, training_id=training.pk)
    return render(
        request,
        "jobs/training/training_form.html",
        {"form": form, "training": training},
        status=form_status(form),
    )


@require_GET
@site_permission_required("jobs:read")
def training_detail(request: HttpRequest, site: str, training_id: int) -> HttpResponse:
    """The training, the people it was suggested to with their status, and (for the desk's staff) a
    search for a person to suggest it to."""
    training = _training(request, training_id)
    today = timezone.localdate()
    enrolments = catalogue.training_enrolments(training)
    can_write = request.membership.has("jobs:write")
    query = request.GET.get("q", "")[:100].strip() if can_write else ""
    hits: list[Person] = []
    if query:
        hits = list(
            people_selectors.people_found(
                site=request.site,
                query=query,
                status="",
                sees_documents=request.membership.has("people:sensitive"),
            )
        )[:PEOPLE_SHOWN]
        audit.record(action="jobs.training.people_searched", obj=training, data={"shown": len(hits)})
    suggestable = training.is_active and not (training.ends_on and training.ends_on < today)
    return render(
        request,
        "jobs/training/training_detail.html",
        {
            "training": training,
            "enrolments": enrolments,
            "enrolled": sum(1 for e in enrolments if e.status in catalogue.TAKES_A_PLACE),
            "suggested_to": {e.person_id: e for e in enrolments},
            "query": query,
            "hits": hits,
            "suggestable": suggestable,
            "can_write": can_write,
            "today": today,
        },
    )


# --- A training suggested to a person -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def training_suggest(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """Suggest a training of the catalogue to the person (`?training=` chooses it, from the
    training's page), maybe for a goal of their active plan."""
    person = live_person(request, pk)
    trainings = catalogue.suggestable_trainings()
    goals = active_plan_goals(person=person)
    chosen = request.GET.get("training", "")
    initial = {"training": int(chosen)} if chosen.isdigit() and len(chosen) < 10 else {}
    form = SuggestForm(request.POST or None, initial=initial, trainings=trainings, goals=goals)
    back = "training" if (request.POST or request.GET).get("back") == "training" else "person"
    if request.method == "POST" and form.is_valid():
        training = form.cleaned_data["training"]
        try:
            catalogue.enrolment_create(
                person=person,
                training=training,
                actor=request.user,
                goal=form.cleaned_data.get("goal"),
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("“%(training)s” was suggested to %(name)s: update its status as it goes.")
                % {"training": training.title, "name": person.full_name},
            )
            if back == "training":
                return redirect("jobs:training", site=site, training_id=training.pk)
            return redirect("jobs:person", site=site, pk=person.pk)
    return render(
        request,
        "jobs/training/suggest_form.html",
        {
            "form": form,
            "person": person,
            "back": back,
            "back_training": initial.get("training") if initial.get("training") in form.trainings else None,
            "enrolments": catalogue.person_enrolments(person),
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:read")
def training_enrolment(request: HttpRequest, site: str, enrolment_id: int) -> HttpResponse:
    """A training suggested to a person: its statuses so far, and the form to record the next one."""
    enrolment = _enrolment(request, enrolment_id)
    person = enrolment.person
    can_write = request.membership.has("jobs:write")
    goals = active_plan_goals(person=person)
    if enrolment.goal is not None and enrolment.goal not in goals:
        goals.append(enrolment.goal)
    initial = {name: getattr(enrolment, name) for name in ("status", "status_since", "certificate", "notes")}
    initial |= {"goal": enrolment.goal_id, "version": enrolment.version}
    form = EnrolmentForm(request.POST or None, initial=initial, goals=goals)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                catalogue.enrolment_update(
                    enrolment=enrolment,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    fields=form.enrolment_fields(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The training's status was saved."))
                return redirect("jobs:training_enrolment", site=site, enrolment_id=enrolment.pk)
    else:
        audit.record(action="jobs.training.enrolment_viewed", obj=enrolment, data={"person": person.pk})
    return render(
        request,
        "jobs/training/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "training": enrolment.training,
            "person": person,
            "form": form,
            "steps": catalogue.enrolment_steps(enrolment),
            "can_write": can_write,
        },
        status=form_status(form),
    )
