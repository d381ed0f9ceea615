"""Plan pages: a person's plans, starting one from a template, the plan with its timeline, goals,
phases and closing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.decorators import get_site_object_or_404, site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.forms import add_domain_error, form_status
from percorsi.core.models import Site
from percorsi.core.selectors import operator_choices, site_staff
from percorsi.people.forms import RemovalForm
from percorsi.people.models import Person
from percorsi.people.views import live_person
from percorsi.plans import calendar as calendar_days
from percorsi.plans import documents, interventions, selectors, services
from percorsi.plans.choices import AppointmentStatus, PlanStatus
from percorsi.plans.forms import (
    AppointmentForm,
    AppointmentStatusForm,
    CalendarForm,
    GoalForm,
    InterventionFilterForm,
    InterventionForm,
    PhaseForm,
    PlanCloseForm,
    PlanListForm,
    PlanStartForm,
    TaskForm,
    TaskListForm,
)
from percorsi.plans.models import (
    Appointment,
    Goal,
    Intervention,
    Notification,
    Phase,
    Plan,
    PlanTemplate,
    Task,
)


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_site_object_or_404(Plan, request, plan_id, action="plans.plan.accessed")
    if plan.person.merged_into_id is not None or plan.person.deleted_at is not None:
        raise Http404
    return plan


PAGE_SIZE = 25


@require_GET
@site_permission_required("plans:read")
def plan_list(request: HttpRequest, site: str) -> HttpResponse:
    """The site's active plans: progress and goals past their date, mine first if I am an operator."""
    form = PlanListForm(request.GET or None)
    mine = overdue = False
    if form.is_valid():
        mine, overdue = form.cleaned_data["mine"], form.cleaned_data["overdue"]
    plans = selectors.active_plans(operator_id=request.user.pk if mine else None, overdue_only=overdue)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        action="plans.plan.listed",
        object_type="plans.plan",
        data={"page": page.number, "shown": len(page.object_list)},
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "plans/plan_list.html", {"form": form, "page": page, "params": params.urlencode()})


