"""The lists a person's record is made of (DOMAIN.md: legal status, documents, routes, consents)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    FEMALE = "F", pgettext_lazy("sex", "Female")
    MALE = "M", pgettext_lazy("sex", "Male")
    OTHER = "X", pgettext_lazy("sex", "Other or not stated")


class DatePrecision(models.TextChoices):
    """How much of a date is known. Unknown parts are stored as the 1st (of the month or of January)."""

    EXACT = "exact", _("exact")
    MONTH = "month", _("month and year")
    YEAR = "year", _("year only")
    ESTIMATED = "estimated", _("estimated")


class ArrivalRoute(models.TextChoices):
    SEA = "sea", _("by sea")
    BALKANS = "balkans", _("by land, through the Balkans")
    CORRIDOR = "corridor", _("humanitarian corridor")
    RESETTLEMENT = "resettlement", _("resettlement")
    FAMILY = "family", _("family reunification")
    OTHER = "other", _("other")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed")


class ClosureReason(models.TextChoices):
    AUTONOMY = "autonomy", _("autonomy reached")
    TRANSFERRED = "transferred", _("transferred to another service")
    MOVED = "moved", _("moved away")
    NO_CONTACT = "no_contact", _("no longer in contact")
    OTHER = "other", _("other")


class TaxCodeKind(models.TextChoices):
    FULL = "full", _("tax code (16 characters)")
    PROVISIONAL = "provisional", _("provisional numeric code (11 digits)")


class LegalStatusKind(models.TextChoices):
    ASYLUM_SEEKER = "asylum_seeker", _("asylum seeker")
    REFUGEE = "refugee", _("refugee status")
    SUBSIDIARY = "subsidiary", _("subsidiary protection")
    HUMANITARIAN = "humanitarian", _("humanitarian protection (before October 2018)")
    SPECIAL_PROTECTION = "special_protection", _("special protection")
    SPECIAL_TRAFFICKING = "special_trafficking", _("special case: trafficking")
    SPECIAL_DOMESTIC_VIOLENCE = "special_domestic_violence", _("special case: domestic violence")
    SPECIAL_LABOUR = "special_labour", _("special case: labour exploitation")
    SPECIAL_MEDICAL = "special_medical", _("special case: medical treatment")
    SPECIAL_CALAMITY = "special_calamity", _("special case: calamity")
    TEMPORARY = "temporary", _("temporary protection")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("unaccompanied minor")
    WORK = "work", _("work permit")
    FAMILY = "family", _("family permit")
    EU_LONG_TERM = "eu_long_term", _("EU long-term residence permit")
    STUDY = "study", _("study permit")
    CITIZEN = "citizen", _("Italian citizenship")
    NONE = "none", _("no valid permit")
    OTHER = "other", _("other")


class DocumentKind(models.TextChoices):
    PERMIT = "permit", _("residence permit")
    RECEIPT = "receipt", _("renewal receipt")
    PASSPORT = "passport", _("passport")
    TRAVEL_DOCUMENT = "travel_document", _("refugee travel document")
    IDENTITY_CARD = "identity_card", _("identity card")
    HEALTH_CARD = "health_card", _("health card")
    TAX_CODE_CARD = "tax_code_card", _("tax code card")
    OTHER = "other", _("other")


class CefrLevel(models.TextChoices):
    LITERACY = "literacy", _("literacy course")
    PRE_A1 = "pre_a1", "Pre-A1"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("case management and the accompaniment plan")
    SENSITIVE_DATA = "sensitive_data", _("health and other special categories of data")
    JOB_MATCHING = "job_matching", _("sharing the CV with employers and agencies")
    HOUSING = "housing", _("sharing data with landlords and agencies")
    FUNDERS = "funders", _("reporting to the funders of contributions")
    CONTACT = "contact", _("contact by phone, SMS and e-mail")
    PHOTOS = "photos", _("photos and stories in the association's communications")


class NoteCategory(models.TextChoices):
    HEALTH = "health", _("health")
    LEGAL = "legal", _("legal")
    FAMILY = "family", _("family")
    OTHER = "other", _("other")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("spouse or partner")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    SIBLING = "sibling", _("brother or sister")
    OTHER = "other", _("other relative")
