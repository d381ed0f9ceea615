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
from percorsi.plans.choices import (
    GOAL_ENDED,
    AppointmentStatus,
    AssessmentOccasion,
    GoalArea,
    GoalOwner,
    GoalStatus,
    InterventionKind,
    InterventionService,
    NotificationKind,
    PlanOutcome,
    PlanStatus,
)


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
    # The person's agreement to the plan (each review records its own).
    agreed_on = models.DateField(_("agreed with the person on"), null=True, blank=True)
    agreement_language = models.CharField(_("agreed in the language"), max_length=3, blank=True)
    agreement_scan = models.FileField(
        _("signed plan"), upload_to="agreements/%Y/%m/", blank=True, max_length=200
    )
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


class Review(SiteOwnedModel):
    """A review of the plan held with the person (verifica): their view, what was agreed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("plan"))
    held_on = models.DateField(_("held on"))
    participants = models.CharField(_("who took part"), max_length=300, blank=True)
    interpreter = models.CharField(_("interpreter"), max_length=150, blank=True)
    language = models.CharField(_("language of the meeting"), max_length=3, blank=True)
    person_view = models.TextField(_("the person's view, in their words"), blank=True)
    agreed = models.TextField(_("what was agreed"), blank=True)
    goals_changed = models.TextField(_("goals changed"), blank=True)
    person_agreed = models.BooleanField(_("the person agrees"), default=False)
    agreement_language = models.CharField(_("agreed in the language"), max_length=3, blank=True)
    agreement_scan = models.FileField(
        _("signed document"), upload_to="agreements/%Y/%m/", blank=True, max_length=200
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return str(self.held_on)


class AutonomyAssessment(SiteOwnedModel):
    """The autonomy matrix: ten domains scored 1 (acute problems) to 5 (fully self-sufficient).

    A domain left blank was not assessed. The domains and their level descriptors are in
    `plans.matrix`."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="autonomy_assessments", verbose_name=_("person")
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("plan"),
    )
    review = models.OneToOneField(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessment"
    )
    occasion = models.CharField(_("when"), max_length=10, choices=AssessmentOccasion.choices)
    assessed_on = models.DateField(_("assessed on"))
    income = models.PositiveSmallIntegerField(_("income"), null=True, blank=True)
    work = models.PositiveSmallIntegerField(_("work"), null=True, blank=True)
    housing = models.PositiveSmallIntegerField(_("housing"), null=True, blank=True)
    language = models.PositiveSmallIntegerField(_("Italian language"), null=True, blank=True)
    legal = models.PositiveSmallIntegerField(_("legal status and documents"), null=True, blank=True)
    health = models.PositiveSmallIntegerField(_("health access"), null=True, blank=True)
    education = models.PositiveSmallIntegerField(_("education and qualifications"), null=True, blank=True)
    social = models.PositiveSmallIntegerField(_("social network"), null=True, blank=True)
    mobility = models.PositiveSmallIntegerField(_("mobility"), null=True, blank=True)
    daily_life = models.PositiveSmallIntegerField(_("daily-life skills"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    DOMAINS = (
        "income",
        "work",
        "housing",
        "language",
        "legal",
        "health",
        "education",
        "social",
        "mobility",
        "daily_life",
    )

    class Meta:
        verbose_name = _("autonomy assessment")
        verbose_name_plural = _("autonomy assessments")
        ordering = ["assessed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{domain}__isnull": True}) | Q(**{f"{domain}__gte": 1, f"{domain}__lte": 5}),
                name=f"plans_assessment_{domain}_1_to_5",
            )
            for domain in (
                "income",
                "work",
                "housing",
                "language",
                "legal",
                "health",
                "education",
                "social",
                "mobility",
                "daily_life",
            )
        ]

    def __str__(self) -> str:
        return str(self.assessed_on)

    def scores(self) -> dict[str, int | None]:
        return {domain: getattr(self, domain) for domain in self.DOMAINS}


class Intervention(SiteOwnedModel):
    """One entry of the single log of interventions, whatever the service.

    Later parts (job desk, course, housing, funds) record their work here too, pointing at their
    own object through `content_type` and `object_id`."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("person")
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("plan"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("goal it serves"),
    )
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    service = models.CharField(_("service"), max_length=20, choices=InterventionService.choices)
    kind = models.CharField(
        _("kind"), max_length=10, choices=InterventionKind.choices, default=InterventionKind.PLANNED
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-happened_on", "-pk"]
        indexes = [
            models.Index(fields=["site", "-happened_on"], name="plans_intervention_site_day"),
            models.Index(fields=["person", "-happened_on"], name="plans_intervention_person_day"),
            models.Index(fields=["content_type", "object_id"], name="plans_intervention_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.happened_on}"


class Appointment(SiteOwnedModel):
    """An appointment with the person, booked or at the desk without one (walk-in)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("person")
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    place = models.CharField(_("place"), max_length=200, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_language = models.CharField(_("interpreter's language"), max_length=3, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    walk_in = models.BooleanField(_("at the desk without an appointment"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("goal"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["site", "starts_at"], name="plans_appointment_site_time"),
            models.Index(fields=["operator", "starts_at"], name="plans_appointment_op_time"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Task(SiteOwnedModel):
    """A task for staff, with a due date, about a person or a goal or neither."""

    title = models.CharField(_("task"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who does it")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("person"),
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("goal")
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="plans_task_assignee_due")]

    def __str__(self) -> str:
        return self.title


class Notification(SiteOwnedModel):
    """An in-app notification made by `percorsi remind`; `key` makes a second run the same day a no-op.

    The text is built when shown, in the reader's language, from `kind` and the object: nothing
    personal is stored here beyond the ids."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=120)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="plans_notification_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="plans_notification_unread")]

    def __str__(self) -> str:
        return self.key
