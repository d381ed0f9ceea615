"""Plan template pages: the site's templates, their phases and suggested goals (reference:manage)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from percorsi.core.decorators import get_site_object_or_404, site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.forms import form_status
from percorsi.plans import services
from percorsi.plans.forms import TemplateForm, TemplateGoalForm, TemplateNewForm, TemplatePhaseForm
from percorsi.plans.models import PlanTemplate, TemplateGoal, TemplatePhase


def _add_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_GET
@site_permission_required("reference:manage")
def template_list(request: HttpRequest, site: str) -> HttpResponse:
    templates = PlanTemplate.objects.annotate(
        phase_count=Count("phases", distinct=True), goal_count=Count("phases__goals", distinct=True)
    ).order_by("-is_active", "name")
    return render(request, "plans/template_list.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
@site_permission_required("reference:manage")
def template_new(request: HttpRequest, site: str) -> HttpResponse:
    form = TemplateNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.template_create(
                site=request.site,
                actor=request.user,
                name=data["name"],
                description=data["description"],
                suggested=data["start"] == "suggested",
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The template was created. Adapt its phases and goals to the site."))
            return redirect("plans:template_detail", site=site, template_id=template.pk)
    return render(request, "plans/template_new.html", {"form": form}, status=form_status(form))


def _template(request: HttpRequest, template_id: int) -> PlanTemplate:
    return get_site_object_or_404(PlanTemplate, request, template_id, action="plans.template.accessed")


@require_http_methods(["GET", "POST"])
@site_permission_required("reference:manage")
def template_detail(request: HttpRequest, site: str, template_id: int) -> HttpResponse:
    """The template with its phases and goals; its name, description and whether it is offered."""
    template = _template(request, template_id)
    initial = {
        "version": template.version,
        "name": template.name,
        "description": template.description,
        "is_active": template.is_active,
    }
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.template_update(
                template=template,
                actor=request.user,
                version=data["version"],
                name=data["name"],
                description=data["description"],
                is_active=data["is_active"],
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The template was saved."))
            return redirect("plans:template_detail", site=site, template_id=template.pk)
    # One small "add a goal" form per phase, with ids of its own.
    phases = [
        (phase, TemplateGoalForm(auto_id=f"id_phase{phase.pk}_%s"))
        for phase in template.phases.prefetch_related("goals")
    ]
    return render(
        request,
        "plans/template_detail.html",
        {"template": template, "form": form, "phases": phases},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("reference:manage")
def template_phase(
    request: HttpRequest, site: str, template_id: int, phase_id: int | None = None
) -> HttpResponse:
    """Add a phase to the template (no phase_id) or change one."""
    template = _template(request, template_id)
    phase = None
    if phase_id is not None:
        phase = get_site_object_or_404(TemplatePhase, request, phase_id, action="plans.template.accessed")
        if phase.template_id != template.pk:
            raise Http404
    initial: dict[str, Any] = {"version": template.version}
    if phase is not None:
        initial |= {
            "name": phase.name,
            "start_month": phase.start_month,
            "end_month": phase.end_month,
            "description": phase.description,
        }
    form = TemplatePhaseForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.template_phase_save(
                template=template, actor=request.user, version=data["version"], fields=data, phase=phase
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The phase was saved."))
            return redirect("plans:template_detail", site=site, template_id=template.pk)
    title = _("Add a phase") if phase is None else _("Phase")
    return render(
        request,
        "plans/template_form.html",
        {"form": form, "template": template, "title": title},
        status=form_status(form),
    )


@require_POST
@site_permission_required("reference:manage")
def template_phase_remove(request: HttpRequest, site: str, template_id: int, phase_id: int) -> HttpResponse:
    template = _template(request, template_id)
    phase = get_site_object_or_404(TemplatePhase, request, phase_id, action="plans.template.accessed")
    if phase.template_id != template.pk:
        raise Http404
    services.template_phase_remove(phase=phase, actor=request.user)
    messages.success(request, _("The phase was removed. Plans already started keep their own copy."))
    return redirect("plans:template_detail", site=site, template_id=template.pk)


@require_POST
@site_permission_required("reference:manage")
def template_goal_add(request: HttpRequest, site: str, template_id: int, phase_id: int) -> HttpResponse:
    template = _template(request, template_id)
    phase = get_site_object_or_404(TemplatePhase, request, phase_id, action="plans.template.accessed")
    if phase.template_id != template.pk:
        raise Http404
    form = TemplateGoalForm(request.POST)
    if form.is_valid():
        services.template_goal_add(phase=phase, actor=request.user, fields=form.cleaned_data)
        messages.success(request, _("The goal was added to the phase."))
        return redirect("plans:template_detail", site=site, template_id=template.pk)
    return render(
        request,
        "plans/template_form.html",
        {
            "form": form,
            "template": template,
            "title": _("Add a suggested goal to “%(phase)s”") % {"phase": phase},
        },
        status=400,
    )


@require_POST
@site_permission_required("reference:manage")
def template_goal_remove(request: HttpRequest, site: str, template_id: int, goal_id: int) -> HttpResponse:
    template = _template(request, template_id)
    goal = get_site_object_or_404(TemplateGoal, request, goal_id, action="plans.template.accessed")
    if goal.phase.template_id != template.pk:
        raise Http404
    services.template_goal_remove(goal=goal, actor=request.user)
    messages.success(request, _("The goal was removed from the template."))
    return redirect("plans:template_detail", site=site, template_id=template.pk)
