"""Pages for reviews with the person, the person's agreement to the plan and the autonomy matrix.

Signed documents are served only here: permission-checked (`plans:read`), audited, never cached."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from percorsi.core import audit
from percorsi.core.decorators import site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.forms import form_status
from percorsi.people.models import Person
from percorsi.people.uploads import EXTENSIONS
from percorsi.people.views import live_person
from percorsi.plans import matrix, selectors, services
from percorsi.plans.choices import AssessmentOccasion, PlanStatus
from percorsi.plans.models import Plan, Review
from percorsi.plans.review_forms import AssessmentForm, PlanAgreementForm, ReviewForm
from percorsi.plans.views import _plan, closed_plan_redirect

CONTENT_TYPES = {extension: content_type for content_type, extension in EXTENSIONS.items()}


def _mother_tongue(person: Person) -> str:
    return person.languages.filter(is_mother_tongue=True).values_list("language", flat=True).first() or ""


def _form_page(
    request: HttpRequest,
    *,
    form: Any,
    person: Person,
    title: str,
    intro: str,
    action: Any,
    success: str,
    done: str,
    back: str,
    plan: Plan | None = None,
) -> HttpResponse:
    """A page with one form: validate, call the service, redirect; the form keeps what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, success)
            return redirect(done)
    return render(
        request,
        "plans/matrix_form_page.html",
        {"form": form, "person": person, "plan": plan, "title": title, "intro": intro, "back": back},
        status=form_status(form),
    )


def _detail(site: str, plan: Plan) -> str:
    return reverse("plans:detail", kwargs={"site": site, "plan_id": plan.pk})


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def review_add(request: HttpRequest, site: str, plan_id: int) -> HttpResponse:
    """Record a review held with the person, and score the matrix with them."""
    plan = _plan(request, plan_id)
    if (closed := closed_plan_redirect(request, plan)) is not None:
        return closed
    posted = request.method == "POST"
    form = ReviewForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        previous=selectors.latest_assessment(person_id=plan.person_id),
        initial={} if posted else {"language": plan.agreement_language or _mother_tongue(plan.person)},
    )
    address = _detail(site, plan)
    return _form_page(
        request,
        form=form,
        person=plan.person,
        plan=plan,
        title=_("Record a review"),
        intro=_(
            "Write down the review as it was held with the person: their view in their own words, "
            "what was agreed, and the scores of the autonomy matrix."
        ),
        action=lambda d: services.review_add(
            plan=plan,
            actor=request.user,
            fields=form.review_fields(),
            scores=form.scores(),
            scan=d["agreement_scan"],
        ),
        success=_("The review was recorded."),
        done=address + "#reviews",
        back=address,
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def plan_agreement(request: HttpRequest, site: str, plan_id: int) -> HttpResponse:
    """Record the person's agreement to the plan: when, in which language, the signed plan."""
    plan = _plan(request, plan_id)
    if (closed := closed_plan_redirect(request, plan)) is not None:
        return closed
    posted = request.method == "POST"
    form = PlanAgreementForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        has_scan=bool(plan.agreement_scan),
        initial={
            "version": plan.version,
            "agreed_on": plan.agreed_on or timezone.localdate(),
            "language": plan.agreement_language or _mother_tongue(plan.person),
        },
    )
    address = _detail(site, plan)
    return _form_page(
        request,
        form=form,
        person=plan.person,
        plan=plan,
        title=_("Record the person's agreement to the plan"),
        intro=_(
            "The plan is built with the person: record the day they agreed to it and the language it "
            "was explained in. A scan of the signed plan is optional."
        ),
        action=lambda d: services.plan_agreement_record(
            plan=plan,
            actor=request.user,
            version=d["version"],
            agreed_on=d["agreed_on"],
            language=d["language"],
            scan=d["agreement_scan"],
        ),
        success=_("The person's agreement to the plan was recorded."),
        done=address + "#reviews",
        back=address,
    )


def _scan(field_file: Any, filename: str) -> FileResponse:
    extension = "." + field_file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        field_file.open("rb"),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        filename=f"{filename}{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"
    return response


@require_GET
@site_permission_required("plans:read")
def agreement_scan(request: HttpRequest, site: str, plan_id: int) -> FileResponse:
    """The signed plan, through this view only: permission-checked and audited."""
    plan = _plan(request, plan_id)
    if not plan.agreement_scan:
        raise Http404
    with transaction.atomic():
        audit.record(action="plans.agreement.downloaded", obj=plan, data={"person": plan.person_id})
    return _scan(plan.agreement_scan, f"plan-{plan.pk}-signed")


@require_GET
@site_permission_required("plans:read")
def review_scan(request: HttpRequest, site: str, plan_id: int, review_id: int) -> FileResponse:
    """A review's signed document, through this view only: permission-checked and audited."""
    plan = _plan(request, plan_id)
    review = Review.objects.filter(pk=review_id, plan=plan).first()
    if review is None or not review.agreement_scan:
        raise Http404
    with transaction.atomic():
        audit.record(
            action="plans.review.downloaded", obj=review, data={"plan": plan.pk, "person": plan.person_id}
        )
    return _scan(review.agreement_scan, f"review-{review.pk}-signed")


@require_GET
@site_permission_required("plans:read")
def person_matrix(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """The person's autonomy matrix over time: the chart, the table and what each level means."""
    person = live_person(request, pk)
    chart = matrix.chart(selectors.person_assessments(person_id=person.pk))
    audit.record(action="plans.matrix.viewed", obj=person, data={"assessments": len(chart.columns)})
    return render(
        request,
        "plans/matrix.html",
        {
            "person": person,
            "chart": chart,
            "domains": matrix.DOMAINS,
            "levels": [(level, matrix.LEVEL_NAMES[level]) for level in matrix.LEVELS],
            "can_write": request.membership.has("plans:write"),
        },
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("plans:write")
def assessment_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """Score the matrix at intake or on another occasion; it joins the person's active plan, if any."""
    person = live_person(request, pk)
    previous = selectors.latest_assessment(person_id=person.pk)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        previous=previous,
        initial={"occasion": AssessmentOccasion.INTAKE if previous is None else AssessmentOccasion.OTHER},
    )

    def add(data: dict[str, Any]) -> None:
        active = Plan.objects.filter(person=person, status=PlanStatus.ACTIVE).first()
        services.assessment_add(
            person=person,
            actor=request.user,
            occasion=data["occasion"],
            assessed_on=data["assessed_on"],
            scores=form.scores(),
            plan=active,
        )

    address = reverse("plans:matrix", kwargs={"site": site, "pk": person.pk})
    return _form_page(
        request,
        form=form,
        person=person,
        title=_("Score the autonomy matrix"),
        intro=_(
            "Score the matrix with the person at intake, or whenever their situation changes between "
            "reviews. Reviews and the closing of the plan have their own scores."
        ),
        action=add,
        success=_("The scores were recorded."),
        done=address,
        back=address,
    )
