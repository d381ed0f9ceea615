"""The job desk's fixed lists (DOMAIN.md "Work" and "Recognition of qualifications")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from percorsi.people.choices import CefrLevel

# Italian level required or held, in order: a level satisfies every requirement at or below it.
CEFR_ORDER: dict[str, int] = {level: n for n, level in enumerate(CefrLevel.values)}


class DrivingLicence(models.TextChoices):
    """EU driving licence categories (Directive 2006/126/EC), as Europass lists them."""

    AM = "AM", "AM"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    A = "A", "A"
    B1 = "B1", "B1"
    B = "B", "B"
    BE = "BE", "BE"
    C1 = "C1", "C1"
    C1E = "C1E", "C1E"
    C = "C", "C"
    CE = "CE", "CE"
    D1 = "D1", "D1"
    D1E = "D1E", "D1E"
    D = "D", "D"
    DE = "DE", "DE"


# A licence covers the lower categories (a C holder drives what a B holder does...).
LICENCE_COVERS: dict[str, frozenset[str]] = {
    "AM": frozenset({"AM"}),
    "A1": frozenset({"AM", "A1"}),
    "A2": frozenset({"AM", "A1", "A2"}),
    "A": frozenset({"AM", "A1", "A2", "A"}),
    "B1": frozenset({"AM", "B1"}),
    "B": frozenset({"AM", "B1", "B"}),
    "BE": frozenset({"AM", "B1", "B", "BE"}),
    "C1": frozenset({"AM", "B1", "B", "C1"}),
    "C1E": frozenset({"AM", "B1", "B", "BE", "C1", "C1E"}),
    "C": frozenset({"AM", "B1", "B", "C1", "C"}),
    "CE": frozenset({"AM", "B1", "B", "BE", "C1", "C1E", "C", "CE"}),
    "D1": frozenset({"AM", "B1", "B", "D1"}),
    "D1E": frozenset({"AM", "B1", "B", "BE", "D1", "D1E"}),
    "D": frozenset({"AM", "B1", "B", "D1", "D"}),
    "DE": frozenset({"AM", "B1", "B", "BE", "D1", "D1E", "D", "DE"}),
}


class ContractType(models.TextChoices):
    OPEN_ENDED = "open_ended", _("open-ended (tempo indeterminato)")
    FIXED_TERM = "fixed_term", _("fixed-term (tempo determinato)")
    APPRENTICESHIP = "apprenticeship", _("apprenticeship (apprendistato)")
    AGENCY = "agency", _("agency work (somministrazione)")
    ON_CALL = "on_call", _("on call (lavoro intermittente)")
    DOMESTIC = "domestic", _("domestic work (lavoro domestico)")
    SELF_EMPLOYED = "self_employed", _("self-employment")
    SEASONAL = "seasonal", _("seasonal work")
    OCCASIONAL = "occasional", _("occasional work (prestazione occasionale)")
    TRAINEESHIP = "traineeship", _("traineeship (tirocinio extracurricolare)")


class WorkingTime(models.TextChoices):
    FULL_TIME = "full_time", _("full time")
    PART_TIME = "part_time", _("part time")


class PayPeriod(models.TextChoices):
    HOUR = "hour", _("an hour")
    MONTH = "month", _("a month")
    YEAR = "year", _("a year")


class OfferSource(models.TextChoices):
    WEBSITE = "website", _("website")
    NEWSPAPER = "newspaper", _("newspaper")
    JOB_CENTRE = "job_centre", _("job centre (Centro per l'Impiego)")
    AGENCY = "agency", _("temp agency")
    EMPLOYER = "employer", _("employer directly")
    WORD_OF_MOUTH = "word_of_mouth", _("word of mouth")
    OTHER = "other", _("other")


class OfferStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("job offer", "open")
    FILLED = "filled", pgettext_lazy("job offer", "filled")
    CLOSED = "closed", pgettext_lazy("job offer", "closed")


class ApplicationStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared")
    SENT = "sent", _("sent")
    INTERVIEW_SET = "interview_set", _("interview set")
    INTERVIEWED = "interviewed", _("interviewed")
    OFFERED = "offered", _("job offered")
    HIRED = "hired", _("hired")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


APPLICATION_ENDED = frozenset(
    {ApplicationStatus.HIRED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
)


class EnrolmentStatus(models.TextChoices):
    SUGGESTED = "suggested", _("suggested")
    ENROLLED = "enrolled", _("enrolled")
    ATTENDING = "attending", _("attending")
    COMPLETED = "completed", _("completed")
    DROPPED = "dropped", _("dropped")


ENROLMENT_ENDED = frozenset({EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED})


class QualificationLevel(models.TextChoices):
    """Levels as people describe their studies, each with its EQF level (for Europass)."""

    PRIMARY = "primary", _("primary school")
    LOWER_SECONDARY = "lower_secondary", _("lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("upper secondary school diploma")
    VOCATIONAL = "vocational", _("vocational qualification")
    POST_SECONDARY = "post_secondary", _("post-secondary or short university course")
    BACHELOR = "bachelor", _("bachelor's degree")
    MASTER = "master", _("master's degree")
    DOCTORATE = "doctorate", _("doctorate")
    OTHER = "other", _("other")


EQF_LEVEL: dict[str, int] = {
    "primary": 1,
    "lower_secondary": 2,
    "upper_secondary": 4,
    "vocational": 3,
    "post_secondary": 5,
    "bachelor": 6,
    "master": 7,
    "doctorate": 8,
}


class DocumentHeld(models.TextChoices):
    ORIGINAL = "original", _("the original diploma")
    COPY = "copy", _("a copy of the diploma")
    TRANSCRIPT = "transcript", _("transcript of records")
    TRANSLATION = "translation", _("a sworn translation")
    LEGALISED = "legalised", _("legalisation or apostille")
    NONE = "none", _("no document")


class RecognitionRoute(models.TextChoices):
    CIMEA = "cimea", _("CIMEA statement of comparability")
    DECLARATION_OF_VALUE = "declaration_of_value", _("declaration of value (consulate)")
    EQUIVALENCE = "equivalence", _("equivalence at a university or school office")
    EQPR = "eqpr", _("European Qualifications Passport for Refugees")
    PROFESSIONAL = "professional", _("professional recognition by a ministry")


class RecognitionStepKind(models.TextChoices):
    DOCUMENTS = "documents", _("gather the documents")
    TRANSLATION = "translation", _("sworn translation")
    LEGALISATION = "legalisation", _("legalisation or apostille")
    APPLICATION = "application", _("application submitted")
    QUESTIONNAIRE = "questionnaire", _("questionnaire and interview")
    MORE_INFORMATION = "more_information", _("more information requested")
    OUTCOME = "outcome", _("outcome received")
    OTHER = "other", _("other")


# The usual steps of each route, offered when a procedure starts.
ROUTE_STEPS: dict[str, tuple[str, ...]] = {
    "cimea": ("documents", "application", "outcome"),
    "declaration_of_value": ("documents", "translation", "legalisation", "application", "outcome"),
    "equivalence": ("documents", "translation", "legalisation", "application", "outcome"),
    "eqpr": ("documents", "questionnaire", "outcome"),
    "professional": ("documents", "translation", "legalisation", "application", "outcome"),
}


class StepStatus(models.TextChoices):
    TO_DO = "to_do", _("to do")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_NEEDED = "not_needed", _("not needed")


class RecognitionOutcome(models.TextChoices):
    RECOGNISED = "recognised", _("recognised")
    PARTLY = "partly", _("partly recognised")
    REFUSED = "refused", _("refused")
    ABANDONED = "abandoned", _("abandoned")
