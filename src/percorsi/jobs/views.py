"""The job desk's pages: its home, job offers with their matches, employers, a person's work
(CV, applications, placements and the offers that fit), applications, placements, and the most
requested trades."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
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
from percorsi.jobs import selectors, services
from percorsi.jobs.choices import APPLICATION_ENDED, ApplicationStatus, OfferSource, OfferStatus
from percorsi.jobs.forms import ApplicationForm, EmployerForm, OfferForm, PlacementForm, TradesForm
from percorsi.jobs.models import Application, Employer, IscoGroup, JobOffer, Placement
from percorsi.people.choices import ConsentPurpose
from percorsi.people.models import Person
from percorsi.people.selectors import consent_state, people_consenting
from percorsi.people.views import live_person
from percorsi.plans.selectors import active_plan_goals

PAGE_SIZE = 25


def _employers() -> list[Employer]:
    return list(Employer.objects.only("pk", "name").order_by("name"))


@require_GET
@site_permission_required("jobs:read")
def desk(request: HttpRequest, site: str) -> HttpResponse:
    """The job desk's home: open offers, applications in progress, recent placements, and links."""
    today = timezone.localdate()
    open_offers = JobOffer.objects.filter(status=OfferStatus.OPEN).count()
    in_progress = (
        Application.objects.exclude(status__in=APPLICATION_ENDED)
        .filter(person__deleted_at__isnull=True, person__merged_into__isnull=True)
        .count()
    )
    interviews = list(
        Application.objects.filter(
            interview_at__date__gte=today, interview_at__date__lte=today + timedelta(days=7)
        )
        .filter(person__deleted_at__isnull=True, person__merged_into__isnull=True)
        .select_related("person", "offer__employer", "employer")
        .order_by("interview_at")[:20]
    )
    placements = list(
        Placement.objects.filter(started_on__gte=today - timedelta(days=90))
        .filter(person__deleted_at__isnull=True, person__merged_into__isnull=True)
        .select_related("person", "employer")
        .order_by("-started_on")[:10]
    )
    audit.record(action="jobs.desk.viewed", object_type="jobs.joboffer", data={"interviews": len(interviews)})
    return render(
        request,
        "jobs/desk.html",
        {
            "open_offers": open_offers,
            "in_progress": in_progress,
            "interviews": interviews,
            "placements": placements,
            "can_write": request.membership.has("jobs:write"),
        },
    )


# --- Job offers ---------------------------------------------------------------------------------------


@require_GET
@site_permission_required("jobs:read")
def offer_list(request: HttpRequest, site: str) -> HttpResponse:
    status = request.GET.get("status", OfferStatus.OPEN)
    status = status if status in OfferStatus.values or status == "" else OfferStatus.OPEN
    source = request.GET.get("source", "")
    source = source if source in OfferSource.values else ""
    query = request.GET.get("q", "")[:100]
    sector = request.GET.get("sector", "")
    sector = sector if sector.isdigit() and len(sector) <= 4 else ""
    offers = selectors.offers_found(status=status, query=query, sector=sector, source=source)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "jobs/offer_list.html",
        {
            "page": page,
            "status": status,
            "source": source,
            "query": query,
            "statuses": OfferStatus.choices,
            "sources": OfferSource.choices,
            "sectors": IscoGroup.objects.filter(level=2).order_by("code"),
            "sector": sector,
            "params": params.urlencode(),
            "can_write": request.membership.has("jobs:write"),
            "today": timezone.localdate(),
        },
    )


