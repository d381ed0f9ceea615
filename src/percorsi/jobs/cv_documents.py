"""The CV as documents for the person and employers: a PDF in a Europass-like layout and an editable DOCX.

Both are made from a CV version's content (`jobs.cv`, read again through `cv.parse`) and the
person's data chosen for it (`cv.Personal`), in Italian or English: every fixed text goes through
Django's translation machinery under `translation.override`; what the person and the operators
wrote is data, printed as stored (escaped; characters XML cannot hold are dropped). Sections with
nothing in them are left out; only the name is always there.

The PDF is drawn by WeasyPrint like the plan document (`plans.documents.html_to_pdf`: nothing is
fetched, fonts from the system for names in any script, docs/operations.md); the DOCX is written
with python-docx: real Word headings and tables, no macros.

A view sends the bytes as a download, with `PDF_CONTENT_TYPE` or `DOCX_CONTENT_TYPE`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from typing import Any

import phonenumbers
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from percorsi.jobs import cv
from percorsi.jobs.choices import EQF_LEVEL, QualificationLevel, WorkingTime
from percorsi.people import reference
from percorsi.plans.documents import html_to_pdf

CV_LANGUAGES = ("it", "en")
PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DASH = "\N{EN DASH}"  # between the dates of a period
NOT_ASSESSED = DASH  # a language skill without a level, in the grid

# What XML 1.0 (and so a DOCX, and the PDF's HTML) can hold: control characters, lone surrogates
# and the two non-characters are dropped from what people typed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def direction(text: str) -> str:
    """The text's direction: "rtl" when its first letter is of a right-to-left script (Arabic,
    Hebrew...), else "ltr"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


@dataclass(frozen=True)
class Fact:
    """A label and its value."""

    label: str
    value: str


@dataclass(frozen=True)
class Entry:
    """A work experience or a course, as printed."""

    period: str  # "03/2019 - 06/2021" (an en dash), "2019 - today", "2014", ""
    title: str
    note: str  # "informal work" or ""
    where: str  # employer or organisation, town, country
    details: tuple[Fact, ...]  # level, field of study
    activities: str


@dataclass(frozen=True)
class LanguageRow:
    name: str
    levels: tuple[str, ...]  # the five skills of cv.LANGUAGE_SKILLS, NOT_ASSESSED when not given
    certificates: str


@dataclass(frozen=True)
class CVDocument:
    """What both documents show, every fixed text already in the CV's language."""

    language: str
    t: dict[str, str]  # fixed texts: titles, headings
    name: str
    native_name: str
    native_direction: str
    headline: str
    personal: tuple[Fact, ...]
    desired_jobs: tuple[str, ...]
    work: tuple[Entry, ...]
    education: tuple[Entry, ...]
    mother_tongues: Fact | None
    languages: tuple[LanguageRow, ...]
    digital: tuple[Fact, ...]
    digital_other: str
    licences: str
    skills: tuple[Fact, ...]
    availability: tuple[Fact, ...]

    @property
    def has_languages(self) -> bool:
        return bool(self.mother_tongues or self.languages)

    @property
    def has_digital(self) -> bool:
        return bool(self.digital or self.digital_other)


def _texts() -> dict[str, str]:
    """The fixed texts of the CV in the active language."""
    return {
        "cv": _("Curriculum vitae"),
        "personal": _("Personal information"),
        "jobs_wanted": _("Jobs wanted"),
        "work": _("Work experience"),
        "education": _("Education and training"),
        "languages": _("Languages"),
        "other_languages": _("Other languages"),
        "understanding": _("Understanding"),
        "speaking": _("Speaking"),
        "writing": _("Writing"),
        "listening": _("Listening"),
        "reading": _("Reading"),
        "spoken_interaction": _("Spoken interaction"),
        "spoken_production": _("Spoken production"),
        "language": _("Language"),
        "certificates": _("Certificates"),
        "cefr_key": _(
            "Levels: A1 and A2: basic user; B1 and B2: independent user; C1 and C2: proficient user "
            "(Common European Framework of Reference for Languages)."
        ),
        "digital": _("Digital skills"),
        "digital_area": _("Area"),
        "digital_level": _("Level"),
        "licences": _("Driving licence"),
        "skills": _("Other skills"),
        "availability": _("Availability"),
    }


