"""The job desk: occupations (ISCO-08 and ESCO), training, qualifications and their recognition,
CVs in versions, employers, job offers, applications and placements.

Occupations are reference data shared by every site (loaded from the files in `jobs/data/`); every
other model belongs to a site, the person's or the desk's."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from percorsi.core.models import SiteOwnedModel
from percorsi.jobs.choices import (
    ApplicationStatus,
    ContractType,
    DrivingLicence,
    EnrolmentStatus,
    OfferSource,
    OfferStatus,
    PayPeriod,
    QualificationLevel,
    RecognitionOutcome,
    RecognitionRoute,
    RecognitionStepKind,
    StepStatus,
    WorkingTime,
)
from percorsi.people.choices import CefrLevel
from percorsi.people.models import Person
from percorsi.plans.models import Goal

# --- Occupations (reference data, every site) ---------------------------------------------------------


class IscoGroup(models.Model):
    """A group of ISCO-08: major (1 digit), sub-major (2), minor (3) or unit group (4)."""

    code = models.CharField(_("ISCO-08 code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name (English)"), max_length=255)
    name_it = models.CharField(_("name (Italian)"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ISCO-08 group")
        verbose_name_plural = _("ISCO-08 groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the user's language where there is one (Italian for the major and sub-major
        groups), else the English name of ISCO-08."""
        from django.utils.translation import get_language

        if self.name_it and (get_language() or "it").startswith("it"):
            return self.name_it
        return self.name


class Occupation(models.Model):
    """An ESCO occupation, in its ISCO-08 unit group; Italian names for the trades the desk meets."""

    uri = models.CharField(_("ESCO URI"), max_length=200, unique=True)
    code = models.CharField(_("ESCO code"), max_length=40, blank=True)
    isco_group = models.ForeignKey(
        IscoGroup, on_delete=models.PROTECT, related_name="occupations", verbose_name=_("ISCO-08 group")
    )
    label = models.CharField(_("name (English)"), max_length=255)
    alt_labels = models.TextField(_("other names (English)"), blank=True)
    label_it = models.CharField(_("name (Italian)"), max_length=255, blank=True)
    alt_labels_it = models.TextField(_("other names (Italian)"), blank=True)
    # Every name above, lower case and without accents, for the picker.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if self.label_it and (get_language() or "it").startswith("it"):
            return self.label_it
        return self.label


# --- Employers ----------------------------------------------------------------------------------------