def _save_offer(request: HttpRequest, form: OfferForm, offer: JobOffer | None) -> JobOffer | None:
    fields = form.offer_fields()
    try:
        name = form.cleaned_data.get("employer_name", "")
        fields["employer"] = (
            services.employer_find_or_create(site=request.site, actor=request.user, name=name)
            if name
            else None
        )
        if offer is None:
            return services.offer_create(site=request.site, actor=request.user, fields=fields)
        return services.offer_update(
            offer=offer, actor=request.user, version=form.cleaned_data["version"], fields=fields
        )
    except DomainError as error:
        if error.field == "employer":
            form.add_error("employer_name", error.message)
        else:
            add_domain_error(form, error)
    return None


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def offer_new(request: HttpRequest, site: str) -> HttpResponse:
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = _save_offer(request, form, None)
        if offer is not None:
            messages.success(request, _("The offer was saved: here are the people who fit it."))
            return redirect("jobs:offer", site=site, offer_id=offer.pk)
    return render(
        request,
        "jobs/offer_form.html",
        {"form": form, "employers": _employers(), "offer": None},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def offer_edit(request: HttpRequest, site: str, offer_id: int) -> HttpResponse:
    offer = get_site_object_or_404(JobOffer, request, offer_id, action="jobs.offer.accessed")
    initial = {name: getattr(offer, name) for name in services.OFFER_FIELDS if name != "employer"}
    initial |= {"employer_name": offer.employer.name if offer.employer else "", "version": offer.version}
    form = OfferForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        saved = _save_offer(request, form, offer)
        if saved is not None:
            messages.success(request, _("The offer was saved."))
            return redirect("jobs:offer", site=site, offer_id=offer.pk)
    return render(
        request,
        "jobs/offer_form.html",
        {"form": form, "employers": _employers(), "offer": offer},
        status=form_status(form),
    )


@require_GET
@site_permission_required("jobs:read")
def offer_detail(request: HttpRequest, site: str, offer_id: int) -> HttpResponse:
    """The offer, its applications, and the site's people ranked by how well they fit it."""
    offer = get_site_object_or_404(JobOffer, request, offer_id, action="jobs.offer.accessed")
    applications = list(
        Application.objects.filter(offer=offer)
        .filter(person__deleted_at__isnull=True, person__merged_into__isnull=True)
        .select_related("person")
    )
    applied = {a.person_id for a in applications}
    matches, without_cv = selectors.matches_for_offer(offer)
    consenting = people_consenting(
        [m.person.pk for m in matches] + [a.person_id for a in applications], ConsentPurpose.JOB_MATCHING
    )
    audit.record(action="jobs.offer.matched", obj=offer, data={"shown": len(matches)})
    return render(
        request,
        "jobs/offer_detail.html",
        {
            "offer": offer,
            "applications": applications,
            "matches": matches,
            "applied": applied,
            "without_cv": without_cv,
            "consenting": consenting,
            "statuses": OfferStatus.choices,
            "can_write": request.membership.has("jobs:write"),
        },
    )


@require_POST
@site_permission_required("jobs:write")
def offer_status(request: HttpRequest, site: str, offer_id: int) -> HttpResponse:
    offer = get_site_object_or_404(JobOffer, request, offer_id, action="jobs.offer.accessed")
    status = request.POST.get("status", "")
    if status not in OfferStatus.values:
        messages.error(request, _("Choose open, filled or closed."))
    else:
        services.offer_set_status(offer=offer, actor=request.user, status=status)
        messages.success(request, _("The offer's status was changed."))
    return redirect("jobs:offer", site=site, offer_id=offer.pk)


@require_POST
@site_permission_required("jobs:write")
def offer_propose(request: HttpRequest, site: str, offer_id: int, pk: int) -> HttpResponse:
    """From the offer's matches: an application of that person to the offer, to be prepared."""
    offer = get_site_object_or_404(JobOffer, request, offer_id, action="jobs.offer.accessed")
    person = live_person(request, pk)
    try:
        application = services.application_create(person=person, actor=request.user, offer=offer)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("jobs:offer", site=site, offer_id=offer.pk)
    messages.success(request, _("An application was prepared: update it once it is sent."))
    return redirect("jobs:application", site=site, application_id=application.pk)


# --- Employers ----------------------------------------------------------------------------------------


@require_GET
@site_permission_required("jobs:read")
def employer_list(request: HttpRequest, site: str) -> HttpResponse:
    query = request.GET.get("q", "")[:100].strip()
    employers = Employer.objects.all()
    if query:
        employers = employers.filter(name__icontains=query)
    page = Paginator(employers.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "jobs/employer_list.html",
        {"page": page, "query": query, "params": params.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:read")
def employer_detail(request: HttpRequest, site: str, employer_id: int) -> HttpResponse:
    """The employer's details (editable at the desk), its offers, and who works or applied there."""
    employer = get_site_object_or_404(Employer, request, employer_id, action="jobs.employer.accessed")
    can_write = request.membership.has("jobs:write")
    initial = {name: getattr(employer, name) for name in services.EMPLOYER_FIELDS} | {
        "version": employer.version
    }
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.employer_update(
                    employer=employer,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    fields=form.employer_fields(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The employer was saved."))
                return redirect("jobs:employer", site=site, employer_id=employer.pk)
    offers = list(employer.offers.order_by("-created_at")[:20])
    placements = list(
        employer.placements.filter(person__deleted_at__isnull=True, person__merged_into__isnull=True)
        .select_related("person")
        .order_by("-started_on")[:20]
    )
    return render(
        request,
        "jobs/employer_detail.html",
        {
            "employer": employer,
            "form": form,
            "offers": offers,
            "placements": placements,
            "can_write": can_write,
        },
        status=form_status(form),
    )


# --- A person's work ----------------------------------------------------------------------------------


def consent_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    """For jobs/_consent_banner.html: whether the person consents to sharing their CV."""
    return {
        "consent": consent_state(person, ConsentPurpose.JOB_MATCHING),
        "can_record_consent": request.membership.has("people:write"),
    }


@require_GET
@site_permission_required("jobs:read")
def person_work(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """A person at the job desk: CV, applications, placements, and the open offers that fit them."""
    person = live_person(request, pk)
    applications = selectors.person_applications(person)
    placements = selectors.person_placements(person)
    today = timezone.localdate()
    audit.record(action="jobs.person.viewed", obj=person)
    return render(
        request,
        "jobs/person_work.html",
        {
            "person": person,
            "cv": selectors.person_cv(person),
            "applications": applications,
            "placements": placements,
            "current": [p for p in placements if p.is_current(today)],
            "matches": selectors.matches_for_person(person, limit=10),
            "applied": {a.offer_id for a in applications if a.offer_id},
            "can_write": request.membership.has("jobs:write"),
            "today": today,
            **consent_context(request, person),
        },
    )


# --- Applications -------------------------------------------------------------------------------------


def _application(request: HttpRequest, application_id: int) -> Application:
    application = get_site_object_or_404(
        Application, request, application_id, action="jobs.application.accessed"
    )
    if application.person.deleted_at is not None or application.person.merged_into_id is not None:
        raise Http404
    return application


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def application_new(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """A spontaneous application of the person to an employer (applications to an offer start from
    the offer's page)."""
    person = live_person(request, pk)
    form = ApplicationForm(request.POST or None, spontaneous=True)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_find_or_create(
                site=request.site, actor=request.user, name=form.cleaned_data["employer_name"]
            )
            application = services.application_create(
                person=person, actor=request.user, employer=employer, fields=form.application_fields()
            )
        except DomainError as error:
            if error.field == "employer":
                form.add_error("employer_name", error.message)
            else:
                add_domain_error(form, error)
        else:
            messages.success(request, _("The application was recorded."))
            return redirect("jobs:application", site=site, application_id=application.pk)
    return render(
        request,
        "jobs/application_form.html",
        {"form": form, "person": person, "application": None, "employers": _employers()},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:read")
def application_detail(request: HttpRequest, site: str, application_id: int) -> HttpResponse:
    """The application: its status with dates (the history below), the interview and its preparation."""
    application = _application(request, application_id)
    can_write = request.membership.has("jobs:write")
    initial = {name: getattr(application, name) for name in services.APPLICATION_FIELDS}
    initial["version"] = application.version
    if application.interview_at:
        initial["interview_at"] = timezone.localtime(application.interview_at)
    form = ApplicationForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.application_update(
                    application=application,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    fields=form.application_fields(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The application was saved."))
                return redirect("jobs:application", site=site, application_id=application.pk)
    history = list(
        application.history.order_by("history_date").values("status", "status_since", "history_date")
    )
    steps = []
    for row in history:
        if not steps or steps[-1]["status"] != row["status"]:
            steps.append(row)
    labels = dict(Application._meta.get_field("status").choices)
    audit.record(action="jobs.application.viewed", obj=application, data={"person": application.person_id})
    return render(
        request,
        "jobs/application_detail.html",
        {
            "application": application,
            "person": application.person,
            "form": form,
            "steps": [(labels.get(s["status"], s["status"]), s["status_since"]) for s in steps],
            "can_write": can_write,
            **(
                consent_context(request, application.person)
                if application.status == ApplicationStatus.PREPARED
                else {}
            ),
        },
        status=form_status(form),
    )


# --- Placements ---------------------------------------------------------------------------------------


def _placement_goals(request: HttpRequest, person: Person) -> list[Any]:
    """The goals a placement may serve: only for a role that sees plans (not a desk volunteer)."""
    return active_plan_goals(person=person) if request.membership.has("plans:read") else []


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def placement_new(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    application = None
    application_id = request.GET.get("application") or request.POST.get("application")
    initial: dict[str, Any] = {"started_on": timezone.localdate()}
    if application_id and str(application_id).isdigit():
        application = (
            Application.objects.filter(pk=int(application_id), person=person)
            .select_related("offer__employer", "employer", "offer__occupation")
            .first()
        )
        if application is not None:
            offer = application.offer
            employer = offer.employer if offer else application.employer
            initial |= {
                "employer_name": employer.name if employer else "",
                "job_title": offer.title if offer else "",
                "occupation": offer.occupation if offer else None,
                "contract_type": offer.contract_type if offer else "",
                "hours_per_week": offer.hours_per_week if offer else None,
            }
    goals = _placement_goals(request, person)
    form = PlacementForm(request.POST or None, initial=initial, goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.placement_fields()
            fields["employer"] = services.employer_find_or_create(
                site=request.site, actor=request.user, name=form.cleaned_data["employer_name"]
            )
            services.placement_create(
                person=person,
                actor=request.user,
                fields=fields,
                application=application,
                goal_achieved=form.cleaned_data.get("goal_achieved", False),
            )
        except DomainError as error:
            if error.field == "employer":
                form.add_error("employer_name", error.message)
            else:
                add_domain_error(form, error)
        else:
            messages.success(request, _("The placement was recorded."))
            return redirect("jobs:person", site=site, pk=person.pk)
    return render(
        request,
        "jobs/placement_form.html",
        {
            "form": form,
            "person": person,
            "placement": None,
            "application": application,
            "employers": _employers(),
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def placement_edit(request: HttpRequest, site: str, placement_id: int) -> HttpResponse:
    placement = get_site_object_or_404(Placement, request, placement_id, action="jobs.placement.accessed")
    person = placement.person
    if person.deleted_at is not None or person.merged_into_id is not None:
        raise Http404
    initial = {name: getattr(placement, name) for name in services.PLACEMENT_FIELDS if name != "employer"}
    initial |= {
        "employer_name": placement.employer.name,
        "version": placement.version,
        "goal": placement.goal_id,
    }
    goals = _placement_goals(request, person)
    if goals and placement.goal is not None and placement.goal not in goals:
        goals.append(placement.goal)
    form = PlacementForm(request.POST or None, initial=initial, goals=goals, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.placement_fields()
            fields["employer"] = services.employer_find_or_create(
                site=request.site, actor=request.user, name=form.cleaned_data["employer_name"]
            )
            services.placement_update(
                placement=placement, actor=request.user, version=form.cleaned_data["version"], fields=fields
            )
        except DomainError as error:
            if error.field == "employer":
                form.add_error("employer_name", error.message)
            else:
                add_domain_error(form, error)
        else:
            messages.success(request, _("The placement was saved."))
            return redirect("jobs:person", site=site, pk=person.pk)
    return render(
        request,
        "jobs/placement_form.html",
        {
            "form": form,
            "person": person,
            "placement": placement,
            "application": None,
            "employers": _employers(),
        },
        status=form_status(form),
    )


# --- The most requested trades ------------------------------------------------------------------------


@require_GET
@site_permission_required("jobs:read")
def trades(request: HttpRequest, site: str) -> HttpResponse:
    """Job offers counted by ISCO-08 sub-major group and occupation over a period: what the desk
    sees most, and so the trade vocabulary the Italian course should teach."""
    today = timezone.localdate()
    defaults = {"start": date(today.year, 1, 1), "end": today}
    form = TradesForm(request.GET or None, initial=defaults)
    start, end = defaults["start"], defaults["end"]
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows, total = selectors.most_requested_trades(start=start, end=end)
    return render(
        request,
        "jobs/trades.html",
        {"form": form, "rows": rows, "total": total, "start": start, "end": end},
        status=form_status(form),
    )
