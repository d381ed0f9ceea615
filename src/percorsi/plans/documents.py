"""The plan document for the person: a PDF with Italian beside the person's language.

Every fixed text (headings, labels, goal statuses, areas and owners) is printed twice: in Italian
and in the document's language, each through Django's translation machinery under
`translation.override`. What the operators wrote (phase names, goals, places, reasons) is data and
is printed once, as stored. The interface languages (settings.LANGUAGES) stay Italian and English:
the document languages are listed here, each with a catalogue in `locale/<code>`.

WeasyPrint draws the PDF with Pango; the fonts named in the stylesheet (Noto Sans for Arabic,
Ethiopic and Bengali, DejaVu Sans as the last resort) are installed by `make install` and the CI
(docs/operations.md). The document never fetches anything: no images, no external stylesheets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from percorsi.core import audit
from percorsi.core.decorators import get_site_object_or_404, site_permission_required
from percorsi.people import reference
from percorsi.people.models import Person
from percorsi.plans.choices import AppointmentStatus, GoalArea, GoalOwner, GoalStatus
from percorsi.plans.models import Appointment, Goal, Phase, Plan

NEXT_APPOINTMENTS = 5


@dataclass(frozen=True)
class DocumentLanguage:
    code: str
    native_name: str  # the language's name in itself, as the person would recognise it
    direction: str  # "ltr" or "rtl"


# The languages the document is translated into, beside Italian. Add one with its catalogue:
# from src/percorsi, `../../.venv/bin/percorsi makemessages -l <code> --no-obsolete --add-location
# file`, translate the entries this module and templates/plans/pdf/ use, `compilemessages`.
DOCUMENT_LANGUAGES: dict[str, DocumentLanguage] = {
    language.code: language
    for language in (
        DocumentLanguage("en", "English", "ltr"),
        DocumentLanguage("fr", "Français", "ltr"),
        DocumentLanguage("ar", "العربية", "rtl"),
    )
}
FALLBACK_LANGUAGE = "en"

# Spoken-language codes of the people records (ISO 639, 2 or 3 letters) that name a document language.
_SPOKEN_TO_DOCUMENT = {"eng": "en", "fra": "fr", "fre": "fr", "ara": "ar"}


def _document_language(spoken: str) -> str | None:
    code = (spoken or "").lower()
    code = _SPOKEN_TO_DOCUMENT.get(code, code)
    return code if code in DOCUMENT_LANGUAGES else None


def language_choices() -> list[tuple[str, str]]:
    """(code, name) of the document languages for a menu: the name in the interface's language and
    in the language itself ("Arabo (العربية)")."""
    return [
        (code, f"{reference.language_name(code)} ({language.native_name})")
        for code, language in DOCUMENT_LANGUAGES.items()
    ]


def default_language(person: Person) -> str:
    """The person's mother tongue when the document has it, else another language they speak
    (French for many West Africans), else English."""
    spoken = sorted(person.languages.all(), key=lambda s: (not s.is_mother_tongue, s.pk))
    for language in spoken:
        code = _document_language(language.language)
        if code is not None:
            return code
    return FALLBACK_LANGUAGE


@dataclass(frozen=True)
class Bilingual:
    """A fixed text in Italian and in the document's language."""

    it: str
    other: str


def _texts(made_on: str) -> dict[str, str]:
    """The document's fixed texts in the active language."""
    return {
        "title": pgettext("plan document", "Individual accompaniment plan"),
        "intro": pgettext(
            "plan document",
            "This is your plan, agreed with the operator who follows you. It shows the phases of your "
            "path, your goals, who does what and by when. Please keep it and bring it to your "
            "appointments.",
        ),
        "started_on": pgettext("plan document", "Plan started on"),
        "closed_on": pgettext("plan document", "Plan closed on"),
        "operator": pgettext("plan document", "Operator in charge"),
        "phases": pgettext("plan document", "Phases"),
        "phase": pgettext("plan document", "Phase"),
        "start": pgettext("plan document", "Start"),
        "end": pgettext("plan document", "End"),
        "current": pgettext("plan document", "current phase"),
        "goals": pgettext("plan document", "Goals"),
        "goal": pgettext("plan document", "Goal"),
        "owner": pgettext("plan document", "Who does it"),
        "target": pgettext("plan document", "By when"),
        "status": pgettext("plan document", "Status"),
        "indicator": pgettext("plan document", "Expected result"),
        "other_goals": pgettext("plan document", "Other goals"),
        "no_goals": pgettext("plan document", "No goals yet."),
        "appointments": pgettext("plan document", "Next appointments"),
        "when": pgettext("plan document", "Date and time"),
        "place": pgettext("plan document", "Place"),
        "with": pgettext("plan document", "With whom"),
        "reason": pgettext("plan document", "Reason"),
        "interpreter": pgettext("plan document", "An interpreter will be there."),
        "no_appointments": pgettext("plan document", "No appointments booked."),
        "contacts": pgettext("plan document", "Contacts"),
        "office": pgettext("plan document", "Office"),
        "address": pgettext("plan document", "Address"),
        "signatures": pgettext("plan document", "Signatures"),
        "agreed_on": pgettext("plan document", "Read and agreed on"),
        "person_signature": pgettext("plan document", "Signature of the person"),
        "operator_signature": pgettext("plan document", "Signature of the operator"),
        "made_on": pgettext("plan document", "Document made on %(day)s") % {"day": made_on},
    }


def _in_both(language: str, make: Callable[[], Any]) -> tuple[Any, Any]:
    with translation.override("it"):
        italian = make()
    with translation.override(language):
        other = make()
    return italian, other


def _label(language: str, label: str | Promise) -> Bilingual:
    italian, other = _in_both(language, lambda: str(label))
    return Bilingual(italian, other)