def _day(value: str) -> str:
    """A partial ISO date as people read it: "2019" -> "2019", "2019-03" -> "03/2019", "2019-03-15"
    -> "15/03/2019"."""
    return "/".join(reversed(value.split("-"))) if value else ""


def period(start: str, end: str, current: bool = False) -> str:
    """The dates of a job or a course as people read them: "03/2019 - 06/2021", "2019 - today" (with
    an en dash)."""
    start, end = _day(start), _day(end)
    if current:
        return f"{start} {DASH} {_('today')}" if start else _("currently")
    if start and end and start != end:
        return f"{start} {DASH} {end}"
    return start or end


def _newest_first(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Current jobs first, then by end (or start) date, latest first; undated ones last, as entered.
    return sorted(
        entries,
        key=lambda e: (e.get("current", False), e["end"] or e["start"], e["start"]),
        reverse=True,
    )


def _joined(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _country(code: str) -> str:
    return reference.country_name(code) if code else ""


def _phone(number: str) -> str:
    """A number as people read it ("+393331234567" -> "+39 333 123 4567"), as stored when it is not
    one phonenumbers reads."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _personal_facts(personal: cv.Personal) -> tuple[Fact, ...]:
    facts = [
        Fact(_("Date of birth"), _day(personal.birth_date)),
        Fact(_("Nationality"), _joined(*(_country(code) for code in personal.nationalities))),
        Fact(_("Phone"), _phone(personal.phone) if personal.phone else ""),
        Fact(_("Email"), personal.email),
        Fact(_("Address"), _joined(personal.address, personal.town, _country(personal.country))),
        Fact(_("Legal status"), personal.legal_status),
    ]
    return tuple(fact for fact in facts if fact.value)


def _work(entry: dict[str, Any]) -> Entry:
    return Entry(
        period=period(entry["start"], entry["end"], entry["current"]),
        title=entry["position"],
        note="" if entry["formal"] else _("informal work"),
        where=_joined(entry["employer"], entry["town"], _country(entry["country"])),
        details=(),
        activities=entry["activities"],
    )


def _level(code: str) -> str:
    if not code or code == QualificationLevel.OTHER:
        return ""
    label = str(QualificationLevel(code).label)
    if code in EQF_LEVEL:
        return _("%(level)s (EQF level %(eqf)s)") % {"level": label, "eqf": EQF_LEVEL[code]}
    return label


def _education(entry: dict[str, Any]) -> Entry:
    details = (
        Fact(_("Level"), _level(entry["level"])),
        Fact(_("Field of study"), entry["field"]),
    )
    return Entry(
        period=period(entry["start"], entry["end"]),
        title=entry["title"],
        note="",
        where=_joined(entry["organisation"], entry["town"], _country(entry["country"])),
        details=tuple(fact for fact in details if fact.value),
        activities=entry["activities"],
    )


def _languages(content: dict[str, Any]) -> tuple[Fact | None, tuple[LanguageRow, ...]]:
    mother = [reference.language_name(code) for code in content["mother_tongues"]]
    mother_fact = None
    if mother:
        label = _("Mother tongue") if len(mother) == 1 else _("Mother tongues")
        mother_fact = Fact(label, ", ".join(mother))
    rows = tuple(
        LanguageRow(
            name=reference.language_name(entry["language"]),
            levels=tuple(entry[skill] or NOT_ASSESSED for skill in cv.LANGUAGE_SKILLS),
            certificates=entry["certificates"],
        )
        for entry in content["languages"]
    )
    return mother_fact, rows


def _digital(content: dict[str, Any]) -> tuple[Fact, ...]:
    areas = {
        "information": _("Information and data processing"),
        "communication": _("Communication and collaboration"),
        "content_creation": _("Digital content creation"),
        "safety": _("Safety"),
        "problem_solving": _("Problem solving"),
    }
    levels = {
        "basic": _("Basic user"),
        "independent": _("Independent user"),
        "proficient": _("Proficient user"),
    }
    digital = content["digital"]
    return tuple(Fact(areas[area], levels[digital[area]]) for area in cv.DIGITAL_AREAS if digital[area])


def _skills(content: dict[str, Any]) -> tuple[Fact, ...]:
    kinds = {
        "communication": _("Communication skills"),
        "organisational": _("Organisational skills"),
        "job_related": _("Job-related skills"),
        "other": _("Other skills"),
    }
    skills = content["skills"]
    return tuple(Fact(kinds[kind], skills[kind]) for kind in cv.SKILL_KINDS if skills[kind])


def _availability(content: dict[str, Any]) -> tuple[Fact, ...]:
    availability = content["availability"]
    also = [
        label
        for key, label in (
            ("shifts", _("shift work")),
            ("nights", _("night work")),
            ("weekends", _("weekends")),
        )
        if availability[key]
    ]
    working_time = availability["working_time"]
    facts = (
        Fact(_("Available from"), _day(availability["from"])),
        Fact(_("Working time"), str(WorkingTime(working_time).label) if working_time else ""),
        Fact(_("Also available for"), ", ".join(also)),
        Fact(_("Where"), availability["places"]),
    )
    return tuple(fact for fact in facts if fact.value)


def cv_document(content: dict[str, Any], personal: cv.Personal, *, language: str) -> CVDocument:
    """What the CV's documents show, in `language` ("it" or "en"); CVError when the content is not a CV."""
    if language not in CV_LANGUAGES:
        raise ValueError(f"No CV document in {language!r}")
    with translation.override(language):
        content = _clean(cv.parse(content))
        personal = replace(personal, **{f.name: _clean(getattr(personal, f.name)) for f in fields(personal)})
        mother_tongues, languages = _languages(content)
        name = " ".join(part for part in (personal.given_names, personal.family_names) if part.strip())
        return CVDocument(
            language=language,
            t=_texts(),
            name=name,
            native_name=personal.native_name,
            native_direction=direction(personal.native_name),
            headline=content["headline"],
            personal=_personal_facts(personal),
            desired_jobs=tuple(job["label"] for job in content["desired_jobs"]),
            work=tuple(_work(entry) for entry in _newest_first(content["work"])),
            education=tuple(_education(entry) for entry in _newest_first(content["education"])),
            mother_tongues=mother_tongues,
            languages=languages,
            digital=_digital(content),
            digital_other=content["digital"]["other"],
            licences=", ".join(content["driving_licences"]),
            skills=_skills(content),
            availability=_availability(content),
        )


# --- PDF -----------------------------------------------------------------------------------------


def cv_pdf(content: dict[str, Any], personal: cv.Personal, *, language: str) -> bytes:
    """The CV as PDF bytes (A4, Europass-like), in `language` ("it" or "en")."""
    document = cv_document(content, personal, language=language)
    with translation.override(language):
        html = render_to_string("jobs/cv/pdf.html", {"cv": document, "t": document.t})
    return html_to_pdf(html)


# --- DOCX ----------------------------------------------------------------------------------------

_WORD_LANGUAGE = {"it": "it-IT", "en": "en-GB"}


def _set_language(style: Any, language: str) -> None:
    """Word's proofing language for a style's text (spelling checked in the CV's language)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run_properties = style.element.get_or_add_rPr()
    for old in run_properties.findall(qn("w:lang")):
        run_properties.remove(old)
    lang = OxmlElement("w:lang", attrs={qn("w:val"): _WORD_LANGUAGE[language]})
    run_properties.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _fact(doc: Any, fact: Fact) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"{fact.label}: ").bold = True
    paragraph.add_run(fact.value)


def _entry(doc: Any, entry: Entry) -> None:
    doc.add_heading(entry.title, level=2)
    if entry.period or entry.note:
        paragraph = doc.add_paragraph()
        if entry.period:
            paragraph.add_run(entry.period).italic = True
        if entry.note:
            if entry.period:
                paragraph.add_run(" · ")
            paragraph.add_run(entry.note).italic = True
    if entry.where:
        doc.add_paragraph(entry.where)
    for fact in entry.details:
        _fact(doc, fact)
    if entry.activities:
        doc.add_paragraph(entry.activities)


def _bold_cell(cell: Any, text: str) -> None:
    cell.text = ""
    cell.paragraphs[0].add_run(text).bold = True


def _language_grid(doc: Any, document: CVDocument) -> None:
    t = document.t
    table = doc.add_table(rows=2, cols=6)
    table.style = "Table Grid"
    top, bottom = table.rows[0].cells, table.rows[1].cells
    _bold_cell(top[0].merge(bottom[0]), t["language"])
    _bold_cell(top[1].merge(top[2]), t["understanding"])
    _bold_cell(top[3].merge(top[4]), t["speaking"])
    _bold_cell(top[5].merge(bottom[5]), t["writing"])
    for cell, key in zip(bottom[1:5], cv.LANGUAGE_SKILLS[:4], strict=True):
        _bold_cell(cell, t[key])
    for row in document.languages:
        cells = table.add_row().cells
        _bold_cell(cells[0], row.name)
        for cell, level in zip(cells[1:], row.levels, strict=True):
            cell.text = level
        if row.certificates:
            cells = table.add_row().cells
            cells[0].text = t["certificates"]
            cells[1].merge(cells[5]).text = row.certificates
    doc.add_paragraph(t["cefr_key"]).runs[0].italic = True


def cv_docx(content: dict[str, Any], personal: cv.Personal, *, language: str) -> bytes:
    """The CV as a Word document (DOCX bytes), in `language` ("it" or "en"): to edit and send."""
    from docx import Document
    from docx.shared import Mm, Pt

    document = cv_document(content, personal, language=language)
    t = document.t
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    _set_language(normal, language)

    properties = doc.core_properties
    properties.title = f"{t['cv']} {DASH} {document.name}"
    properties.author = document.name
    properties.last_modified_by = ""
    properties.comments = ""
    properties.subject = ""
    properties.keywords = ""
    properties.language = _WORD_LANGUAGE[language]
    properties.created = properties.modified = timezone.now()
    properties.revision = 1

    title = doc.add_heading(document.name, level=0)
    if document.native_name:
        title.add_run("  ")
        # A right-to-left run for Arabic script; Word lays out the letters by the Unicode bidi rules.
        title.add_run(document.native_name).font.rtl = document.native_direction == "rtl"
    if document.headline:
        doc.add_paragraph(document.headline, style="Subtitle")

    if document.personal:
        doc.add_heading(t["personal"], level=1)
        for fact in document.personal:
            _fact(doc, fact)
    if document.desired_jobs:
        doc.add_heading(t["jobs_wanted"], level=1)
        for job in document.desired_jobs:
            doc.add_paragraph(job, style="List Bullet")
    if document.work:
        doc.add_heading(t["work"], level=1)
        for entry in document.work:
            _entry(doc, entry)
    if document.education:
        doc.add_heading(t["education"], level=1)
        for entry in document.education:
            _entry(doc, entry)
    if document.has_languages:
        doc.add_heading(t["languages"], level=1)
        if document.mother_tongues:
            _fact(doc, document.mother_tongues)
        if document.languages:
            doc.add_heading(t["other_languages"], level=2)
            _language_grid(doc, document)
    if document.has_digital:
        doc.add_heading(t["digital"], level=1)
        if document.digital:
            table = doc.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            _bold_cell(table.rows[0].cells[0], t["digital_area"])
            _bold_cell(table.rows[0].cells[1], t["digital_level"])
            for fact in document.digital:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = fact.label, fact.value
        if document.digital_other:
            doc.add_paragraph(document.digital_other)
    if document.licences:
        doc.add_heading(t["licences"], level=1)
        doc.add_paragraph(document.licences)
    if document.skills:
        doc.add_heading(t["skills"], level=1)
        for fact in document.skills:
            doc.add_heading(fact.label, level=2)
            doc.add_paragraph(fact.value)
    if document.availability:
        doc.add_heading(t["availability"], level=1)
        for fact in document.availability:
            _fact(doc, fact)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