class Employer(SiteOwnedModel):
    """An employer, agency or company the desk deals with: offers, applications and placements."""

    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=200, blank=True)
    town = models.CharField(_("town"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Training -----------------------------------------------------------------------------------------


class Training(SiteOwnedModel):
    """A course in the site's catalogue: vocational training, a licence, a safety course..."""

    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    sector = models.ForeignKey(
        IscoGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector (ISCO-08 group)"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    hours = models.PositiveIntegerField(_("hours"), null=True, blank=True)
    cost = models.DecimalField(_("cost (EUR)"), max_digits=9, decimal_places=2, default=0)
    language_level = models.CharField(
        _("Italian level required"), max_length=10, choices=CefrLevel.choices, blank=True
    )
    documents_required = models.TextField(_("documents required"), blank=True)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in the catalogue"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = [models.F("starts_on").asc(nulls_last=True), "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="jobs_training_dates",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="jobs_training_cost"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingEnrolment(SiteOwnedModel):
    """A training suggested to a person, and how it went: enrolled, attending, completed, dropped."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("person")
    )
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("training")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal it serves"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.SUGGESTED
    )
    status_since = models.DateField(_("since"), default=timezone.localdate)
    suggested_on = models.DateField(_("suggested on"), default=timezone.localdate)
    certificate = models.BooleanField(_("certificate obtained"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training enrolment")
        verbose_name_plural = _("training enrolments")
        ordering = ["-suggested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "training"], name="jobs_enrolment_unique"),
            models.CheckConstraint(
                condition=Q(certificate=False) | Q(status=EnrolmentStatus.COMPLETED),
                name="jobs_enrolment_certificate_when_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training} · {self.get_status_display()}"


# --- Qualifications and their recognition -------------------------------------------------------------


class Qualification(SiteOwnedModel):
    """A qualification earned abroad (or in Italy), with the documents the person holds."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("person")
    )
    title = models.CharField(_("title"), max_length=255)
    level = models.CharField(_("level"), max_length=20, choices=QualificationLevel.choices)
    field = models.CharField(_("field of study"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    institution = models.CharField(_("institution"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    documents = models.JSONField(_("documents held"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = [models.F("year").desc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


class RecognitionProcedure(SiteOwnedModel):
    """The recognition of a qualification by one route, step by step, with its outcome."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("person")
    )
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("qualification")
    )
    route = models.CharField(_("route"), max_length=30, choices=RecognitionRoute.choices)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who follows it"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal it serves"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=RecognitionOutcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.TextField(
        _("what was recognised"),
        blank=True,
        help_text=_("For example: comparable to an Italian bachelor's degree."),
    )
    # The last change of the procedure or of one of its steps: a procedure without one for 30 days
    # is stalled, and shows in the reminders.
    last_activity_on = models.DateField(_("last activity"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recognition procedure")
        verbose_name_plural = _("recognition procedures")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False), name="jobs_recognition_outcome_dated"
            )
        ]

    def __str__(self) -> str:
        return f"{self.qualification} · {self.get_route_display()}"

    @property
    def is_open(self) -> bool:
        return not self.outcome


class RecognitionStep(SiteOwnedModel):
    """A step of a recognition procedure: documents, translation, application, outcome..."""

    procedure = models.ForeignKey(
        RecognitionProcedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("procedure")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("step"), max_length=30, choices=RecognitionStepKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.TO_DO
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    cost = models.DecimalField(_("cost (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True)
    documents = models.TextField(_("documents"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    changed_on = models.DateField(_("last change"), default=timezone.localdate)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recognition step")
        verbose_name_plural = _("recognition steps")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gte=0), name="jobs_step_cost"),
            models.CheckConstraint(
                condition=~Q(status=StepStatus.DONE) | Q(done_on__isnull=False), name="jobs_step_done_dated"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


# --- CVs ----------------------------------------------------------------------------------------------


class CV(SiteOwnedModel):
    """A person's CV: its content is the current version's (`CVVersion`), kept whole at each save.

    The fields below repeat what matching needs of the current version (occupations, Italian level,
    licences, availability), so that ranking a site's people reads one small row each."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="cv", verbose_name=_("person")
    )
    current = models.ForeignKey(
        "CVVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    desired_isco = models.JSONField(default=list, editable=False)  # ISCO-08 unit groups of the jobs wanted
    past_isco = models.JSONField(default=list, editable=False)  # ISCO-08 unit groups of past work
    italian_level = models.CharField(max_length=10, choices=CefrLevel.choices, blank=True, editable=False)
    licences = models.JSONField(default=list, editable=False)
    available_from = models.DateField(null=True, blank=True, editable=False)
    working_time = models.CharField(max_length=20, choices=WorkingTime.choices, blank=True, editable=False)
    places = models.CharField(max_length=500, blank=True, editable=False)  # where they can work
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("CV")
        verbose_name_plural = _("CVs")

    def __str__(self) -> str:
        return str(_("CV of case %(pk)s") % {"pk": self.person_id})


class CVVersion(SiteOwnedModel):
    """One saved version of a CV: the whole content (see `jobs.cv`), who saved it and when."""

    cv = models.ForeignKey(CV, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved on"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("CV version")
        verbose_name_plural = _("CV versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["cv", "number"], name="jobs_cv_version_unique")]

    def __str__(self) -> str:
        return f"{self.cv} v{self.number}"


# --- Job offers, applications, placements -------------------------------------------------------------


class JobOffer(SiteOwnedModel):
    """A job offer found by the desk, with its source, what it asks and until when."""

    title = models.CharField(_("job"), max_length=200)
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("employer"),
    )
    source = models.CharField(_("source"), max_length=20, choices=OfferSource.choices)
    source_name = models.CharField(
        _("source name"), max_length=200, blank=True, help_text=_("The website, newspaper or agency.")
    )
    source_url = models.URLField(_("link"), blank=True, max_length=500)
    source_date = models.DateField(_("published on"), null=True, blank=True)
    place = models.CharField(_("place of work"), max_length=200, blank=True)
    contract_type = models.CharField(_("contract"), max_length=20, choices=ContractType.choices, blank=True)
    working_time = models.CharField(_("working time"), max_length=20, choices=WorkingTime.choices, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), null=True, blank=True)
    pay = models.DecimalField(_("gross pay (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True)
    pay_period = models.CharField(_("pay period"), max_length=10, choices=PayPeriod.choices, blank=True)
    italian_level = models.CharField(
        _("Italian level required"), max_length=10, choices=CefrLevel.choices, blank=True
    )
    driving_licence = models.CharField(
        _("driving licence required"), max_length=4, choices=DrivingLicence.choices, blank=True
    )
    experience_years = models.PositiveSmallIntegerField(
        _("years of experience required"), null=True, blank=True
    )
    documents_required = models.CharField(_("documents required"), max_length=500, blank=True)
    requirements = models.TextField(_("other requirements"), blank=True)
    places = models.PositiveSmallIntegerField(_("positions"), default=1)
    deadline = models.DateField(_("apply by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("job offer")
        verbose_name_plural = _("job offers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pay__isnull=True) | Q(pay__gte=0), name="jobs_offer_pay"),
            models.CheckConstraint(condition=Q(places__gte=1), name="jobs_offer_places"),
        ]
        indexes = [models.Index(fields=["site", "status", "created_at"], name="jobs_offer_status")]

    def __str__(self) -> str:
        return self.title


class Application(SiteOwnedModel):
    """A person's application to an offer, or a spontaneous one to an employer."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="applications", verbose_name=_("person")
    )
    offer = models.ForeignKey(
        JobOffer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("job offer"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("employer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.PREPARED
    )
    status_since = models.DateField(_("since"), default=timezone.localdate)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    interview_at = models.DateTimeField(_("interview"), null=True, blank=True)
    preparation = models.TextField(_("interview preparation"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-status_since", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offer__isnull=False) | Q(employer__isnull=False), name="jobs_application_target"
            ),
            models.UniqueConstraint(
                fields=["person", "offer"], condition=Q(offer__isnull=False), name="jobs_application_once"
            ),
        ]

    def __str__(self) -> str:
        target = self.offer or self.employer
        return f"{target} · {self.get_status_display()}"


class Placement(SiteOwnedModel):
    """Work a person got: employer, occupation, contract, dates, hours and pay."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="placements", verbose_name=_("person")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="placements", verbose_name=_("employer")
    )
    job_title = models.CharField(_("job"), max_length=200)
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    contract_type = models.CharField(_("contract"), max_length=20, choices=ContractType.choices)
    started_on = models.DateField(_("started on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    ended_early_on = models.DateField(_("ended early on"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), null=True, blank=True)
    net_monthly_pay = models.DecimalField(
        _("net monthly pay (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    traineeship_allowance = models.DecimalField(
        _("monthly traineeship allowance (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal it serves"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("started_on")),
                name="jobs_placement_dates",
            ),
            models.CheckConstraint(
                condition=Q(net_monthly_pay__isnull=True) | Q(net_monthly_pay__gte=0),
                name="jobs_placement_pay",
            ),
            models.CheckConstraint(
                condition=Q(traineeship_allowance__isnull=True) | Q(traineeship_allowance__gte=0),
                name="jobs_placement_allowance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_title} · {self.employer}"

    def is_current(self, today: date | None = None) -> bool:
        day = today or timezone.localdate()
        if self.started_on > day or (self.ended_early_on and self.ended_early_on <= day):
            return False
        return self.ends_on is None or self.ends_on >= day