@require_GET
@site_permission_required("plans:read")
def person_plans(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """The person's active plan, or the way to start one, and the past plans."""
    person = live_person(request, pk)
    plans = selectors.person_plans(person=person)
    active = next((p for p in plans if p.status == PlanStatus.ACTIVE), None)
    if active is not None:
        return redirect("plans:detail", site=site, plan_id=active.pk)
    audit.record(action="plans.plan.listed", obj=person)
    return render(
        request,
        "plans/person_plans.html",
        {"person": person, "plans": plans, "can_write": request.membership.has("plans:write")},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def plan_start(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    templates = list(PlanTemplate.objects.filter(is_active=True))
    form = PlanStartForm(
        request.POST if request.method == "POST" else None,
        templates=templates,
        operators=operator_choices(request.site),
        initial={"operator": person.operator_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = next((t for t in templates if t.pk == data["template"]), None)
        operator = next(
            (m.user for m in site_staff(site=request.site) if m.user_id == data["operator"]), None
        )
        try:
            plan = services.plan_start(
                person=person,
                actor=request.user,
                started_on=data["started_on"],
                template=template,
                operator=operator,
                review_every_months=data["review_every_months"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The plan was started. Go through its goals with the person."))
            return redirect("plans:detail", site=site, plan_id=plan.pk)
    return render(
        request,
        "plans/plan_start.html",
        {"form": form, "person": person, "templates": templates},
        status=form_status(form),
    )


@require_GET
@site_permission_required("plans:read")
def plan_detail(request: HttpRequest, site: str, plan_id: int) -> HttpResponse:
    plan = selectors.plan_page(pk=plan_id)
    if plan is None or plan.person.deleted_at is not None:
        _plan(request, plan_id)  # another site's plan: a 404 with an audit entry
        raise Http404
    audit.record(action="plans.plan.viewed", obj=plan, data={"person": plan.person_id})
    goals = list(plan.goals.all())
    notes = selectors.goal_notes(goals)  # what the other services did for each goal (trainings...)
    for goal in goals:
        goal.service_notes = notes.get(goal.pk, [])  # type: ignore[attr-defined]
    phases = list(plan.phases.all())
    by_phase = [(phase, [g for g in goals if g.phase_id == phase.pk]) for phase in phases]
    loose = [g for g in goals if g.phase_id is None]
    can_write = request.membership.has("plans:write") and plan.status == PlanStatus.ACTIVE
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "person": plan.person,
            "by_phase": by_phase,
            "loose": loose,
            "progress": selectors.progress(plan),
            "timeline": selectors.timeline(plan),
            "can_write": can_write,
            "can_close": request.membership.has("plans:close") and plan.status == PlanStatus.ACTIVE,
            "past_plans": [p for p in selectors.person_plans(person=plan.person) if p.pk != plan.pk],
            "document_languages": documents.language_choices(),
            "document_language": documents.default_language(plan.person),
            "reviews": selectors.plan_reviews(plan),
        },
    )


def _plan_form_page(
    request: HttpRequest, *, plan: Plan, form: Any, title: str, action: Any, success: str
) -> HttpResponse:
    """A page with one form about a plan: validate, call the service, back to the plan."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, success)
            return redirect("plans:detail", site=request.site.slug, plan_id=plan.pk)
    return render(
        request,
        "plans/plan_form.html",
        {"form": form, "plan": plan, "person": plan.person, "title": title},
        status=form_status(form),
    )


def closed_plan_redirect(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    """Back to the plan with a message when it is closed (a closed plan is read-only), else None."""
    if plan.status == PlanStatus.ACTIVE:
        return None
    messages.error(request, _("This plan is closed: it can no longer be changed."))
    return redirect("plans:detail", site=request.site.slug, plan_id=plan.pk)


def _plan_part[M: (Goal, Phase)](request: HttpRequest, plan: Plan, model: type[M], pk: int, action: str) -> M:
    """A goal or phase of the plan; another plan's, or another site's, is a 404."""
    part = get_site_object_or_404(model, request, pk, action=action)
    if part.plan_id != plan.pk:
        raise Http404
    return part


def _goal_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in (*services.GOAL_FIELDS, "status", "status_reason") if name in data}


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def goal_add(request: HttpRequest, site: str, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if closed := closed_plan_redirect(request, plan):
        return closed
    form = GoalForm(request.POST if request.method == "POST" else None, phases=list(plan.phases.all()))
    return _plan_form_page(
        request,
        plan=plan,
        form=form,
        title=_("Add a goal"),
        success=_("The goal was added."),
        action=lambda d: services.goal_add(plan=plan, actor=request.user, fields=_goal_fields(d)),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def goal_edit(request: HttpRequest, site: str, plan_id: int, goal_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    goal = _plan_part(request, plan, Goal, goal_id, "plans.goal.accessed")
    if closed := closed_plan_redirect(request, plan):
        return closed
    form = GoalForm(
        request.POST if request.method == "POST" else None,
        instance=None if request.method == "POST" else goal,
        initial={"version": goal.version, "phase": goal.phase_id},
        phases=list(plan.phases.all()),
        editing=True,
    )
    return _plan_form_page(
        request,
        plan=plan,
        form=form,
        title=_("Goal"),
        success=_("The goal was saved."),
        action=lambda d: services.goal_update(
            goal=goal, actor=request.user, version=d["version"], fields=_goal_fields(d)
        ),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def phase_edit(request: HttpRequest, site: str, plan_id: int, phase_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    phase = _plan_part(request, plan, Phase, phase_id, "plans.phase.accessed")
    if closed := closed_plan_redirect(request, plan):
        return closed
    form = PhaseForm(
        request.POST if request.method == "POST" else None,
        instance=None if request.method == "POST" else phase,
        initial={"version": phase.version},
    )
    return _plan_form_page(
        request,
        plan=plan,
        form=form,
        title=_("Phase"),
        success=_("The phase was saved."),
        action=lambda d: services.phase_update(
            phase=phase, actor=request.user, version=d["version"], fields=d
        ),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:close")
def plan_close(request: HttpRequest, site: str, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if plan.status != PlanStatus.ACTIVE:
        messages.error(request, _("This plan is already closed."))
        return redirect("plans:detail", site=site, plan_id=plan.pk)
    form = PlanCloseForm(
        request.POST if request.method == "POST" else None,
        initial={"version": plan.version},
        previous=selectors.latest_assessment(person_id=plan.person_id),
    )
    return _plan_form_page(
        request,
        plan=plan,
        form=form,
        title=_("Close the plan"),
        success=_("The plan was closed. It stays among the person's past plans."),
        action=lambda d: services.plan_close(
            plan=plan,
            actor=request.user,
            version=d["version"],
            outcome=d["outcome"],
            closed_on=d["closed_on"],
            note=d["note"],
            final_scores=form.scores(),
        ),
    )


# --- Notifications (made by `percorsi remind`) ---------------------------------------------------


@require_GET
@site_permission_required("site:view")
def notifications(request: HttpRequest, site: str) -> HttpResponse:
    """The user's reminders at this site: unread first, then the last read ones. Every member may
    open it: a reminder is made for whoever follows something (a desk volunteer following the
    recognition of a qualification has no plans:read)."""
    # A record deleted since the reminder was made is no longer shown, its name included.
    mine = (
        Notification.objects.filter(user=request.user)
        .filter(Q(person__isnull=True) | Q(person__deleted_at__isnull=True, person__merged_into__isnull=True))
        .select_related("person")
    )
    unread = list(mine.filter(read_at__isnull=True).order_by("due_on", "pk")[:200])
    read = list(mine.filter(read_at__isnull=False).order_by("-read_at", "-pk")[:20])
    audit.record(
        action="plans.notifications.viewed", object_type="plans.notification", data={"unread": len(unread)}
    )
    return render(
        request,
        "plans/notifications.html",
        {
            "unread": selectors.notification_lines(unread, site),
            "read": selectors.notification_lines(read, site),
        },
    )


@require_POST
@site_permission_required("site:view")
def notifications_read(request: HttpRequest, site: str) -> HttpResponse:
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    audit.record(action="plans.notifications.read", object_type="plans.notification", data={"count": count})
    messages.success(request, _("The reminders were marked as read."))
    return redirect("plans:notifications", site=site)


# --- Interventions (issue 4, item 5): one log for every service ----------------------------------

# The roles whose members do interventions with people (offered as "done by").
INTERVENTION_ROLES = ("operator", "coordinator", "desk-volunteer", "teacher")
INTERVENTIONS_PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


def _intervention(request: HttpRequest, person: Person, intervention_id: int) -> Intervention:
    intervention = get_site_object_or_404(
        Intervention, request, intervention_id, action="plans.intervention.accessed"
    )
    if intervention.person_id != person.pk:
        raise Http404
    return intervention


def _intervention_staff(site: Site, *, active_only: bool = True) -> list[User]:
    """The site's staff who may have done an intervention, each once."""
    memberships = site_staff(site=site).filter(role__in=INTERVENTION_ROLES)
    if active_only:
        memberships = memberships.filter(is_active=True)
    users: dict[int, User] = {}
    for membership in memberships:
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def _case_file(site: str, person: Person) -> HttpResponse:
    return redirect(reverse("people:detail", kwargs={"site": site, "pk": person.pk}) + "#interventions")


def _intervention_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in services.INTERVENTION_FIELDS if name in data}


def _intervention_form_page(
    request: HttpRequest, *, person: Person, form: Any, title: str, action: Any, success: str, **extra: Any
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, success)
            return _case_file(request.site.slug, person)
    context = {"form": form, "person": person, "title": title} | extra
    return render(request, "plans/intervention_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def intervention_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """The full form; the case file's quick entry posts here too (a refused one shows the full form)."""
    person = live_person(request, pk)
    form = InterventionForm(
        request.POST if request.method == "POST" else None,
        goals=selectors.intervention_goals(person=person),
        operators=_intervention_staff(request.site),
        initial={"operator": request.user.pk},
    )
    return _intervention_form_page(
        request,
        person=person,
        form=form,
        title=_("Record an intervention"),
        success=_("The intervention was recorded."),
        action=lambda d: services.intervention_add(
            person=person, actor=request.user, fields=_intervention_fields(d)
        ),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def intervention_edit(request: HttpRequest, site: str, pk: int, intervention_id: int) -> HttpResponse:
    person = live_person(request, pk)
    intervention = _intervention(request, person, intervention_id)
    operators = _intervention_staff(request.site)
    if intervention.operator is not None and intervention.operator not in operators:
        operators.append(intervention.operator)  # someone who has left keeps their entries
    initial = {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS}
    initial |= {
        "goal": intervention.goal_id,
        "operator": intervention.operator_id,
        "version": intervention.version,
    }
    form = InterventionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        goals=selectors.intervention_goals(person=person),
        operators=operators,
        editing=True,
    )
    if intervention.content_type_id is not None:
        form.fields["service"].disabled = True  # recorded by another part of Percorsi, for its service
    return _intervention_form_page(
        request,
        person=person,
        form=form,
        title=_("Correct an intervention"),
        success=_("The intervention was saved."),
        action=lambda d: services.intervention_update(
            intervention=intervention,
            actor=request.user,
            version=d["version"],
            fields=_intervention_fields(d),
        ),
        intervention=intervention,
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def intervention_remove(request: HttpRequest, site: str, pk: int, intervention_id: int) -> HttpResponse:
    """Confirm, with a reason, the removal of an entry recorded by mistake."""
    person = live_person(request, pk)
    intervention = _intervention(request, person, intervention_id)
    form = RemovalForm(request.POST if request.method == "POST" else None)
    return _intervention_form_page(
        request,
        person=person,
        form=form,
        title=_("Remove an intervention"),
        success=_("The intervention was removed. The history of changes keeps it, with the reason."),
        action=lambda d: services.intervention_remove(
            intervention=intervention, actor=request.user, reason=d["reason"]
        ),
        intervention=intervention,
        removing=True,
    )


def _intervention_filters(form: InterventionFilterForm) -> dict[str, Any]:
    """The selector's filters from a valid form; none from an invalid one (the page says so)."""
    if not form.is_bound or not form.is_valid():
        return {}
    data = form.cleaned_data
    return {
        "service": data["service"],
        "kind": data["kind"],
        "operator_id": data["operator"],
        "date_from": data["date_from"],
        "date_to": data["date_to"],
        "case_number": data["person"],
    }


def _operator_choices(site: Site) -> list[tuple[int, str]]:
    # Former staff too: their interventions stay in the log.
    return [(user.pk, str(user)) for user in _intervention_staff(site, active_only=False)]


def _intervention_list_page(
    request: HttpRequest, form: InterventionFilterForm, *, status: int = 200
) -> HttpResponse:
    filters = _intervention_filters(form)
    found = selectors.interventions_found(**filters)
    share = selectors.emergency_share(found)
    paginator = Paginator(found, INTERVENTIONS_PAGE_SIZE)
    paginator.count = share.total  # already counted with the emergencies: one query less
    page = paginator.get_page(request.GET.get("page"))
    filtered = any(value not in ("", None) for value in filters.values())
    audit.record(
        action="plans.intervention.listed",
        object_type="plans.intervention",
        data={"page": page.number, "shown": len(page.object_list), "filtered": filtered},
    )
    params = request.GET.copy()
    params.pop("page", None)
    valid = form.is_bound and not form.errors
    return render(
        request,
        "plans/intervention_list.html",
        {
            "form": form,
            "page": page,
            "share": share,
            "filtered": filtered,
            "params": params.urlencode(),
            "export_values": [(name, form.data.get(name, "")) for name in form.fields] if valid else [],
            "can_export": request.membership.has("plans:write"),
            "can_write": request.membership.has("plans:write"),
            "sees_notes": request.membership.has("people:sensitive"),
        },
        status=status,
    )


@require_GET
@site_permission_required("plans:read")
def intervention_list(request: HttpRequest, site: str) -> HttpResponse:
    """The site's interventions, newest first, filtered, with the share of emergencies."""
    form = InterventionFilterForm(request.GET or None, operators=_operator_choices(request.site))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return _intervention_list_page(request, form, status=status)


@require_POST
@site_permission_required("plans:write")
def interventions_export(request: HttpRequest, site: str) -> HttpResponse:
    """The list's interventions (same filters, all pages) as an XLSX file, audited.

    A POST, as the people export: the filters (a case number among them) stay out of addresses and
    server logs. The notes column needs `people:sensitive`."""
    form = InterventionFilterForm(request.POST, operators=_operator_choices(request.site))
    if not form.is_valid():
        return _intervention_list_page(request, form, status=400)
    found = selectors.interventions_found(**_intervention_filters(form))
    total = found.count()
    if total > EXPORT_MAX_ROWS:
        form.add_error(
            None,
            _(
                "%(count)s interventions are too many for one file (at most %(most)s): "
                "choose a shorter period or more filters."
            )
            % {"count": formats.number_format(total), "most": formats.number_format(EXPORT_MAX_ROWS)},
        )
        return _intervention_list_page(request, form, status=400)
    membership = request.membership
    columns = interventions.columns_for(membership.has)
    content, rows = interventions.write_xlsx(found.iterator(chunk_size=2000), columns)
    audit.record(
        action="plans.intervention.exported",
        object_type="plans.intervention",
        data={
            "rows": rows,
            "filtered": any(value not in ("", None) for value in _intervention_filters(form).values()),
            "notes": membership.has("people:sensitive"),
        },
    )
    filename = f"interventi-{request.site.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response = HttpResponse(content, content_type=interventions.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # personal data: no copy in any cache
    return response


# --- Appointments, tasks and "my work" (issue 4, item 6) ---------------------------------------------


def _case_workers(site: Site) -> dict[int, User]:
    """The site's active operators and coordinators, by id: who may be given appointments and tasks."""
    return {
        m.user_id: m.user
        for m in site_staff(site=site).filter(
            is_active=True, user__is_active=True, role__in=["operator", "coordinator"]
        )
    }


def _back(request: HttpRequest, default: str) -> str:
    """Where a form sends the user after saving: the page it came from (`next`), if it is ours."""
    return _next(request) or default


def _next(request: HttpRequest) -> str:
    """The page to go back to, from the form or the address, when it is one of ours (else "")."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _local_time(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


# The service's fields that the appointment form shows under another name.
_APPOINTMENT_FORM_FIELDS = {"starts_at": "start_time", "duration_minutes": "end_time"}


def _appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = get_site_object_or_404(
        Appointment, request, appointment_id, action="plans.appointment.accessed"
    )
    if appointment.person.merged_into_id is not None or appointment.person.deleted_at is not None:
        raise Http404
    return appointment


def _appointment_page(
    request: HttpRequest, *, form: AppointmentForm, person: Person, save: Any, success: Any, context: Any
) -> HttpResponse:
    """The booking and the change of an appointment: an overlap shows the "book anyway" box."""
    overlap = False
    if request.method == "POST" and form.is_valid():
        try:
            appointment = save(form.cleaned_data)
        except services.OverlapError as error:
            overlap = True
            form.add_error("book_anyway", error.message)
        except DomainError as error:
            add_domain_error(form, error, _APPOINTMENT_FORM_FIELDS)
        else:
            messages.success(request, success(appointment))
            return redirect(_back(request, reverse("people:detail", args=[request.site.slug, person.pk])))
    show_book_anyway = overlap or bool(form["book_anyway"].value())
    return render(
        request,
        "plans/appointment_form.html",
        {"form": form, "person": person, "show_book_anyway": show_book_anyway, **context},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def appointment_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    staff = _case_workers(request.site)
    form = AppointmentForm(
        request.POST if request.method == "POST" else None,
        staff=staff,
        goals=selectors.active_plan_goals(person=person),
        initial={
            "day": timezone.localdate(),
            "operator": request.user.pk if request.user.pk in staff else None,
        },
    )
    return _appointment_page(
        request,
        form=form,
        person=person,
        save=lambda data: services.appointment_add(
            person=person,
            actor=request.user,
            fields=form.appointment_fields(),
            book_anyway=data["book_anyway"],
        ),
        success=lambda appointment: (
            _("Appointment booked for %(when)s.") % {"when": _local_time(appointment.starts_at)}
        ),
        context={"title": _("Book an appointment")},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def appointment_edit(request: HttpRequest, site: str, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    person = appointment.person
    staff = _case_workers(request.site)
    if appointment.operator_id is not None and appointment.operator_id not in staff:
        staff[appointment.operator_id] = (
            appointment.operator
        )  # someone who left keeps their past appointments
    goals = selectors.active_plan_goals(person=person)
    if appointment.goal is not None and appointment.goal not in goals:
        goals.append(appointment.goal)
    form = AppointmentForm(
        request.POST if request.method == "POST" else None,
        staff=staff,
        goals=goals,
        editing=True,
        initial=AppointmentForm.initial_for(appointment),
    )
    return _appointment_page(
        request,
        form=form,
        person=person,
        save=lambda data: services.appointment_update(
            appointment=appointment,
            actor=request.user,
            version=data["version"],
            fields=form.appointment_fields(),
            book_anyway=data["book_anyway"],
        ),
        success=lambda _appointment: _("The appointment was saved."),
        context={
            "title": _("Appointment"),
            "appointment": appointment,
            "statuses": AppointmentStatus.choices,
            "next": _next(request),
        },
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def appointment_status(request: HttpRequest, site: str, appointment_id: int) -> HttpResponse:
    """Held, missed or cancelled: the buttons of the calendar and of the case file post here."""
    appointment = _appointment(request, appointment_id)
    form = AppointmentStatusForm(
        request.POST if request.method == "POST" else None,
        initial={"version": appointment.version, "status": appointment.status},
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.appointment_set_status(
                appointment=appointment,
                actor=request.user,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The appointment of %(when)s is now: %(status)s.")
                % {"when": _local_time(updated.starts_at), "status": updated.get_status_display()},
            )
            day = timezone.localtime(updated.starts_at).date().isoformat()
            calendar_url = (
                reverse("plans:calendar", args=[site]) + "?" + urlencode({"day": day, "view": "day"})
            )
            return redirect(_back(request, calendar_url))
    return render(
        request,
        "plans/appointment_status.html",
        {
            "form": form,
            "appointment": appointment,
            "person": appointment.person,
            "next": _next(request),
        },
        status=form_status(form),
    )


@require_POST
@site_permission_required("plans:write")
def walk_in(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """Someone is at the desk without an appointment: one click on the case file records it."""
    person = live_person(request, pk)
    try:
        appointment = services.walk_in_record(person=person, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Walk-in recorded at %(time)s, with you as the operator. Open it to add the reason.")
            % {"time": formats.time_format(timezone.localtime(appointment.starts_at), "TIME_FORMAT")},
        )
    return redirect("people:detail", site=site, pk=person.pk)


@require_GET
@site_permission_required("plans:read")
def appointment_calendar(request: HttpRequest, site: str) -> HttpResponse:
    """A day or a week of appointments, of one operator or of the whole site, to read and to print.

    Without `operator` in the address an operator sees their own; `operator=` (empty) is the site."""
    staff = _case_workers(request.site)
    form = CalendarForm(request.GET or None, operators=[(pk, str(user)) for pk, user in staff.items()])
    today = timezone.localdate()
    day, view = today, "week"
    operator_id = request.user.pk if request.user.pk in staff else None
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        day = form.cleaned_data["day"] or today
        view = form.cleaned_data["view"] or "week"
        if "operator" in request.GET:
            operator_id = form.cleaned_data["operator"]
    if valid:  # the filters show what the page shows, defaults included
        form = CalendarForm(
            initial={"day": day, "view": view, "operator": operator_id},
            operators=[(pk, str(user)) for pk, user in staff.items()],
        )
    shown = calendar_days.period(day, view)  # type: ignore[arg-type]
    appointments = (
        selectors.calendar_appointments(starts=shown.starts, ends=shown.ends, operator_id=operator_id)
        if valid
        else []
    )
    audit.record(
        action="plans.calendar.viewed",
        object_type="plans.appointment",
        data={"view": view, "day": day.isoformat(), "operator": operator_id, "shown": len(appointments)},
    )

    def link(**changes: str) -> str:
        params = {"day": day.isoformat(), "view": view, "operator": operator_id or "", **changes}
        return "?" + urlencode(params)

    return render(
        request,
        "plans/calendar.html",
        {
            "form": form,
            "period": shown,
            "days": calendar_days.by_day(shown.days, appointments, today),
            "count": len(appointments),
            "operator": staff.get(operator_id) if operator_id is not None else None,
            "previous_url": link(day=shown.previous_day.isoformat()),
            "next_url": link(day=shown.next_day.isoformat()),
            "today_url": link(day=today.isoformat()),
            "day_url": link(view="day"),
            "week_url": link(view="week"),
            "site_url": link(operator=""),
            "can_write": request.membership.has("plans:write"),
            "here": request.get_full_path(),
            "statuses": AppointmentStatus,
        },
        status=200 if valid else 400,
    )


def _task(request: HttpRequest, task_id: int) -> Task:
    task = get_site_object_or_404(Task, request, task_id, action="plans.task.accessed")
    if task.person is not None and (
        task.person.merged_into_id is not None or task.person.deleted_at is not None
    ):
        raise Http404
    return task


@require_GET
@site_permission_required("plans:read")
def task_list(request: HttpRequest, site: str) -> HttpResponse:
    """Tasks to do, past their date or done. An operator starts from their own; a coordinator (who
    looks after the site's staff) from everyone's."""
    staff = _case_workers(request.site)
    choices = [(pk, str(user)) for pk, user in staff.items()]
    assignee_id = None if request.membership.has("staff:read") else request.user.pk
    state = "open"
    form = TaskListForm(request.GET or None, staff=choices)
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        state = form.cleaned_data["state"] or "open"
        if "assignee" in request.GET:
            assignee_id = form.cleaned_data["assignee"]
    if valid:  # the filters show what the list shows, defaults included
        form = TaskListForm(initial={"state": state, "assignee": assignee_id}, staff=choices)
    tasks = selectors.tasks_found(state=state, assignee_id=assignee_id) if valid else Task.objects.none()
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        action="plans.task.listed",
        object_type="plans.task",
        data={"state": state, "assignee": assignee_id, "page": page.number, "shown": len(page.object_list)},
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "plans/task_list.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "today": timezone.localdate(),
            "can_write": request.membership.has("plans:write"),
            "here": request.get_full_path(),
        },
        status=200 if valid else 400,
    )


def _task_page(
    request: HttpRequest, *, form: TaskForm, save: Any, success: str, context: Any
) -> HttpResponse:
    person = context.get("person")
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            default = (
                reverse("people:detail", args=[request.site.slug, person.pk])
                if person is not None
                else reverse("plans:tasks", args=[request.site.slug])
            )
            return redirect(_back(request, default))
    return render(request, "plans/task_form.html", {"form": form, **context}, status=form_status(form))


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def task_add(request: HttpRequest, site: str) -> HttpResponse:
    """A new task; with `?person=<case number>` it is about that person (and may serve a goal)."""
    person = live_person(request, request.GET["person"]) if request.GET.get("person") else None
    staff = _case_workers(request.site)
    goals = selectors.active_plan_goals(person=person) if person is not None else None
    form = TaskForm(
        request.POST if request.method == "POST" else None,
        staff=staff,
        goals=goals,
        initial={
            "assignee": request.user.pk if request.user.pk in staff else None,
            "due_on": timezone.localdate() + timedelta(days=7),
        },
    )
    return _task_page(
        request,
        form=form,
        save=lambda _data: services.task_add(
            site=request.site, actor=request.user, fields=form.task_fields(), person=person
        ),
        success=_("The task was added."),
        context={"title": _("New task"), "person": person, "next": _next(request)},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def task_edit(request: HttpRequest, site: str, task_id: int) -> HttpResponse:
    task = _task(request, task_id)
    staff = _case_workers(request.site)
    if task.assignee_id not in staff:
        staff[task.assignee_id] = task.assignee
    goals = selectors.active_plan_goals(person=task.person) if task.person is not None else None
    if goals is not None and task.goal is not None and task.goal not in goals:
        goals.append(task.goal)
    form = TaskForm(
        request.POST if request.method == "POST" else None,
        staff=staff,
        goals=goals,
        editing=True,
        initial={
            "version": task.version,
            "title": task.title,
            "due_on": task.due_on,
            "assignee": task.assignee_id,
            "goal": task.goal_id,
            "notes": task.notes,
        },
    )
    return _task_page(
        request,
        form=form,
        save=lambda data: services.task_update(
            task=task, actor=request.user, version=data["version"], fields=form.task_fields()
        ),
        success=_("The task was saved."),
        context={
            "title": _("Task"),
            "task": task,
            "person": task.person,
            "next": _next(request),
        },
    )


def _task_mark(request: HttpRequest, task_id: int, *, done: bool) -> HttpResponse:
    task = _task(request, task_id)
    raw = request.POST.get("version", "")
    try:
        services.task_done(
            task=task, actor=request.user, version=int(raw) if raw.isdigit() else None, done=done
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Task done.") if done else _("The task is open again."))
    return redirect(_back(request, reverse("plans:tasks", args=[request.site.slug])))


@require_POST
@site_permission_required("plans:write")
def task_done(request: HttpRequest, site: str, task_id: int) -> HttpResponse:
    return _task_mark(request, task_id, done=True)


@require_POST
@site_permission_required("plans:write")
def task_reopen(request: HttpRequest, site: str, task_id: int) -> HttpResponse:
    return _task_mark(request, task_id, done=False)


@require_GET
@site_permission_required("plans:read")
def my_work(request: HttpRequest, site: str) -> HttpResponse:
    """One page for the day: my appointments today, the goals past their date in my plans, my open
    tasks, the reviews due and the permits and documents of my people that expire."""
    work = selectors.my_work(
        site=request.site,
        user_id=request.user.pk,
        sees_expiries=request.membership.has("people:sensitive"),
    )
    audit.record(
        action="plans.my_work.viewed",
        object_type="plans.plan",
        data={
            "appointments": len(work.appointments),
            "goals": work.goals_total,
            "tasks": work.tasks_total,
            "reviews": len(work.reviews),
            "expiries": work.expiries_total,
        },
    )
    return render(
        request,
        "plans/my_work.html",
        {
            "work": work,
            "can_write": request.membership.has("plans:write"),
            "sees_expiries": request.membership.has("people:sensitive"),
            "here": request.get_full_path(),
        },
    )
