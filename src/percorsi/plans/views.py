"""Plan pages: a person's plans, starting one from a template, the plan with its timeline, goals,
phases and closing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from percorsi.core import audit
from percorsi.core.decorators import get_site_object_or_404, site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.models import Site
from percorsi.core.selectors import site_staff
from percorsi.people.models import Person
from percorsi.plans import selectors, services
from percorsi.plans.choices import PlanStatus
from percorsi.plans.forms import GoalForm, PhaseForm, PlanCloseForm, PlanListForm, PlanStartForm
from percorsi.plans.models import Goal, Phase, Plan, PlanTemplate


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _person(request: HttpRequest, pk: int) -> Person:
    person = get_site_object_or_404(Person, request, pk, action="people.person.accessed")
    if person.merged_into_id is not None or person.deleted_at is not None:
        raise Http404
    return person


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_site_object_or_404(Plan, request, plan_id, action="plans.plan.accessed")
    if plan.person.merged_into_id is not None or plan.person.deleted_at is not None:
        raise Http404
    return plan


def _operators(site: Site) -> list[tuple[int, str]]:
    return [
        (m.user_id, str(m.user))
        for m in site_staff(site=site).filter(is_active=True, role__in=["operator", "coordinator"])
    ]


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
    person = _person(request, pk)
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
    person = _person(request, pk)
    templates = list(PlanTemplate.objects.filter(is_active=True))
    form = PlanStartForm(
        request.POST if request.method == "POST" else None,
        templates=templates,
        operators=_operators(request.site),
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
        status=_status(form),
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
        status=_status(form),
    )


def _goal_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in (*services.GOAL_FIELDS, "status", "status_reason") if name in data}


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def goal_add(request: HttpRequest, site: str, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if plan.status != PlanStatus.ACTIVE:
        messages.error(request, _("This plan is closed: it can no longer be changed."))
        return redirect("plans:detail", site=site, plan_id=plan.pk)
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
    goal = get_site_object_or_404(Goal, request, goal_id, action="plans.goal.accessed")
    if goal.plan_id != plan.pk:
        raise Http404
    if plan.status != PlanStatus.ACTIVE:
        messages.error(request, _("This plan is closed: it can no longer be changed."))
        return redirect("plans:detail", site=site, plan_id=plan.pk)
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
    phase = get_site_object_or_404(Phase, request, phase_id, action="plans.phase.accessed")
    if phase.plan_id != plan.pk:
        raise Http404
    if plan.status != PlanStatus.ACTIVE:
        messages.error(request, _("This plan is closed: it can no longer be changed."))
        return redirect("plans:detail", site=site, plan_id=plan.pk)
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
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
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
        ),
    )
