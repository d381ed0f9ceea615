"""The person followed and everything recorded about them. Every model here belongs to a site."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from percorsi.core.models import SiteOwnedModel
from percorsi.people.choices import (
    ArrivalRoute,
    CaseStatus,
    CefrLevel,
    ClosureReason,
    ConsentPurpose,
    DatePrecision,
    DocumentKind,
    LegalStatusKind,
    NoteCategory,
    Relation,
    Sex,
    TaxCodeKind,
)


class Person(SiteOwnedModel):
    """The person followed (utente / beneficiario): the centre of the case file."""

    # Names
    given_names = models.CharField(_("given names"), max_length=150)
    family_names = models.CharField(_("family names"), max_length=150, blank=True)
    native_name = models.CharField(_("name in the person's own script"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)

    # Birth
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("birth date known"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    birth_country = models.CharField(_("country of birth"), max_length=2, blank=True)
    birth_place = models.CharField(_("town of birth"), max_length=120, blank=True)
    stateless = models.BooleanField(_("stateless"), default=False)

    # Contacts
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address in Italy"), max_length=255, blank=True)
    notional_address = models.CharField(
        _("notional address"),
        max_length=255,
        blank=True,
        help_text=_("The fictitious address of the municipality, for people without a home."),
    )
    household_others = models.PositiveSmallIntegerField(_("other household members not followed"), default=0)

    # Arrival in Italy
    arrival_date = models.DateField(_("arrival in Italy"), null=True, blank=True)
    arrival_date_precision = models.CharField(
        _("arrival date known"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    arrival_route = models.CharField(_("route"), max_length=20, choices=ArrivalRoute.choices, blank=True)

    # The case
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator in charge"),
    )
    case_opened_on = models.DateField(_("case opened on"), default=timezone.localdate)
    case_status = models.CharField(
        _("case status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    case_status_since = models.DateField(_("status since"), default=timezone.localdate)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True
    )

    # Tax code (codice fiscale) or the provisional numeric code
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True, db_index=True)
    tax_code_kind = models.CharField(
        _("kind of tax code"), max_length=12, choices=TaxCodeKind.choices, blank=True
    )
    tax_code_mismatch_confirmed = models.BooleanField(
        _("tax code confirmed despite differences"),
        default=False,
        help_text=_(
            "The code does not match the birth date, sex or place recorded, and an operator confirmed it."
        ),
    )

    # Derived for search and duplicate detection (people.matching); never shown.
    search_text = models.CharField(max_length=600, blank=True, editable=False)

    # Soft delete and merge
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_names", "given_names", "pk"]
        indexes = [
            models.Index(fields=["site", "family_names", "given_names"], name="people_person_site_name"),
            models.Index(fields=["site", "case_status"], name="people_person_site_status"),
            # The live records of a site: the list page counts them through this index alone.
            models.Index(
                fields=["site"],
                condition=Q(deleted_at__isnull=True, merged_into__isnull=True),
                name="people_person_site_live",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_names) if part)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class PersonChild(SiteOwnedModel):
    """Base of the records that hang from a person; they share the person's site."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, verbose_name=_("person"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class OtherName(PersonChild):
    """Another spelling of the name (Mohamed for Muhammad) or an alias; found by the search."""

    name = models.CharField(_("name"), max_length=200)
    is_alias = models.BooleanField(
        _("alias"), default=False, help_text=_("A different name, not another spelling of the same.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        default_related_name = "other_names"

    def __str__(self) -> str:
        return self.name


class Nationality(PersonChild):
    country = models.CharField(_("country"), max_length=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nationality")
        verbose_name_plural = _("nationalities")
        default_related_name = "nationalities"
        constraints = [
            models.UniqueConstraint(fields=["person", "country"], name="people_nationality_unique")
        ]

    def __str__(self) -> str:
        return self.country


class SpokenLanguage(PersonChild):
    language = models.CharField(_("language"), max_length=3, help_text=_("ISO 639 code"))
    is_mother_tongue = models.BooleanField(_("mother tongue"), default=False)
    level = models.CharField(_("level"), max_length=10, choices=CefrLevel.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        default_related_name = "languages"
        constraints = [models.UniqueConstraint(fields=["person", "language"], name="people_language_unique")]

    def __str__(self) -> str:
        return self.language


class HouseholdLink(PersonChild):
    """A relative who is followed too (the other direction is recorded as its own link)."""

    relative = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("relative")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        default_related_name = "household_links"
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="people_household_unique"),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="people_household_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}->{self.relative_id}"


class LegalStatus(PersonChild):
    """One entry of the legal status history. A new status is a new row: the old one stays."""

    status = models.CharField(_("legal status"), max_length=30, choices=LegalStatusKind.choices)
    permit_type = models.CharField(_("permit type"), max_length=120, blank=True)
    permit_number = models.CharField(_("permit number"), max_length=40, blank=True, db_index=True)
    issued_by = models.CharField(
        _("issued by"), max_length=120, blank=True, help_text=_("e.g. Questura di Roma")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    renewal_requested_on = models.DateField(_("renewal requested on"), null=True, blank=True)
    receipt_number = models.CharField(_("renewal receipt number"), max_length=40, blank=True)
    valid_from = models.DateField(_("status since"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal status")
        verbose_name_plural = _("legal statuses")
        default_related_name = "legal_statuses"
        # Newest first by the date it took effect; one recorded without that date counts from
        # the day it was recorded (so a new status entered today is the current one).
        ordering = [Coalesce("valid_from", TruncDate("created_at")).desc(), "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.get_status_display()


class IdentityDocument(PersonChild):
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=40, blank=True, db_index=True)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    # The scan lives under MEDIA_ROOT/documents/ with a random name; it is served only by a
    # permission-checked view (people.views.document_download).
    scan = models.FileField(_("scan"), upload_to="documents/%Y/%m/", blank=True, max_length=200)
    scan_content_type = models.CharField(max_length=40, blank=True, editable=False)
    scan_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    replaced_at = models.DateTimeField(
        _("no longer current"), null=True, blank=True, help_text=_("Set when a newer document replaces it.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        default_related_name = "documents"
        ordering = [models.F("issued_on").desc(nulls_last=True), "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PrivacyNotice(PersonChild):
    """The privacy notice given to the person (GDPR art. 13), in a language they understand."""

    given_on = models.DateField(_("given on"))
    language = models.CharField(_("language"), max_length=3)
    interpreter = models.CharField(_("interpreter"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        default_related_name = "privacy_notices"
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return str(self.given_on)


class Consent(PersonChild):
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        default_related_name = "consents"
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return self.get_purpose_display()


class ConfidentialNote(PersonChild):
    """Health, legal or family notes: only roles with `people:sensitive` ever read them."""

    category = models.CharField(_("category"), max_length=10, choices=NoteCategory.choices)
    text = models.TextField(_("note"), max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("confidential note")
        verbose_name_plural = _("confidential notes")
        default_related_name = "confidential_notes"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.get_category_display()


class NameKey(PersonChild):
    """Folded forms of each name of a person (people.matching), for search and duplicate detection.

    The same rows, and the same exact lookups, on SQLite and PostgreSQL."""

    key = models.CharField(max_length=60)

    class Meta:
        default_related_name = "name_keys"
        indexes = [
            # The person's id in the index: a lookup never visits the table (PostgreSQL; SQLite ignores it).
            models.Index(fields=["site", "key"], include=["person"], name="people_namekey_site_key"),
            models.Index(fields=["key"], name="people_namekey_key"),
        ]

    def __str__(self) -> str:
        return self.key


class Merge(SiteOwnedModel):
    """One record absorbed into another, with what moved, so that an administrator can undo it."""

    kept = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("record kept")
    )
    absorbed = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("record absorbed")
    )
    # {"people.legalstatus": [ids...], ...}: the rows that moved from the absorbed record to the kept one.
    moved = models.JSONField(default=dict, editable=False)
    # Ids of the other names added to the kept record (the absorbed record's names).
    added_names = models.JSONField(default=list, editable=False)
    # {"field": previous value}: blank fields of the kept record filled from the absorbed one.
    filled_fields = models.JSONField(default=dict, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    merged_at = models.DateTimeField(default=timezone.now, editable=False)
    undone_at = models.DateTimeField(null=True, blank=True, editable=False)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.absorbed_id}->{self.kept_id}"
