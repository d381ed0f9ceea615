"""Accompaniment plans: templates per site, a person's plans with phases and goals.

A plan copies its template when it starts and can then diverge: changing a template never changes
the plans already started from it. Every model belongs to a site (the person's)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from percorsi.core.models import SiteOwnedModel
from percorsi.people.models import Person
from percorsi.plans.choices import GOAL_ENDED, GoalArea, GoalOwner, GoalStatus, PlanOutcome, PlanStatus


class PlanTemplate(SiteOwnedModel):
    """A site's model of a path: named phases with default durations and suggested goals."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("offered for new plans"),
        default=True,
        help_text=_("An old template stays for the plans made from it."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="plans_template_name_unique")]

    def __str__(self) -> str:
        return self.name


class TemplatePhase(SiteOwnedModel):
    """A phase of a template, in months from the plan's start (reception 0-3, work 6-12...)."""

    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("phase"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    start_month = models.PositiveSmallIntegerField(_("starts at month"))
    end_month = models.PositiveSmallIntegerField(_("ends at month"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("template phase")
        verbose_name_plural = _("template phases")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gt=models.F("start_month")), name="plans_template_phase_months"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TemplateGoal(SiteOwnedModel):
    """A goal a template suggests for a phase; the target date is the end of the phase."""

    phase = models.ForeignKey(TemplatePhase, on_delete=models.CASCADE, related_name="goals")
    area = models.CharField(_("area"), max_length=20, choices=GoalArea.choices)
    description = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(_("indicator of success"), max_length=300, blank=True)
    owner = models.CharField(
        _("who does it"), max_length=20, choices=GoalOwner.choices, default=GoalOwner.BOTH
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suggested goal")
        verbose_name_plural = _("suggested goals")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class Plan(SiteOwnedModel):
    """A person's individual accompaniment plan (piano di accompagnamento individuale).

    One active plan at a time; past plans are kept, closed, with their outcome."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="plans", verbose_name=_("person")
    )
    template = models.ForeignKey(
        PlanTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started from the template"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    started_on = models.DateField(_("start date"))
    # Days from the arrival in Italy to the start of the plan, kept as it was at the start (statistics:
    # the service wants paths to start early).
    days_from_arrival = models.PositiveIntegerField(_("days from arrival in Italy"), null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator in charge"),
    )
    review_every_months = models.PositiveSmallIntegerField(_("review every (months)"), default=3)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=PlanOutcome.choices, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="plans_one_active_plan_per_person"
            )
        ]

    def __str__(self) -> str:
        return str(_("Plan from %(day)s") % {"day": self.started_on})

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class Phase(SiteOwnedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("phase"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["position", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="plans_phase_dates")
        ]

    def __str__(self) -> str:
        return self.name


class Goal(SiteOwnedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals", verbose_name=_("phase")
    )
    area = models.CharField(_("area"), max_length=20, choices=GoalArea.choices)
    description = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(_("indicator of success"), max_length=300, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    owner = models.CharField(
        _("who does it"), max_length=20, choices=GoalOwner.choices, default=GoalOwner.BOTH
    )
    other_service = models.CharField(
        _("which service"), max_length=150, blank=True, help_text=_("When another service does it.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    status_since = models.DateField(_("status since"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = [models.F("target_date").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_ended(self) -> bool:
        return self.status in GOAL_ENDED

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_ended and self.target_date is not None and self.target_date < today