def _day(value: date | None) -> str:
    # Numbers, the same in both columns: a month's name would need the reader's calendar words.
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def _moment(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{_day(local.date())} {local:%H:%M}"


@dataclass(frozen=True)
class GoalLine:
    description: str
    indicator: str
    area: Bilingual
    owner: Bilingual
    other_service: str
    target_date: str
    status: Bilingual


@dataclass(frozen=True)
class PhaseBlock:
    name: str
    starts_on: str
    ends_on: str
    current: bool
    goals: list[GoalLine]


@dataclass(frozen=True)
class AppointmentLine:
    when: str
    place: str
    operator: str
    reason: str
    interpreter: bool


def next_appointments(person: Person, *, now: datetime | None = None) -> list[Appointment]:
    """The person's booked appointments from now on, the first few."""
    now = now or timezone.now()
    return list(
        Appointment.objects.filter(person=person, status=AppointmentStatus.SCHEDULED, starts_at__gte=now)
        .select_related("operator")
        .order_by("starts_at", "pk")[:NEXT_APPOINTMENTS]
    )


def _goal_line(goal: Goal, language: str) -> GoalLine:
    return GoalLine(
        description=goal.description,
        indicator=goal.indicator,
        area=_label(language, GoalArea(goal.area).label),
        owner=_label(language, GoalOwner(goal.owner).label),
        other_service=goal.other_service if goal.owner == GoalOwner.OTHER_SERVICE else "",
        target_date=_day(goal.target_date),
        status=_label(language, GoalStatus(goal.status).label),
    )


def document_context(*, plan: Plan, language: str, today: date | None = None) -> dict[str, Any]:
    """What the document shows, read from the database (a fixed number of queries)."""
    today = today or timezone.localdate()
    plan = (
        Plan.objects.filter(pk=plan.pk)
        .select_related("person", "operator", "person__operator", "site")
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("position", "starts_on", "pk")),
            "goals",
        )
        .get()
    )
    goals = list(plan.goals.all())
    phases = [
        PhaseBlock(
            name=phase.name,
            starts_on=_day(phase.starts_on),
            ends_on=_day(phase.ends_on),
            current=plan.is_active and phase.starts_on <= today <= phase.ends_on,
            goals=[_goal_line(g, language) for g in goals if g.phase_id == phase.pk],
        )
        for phase in plan.phases.all()
    ]
    loose = [_goal_line(g, language) for g in goals if g.phase_id is None]
    appointments = [
        AppointmentLine(
            when=_moment(a.starts_at),
            place=a.place,
            operator=str(a.operator) if a.operator else "",
            reason=a.reason,
            interpreter=a.interpreter_needed,
        )
        for a in next_appointments(plan.person)
    ]
    italian, other = _in_both(language, lambda: _texts(_day(today)))
    operator = plan.operator or plan.person.operator
    return {
        "language": DOCUMENT_LANGUAGES[language],
        "t": {key: Bilingual(italian[key], other[key]) for key in italian},
        "plan": plan,
        "person": plan.person,
        "site": plan.site,
        "operator": str(operator) if operator else "",
        "started_on": _day(plan.started_on),
        "closed_on": _day(plan.closed_on),
        "phases": phases,
        "loose_goals": loose,
        "has_goals": bool(goals),
        "appointments": appointments,
    }


def _no_fetching() -> Any:
    """A URL fetcher that fetches nothing: the document is self-contained, and a stray address in
    what someone typed must never make the server open a connection or read a file."""
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("The document loads no external resources")

    return Refuse()


def html_to_pdf(html: str) -> bytes:
    """A self-contained HTML page as PDF bytes, loading nothing from outside: how every printed
    document is made (the plan here, the CV in jobs.cv_documents). The fonts are the stylesheet's."""
    # Imported here: WeasyPrint loads Pango when imported, and only the documents need it.
    from PIL import ImageFile
    from weasyprint import HTML

    # WeasyPrint turns on Pillow's process-wide "load truncated images" when imported; the documents
    # embed no pictures, and the uploads must keep refusing truncated ones: turn it off again.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML(string=html, url_fetcher=_no_fetching()).write_pdf()


def plan_pdf(*, plan: Plan, language: str, today: date | None = None) -> bytes:
    """The plan document as PDF bytes, Italian beside `language` (one of DOCUMENT_LANGUAGES)."""
    if language not in DOCUMENT_LANGUAGES:
        raise ValueError(f"No plan document in {language!r}")
    context = document_context(plan=plan, language=language, today=today)
    with translation.override("it"):
        html = render_to_string("plans/pdf/plan_document.html", context)
    return html_to_pdf(html)


@require_GET
@site_permission_required("plans:read")
def plan_document(request: HttpRequest, site: str, plan_id: int) -> HttpResponse:
    """The plan document (PDF) in Italian and `?lang=` (by default the person's language), audited.

    It holds personal data: nothing personal in the file's name, no copy in any cache."""
    plan = get_site_object_or_404(Plan, request, plan_id, action="plans.plan.accessed")
    if plan.person.merged_into_id is not None or plan.person.deleted_at is not None:
        raise Http404
    language = request.GET.get("lang") or default_language(plan.person)
    if language not in DOCUMENT_LANGUAGES:
        return render(
            request,
            "plans/plan_document_language.html",
            {
                "plan": plan,
                "person": plan.person,
                "title": _("Plan document"),
                "document_languages": language_choices(),
                "document_language": default_language(plan.person),
            },
            status=400,
        )
    content = plan_pdf(plan=plan, language=language)
    audit.record(
        action="plans.plan.document_downloaded",
        obj=plan,
        data={"person": plan.person_id, "language": language},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="piano-{plan.pk}-{language}.pdf"'
    add_never_cache_headers(response)
    return response
