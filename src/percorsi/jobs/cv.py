"""The content of a CV: one JSON document per version (`CVVersion.content`), read and written here.

    {
      "include": ["birth_date", "nationality", "phone", "email", "address"],  # of the person's data
      "headline": "Cuoco con esperienza",                  # the job wanted, as a title (optional)
      "desired_jobs": [{"occupation": "<ESCO URI>", "isco": "5120", "label": "Cuoco"}],
      "work": [{"start": "2019-03", "end": "2021-06", "current": false, "position": "Cuoco",
                "occupation": "<ESCO URI>", "isco": "5120", "employer": "Hotel X", "town": "Lagos",
                "country": "NG", "formal": true, "activities": "..."}],
      "education": [{"start": "2010", "end": "2014", "title": "...", "organisation": "...",
                     "town": "...", "country": "NG", "level": "upper_secondary", "field": "...",
                     "activities": "..."}],
      "mother_tongues": ["ha", "en"],                       # ISO 639 codes
      "languages": [{"language": "it", "listening": "A2", "reading": "A1",
                     "spoken_interaction": "A2", "spoken_production": "A2", "writing": "A1",
                     "certificates": "CILS A2"}],
      "digital": {"information": "basic", "communication": "independent", "content_creation": "",
                  "safety": "", "problem_solving": "", "other": "Uso dello smartphone"},
      "driving_licences": ["B"],
      "skills": {"communication": "", "organisational": "", "job_related": "", "other": ""},
      "availability": {"from": "2026-12-01", "working_time": "full_time", "shifts": true,
                       "nights": false, "weekends": true, "places": "Roma e provincia"}
    }

Dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD" (people often remember only the year). Everything is
optional but the shape: `parse()` checks it and returns a clean copy, or raises `CVError` with a
message for the user. The legal status never goes on a CV unless "legal_status" is in "include"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from percorsi.jobs.choices import QualificationLevel, WorkingTime

PERSONAL_FIELDS = ("birth_date", "nationality", "phone", "email", "address", "legal_status")
DEFAULT_INCLUDE = ["nationality", "phone", "email"]  # the legal status never by default
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
LANGUAGE_SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
# The Europass self-assessment grid for digital competences (DigComp): five areas, three levels.
DIGITAL_AREAS = ("information", "communication", "content_creation", "safety", "problem_solving")
DIGITAL_LEVELS = ("basic", "independent", "proficient")
SKILL_KINDS = ("communication", "organisational", "job_related", "other")
LICENCES = ("AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE")
PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
TEXT_LIMIT = 4000  # a long free text (activities, skills)
LINE_LIMIT = 300  # a short one (a title, an employer)
ITEMS_LIMIT = 50  # entries in one section

_ISCO = re.compile(r"^\d{4}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class CVError(ValueError):
    """A CV content that cannot be kept; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def empty() -> dict[str, Any]:
    """A new CV: nothing but the default choice of personal data."""
    return parse({"include": list(DEFAULT_INCLUDE)})


def _text(value: Any, where: str, limit: int = LINE_LIMIT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CVError(_("%(where)s: a text was expected.") % {"where": where})
    value = value.replace("\x00", "").strip()
    if len(value) > limit:
        raise CVError(
            _("%(where)s: at most %(limit)s characters (this one has %(length)s).")
            % {"where": where, "limit": limit, "length": len(value)}
        )
    return value


def _date(value: Any, where: str) -> str:
    text = _text(value, where, 10)
    if text and not PARTIAL_DATE.match(text):
        raise CVError(_("%(where)s: write the date as YYYY, YYYY-MM or YYYY-MM-DD.") % {"where": where})
    return text


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    text = _text(value, where, 40)
    if text and text not in allowed:
        raise CVError(_("%(where)s: %(value)s is not one of the choices.") % {"where": where, "value": text})
    return text


def _pattern(value: Any, pattern: re.Pattern[str], where: str) -> str:
    text = _text(value, where, 300)
    if text and not pattern.match(text):
        raise CVError(_("%(where)s: %(value)s is not a valid code.") % {"where": where, "value": text})
    return text


def _bool(value: Any) -> bool:
    return bool(value) if isinstance(value, bool | int) else False


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CVError(_("%(where)s: a list was expected.") % {"where": where})
    if len(value) > ITEMS_LIMIT:
        raise CVError(_("%(where)s: at most %(limit)s entries.") % {"where": where, "limit": ITEMS_LIMIT})
    return value


def _dict(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CVError(_("%(where)s: a group of fields was expected.") % {"where": where})
    return value


def _ordered(start: str, end: str, where: str) -> None:
    # Compare as far as both are known: 2019 and 2019-05 are the same year.
    n = min(len(start), len(end))
    if start and end and end[:n] < start[:n]:
        raise CVError(_("%(where)s: the end comes before the start.") % {"where": where})


def parse(raw: Any) -> dict[str, Any]:
    """A clean copy of a CV's content, with every section present; CVError when it is not one."""
    data = _dict(raw, _("CV"))
    include = [
        _choice(item, PERSONAL_FIELDS, _("Personal data on the CV"))
        for item in _list(data.get("include"), "include")
    ]
    work = []
    for n, item in enumerate(_list(data.get("work"), _("Work experience")), start=1):
        where = _("Work experience %(n)s") % {"n": n}
        entry = _dict(item, where)
        clean = {
            "start": _date(entry.get("start"), where),
            "end": _date(entry.get("end"), where),
            "current": _bool(entry.get("current")),
            "position": _text(entry.get("position"), where),
            "occupation": _text(entry.get("occupation"), where),
            "isco": _pattern(entry.get("isco"), _ISCO, where),
            "employer": _text(entry.get("employer"), where),
            "town": _text(entry.get("town"), where),
            "country": _pattern(entry.get("country"), _COUNTRY, where),
            "formal": entry.get("formal") is not False,
            "activities": _text(entry.get("activities"), where, TEXT_LIMIT),
        }
        if clean["current"]:
            clean["end"] = ""
        _ordered(clean["start"], clean["end"], where)
        if not clean["position"]:
            raise CVError(_("%(where)s: say what the job was.") % {"where": where})
        work.append(clean)
    education = []
    levels = tuple(QualificationLevel.values)
    for n, item in enumerate(_list(data.get("education"), _("Education and training")), start=1):
        where = _("Education and training %(n)s") % {"n": n}
        entry = _dict(item, where)
        clean = {
            "start": _date(entry.get("start"), where),
            "end": _date(entry.get("end"), where),
            "title": _text(entry.get("title"), where),
            "organisation": _text(entry.get("organisation"), where),
            "town": _text(entry.get("town"), where),
            "country": _pattern(entry.get("country"), _COUNTRY, where),
            "level": _choice(entry.get("level"), levels, where),
            "field": _text(entry.get("field"), where),
            "activities": _text(entry.get("activities"), where, TEXT_LIMIT),
        }
        _ordered(clean["start"], clean["end"], where)
        if not clean["title"]:
            raise CVError(_("%(where)s: say what the course or qualification was.") % {"where": where})
        education.append(clean)
    languages = []
    for n, item in enumerate(_list(data.get("languages"), _("Languages")), start=1):
        where = _("Language %(n)s") % {"n": n}
        entry = _dict(item, where)
        clean = {"language": _pattern(entry.get("language"), _LANGUAGE, where)}
        if not clean["language"]:
            raise CVError(_("%(where)s: say which language.") % {"where": where})
        for skill in LANGUAGE_SKILLS:
            clean[skill] = _choice(entry.get(skill), CEFR, where)
        clean["certificates"] = _text(entry.get("certificates"), where)
        languages.append(clean)
    digital_raw = _dict(data.get("digital"), _("Digital skills"))
    digital = {
        area: _choice(digital_raw.get(area), DIGITAL_LEVELS, _("Digital skills")) for area in DIGITAL_AREAS
    }
    digital["other"] = _text(digital_raw.get("other"), _("Digital skills"), TEXT_LIMIT)
    skills_raw = _dict(data.get("skills"), _("Other skills"))
    skills = {kind: _text(skills_raw.get(kind), _("Other skills"), TEXT_LIMIT) for kind in SKILL_KINDS}
    availability_raw = _dict(data.get("availability"), _("Availability"))
    availability = {
        "from": _date(availability_raw.get("from"), _("Availability")),
        "working_time": _choice(
            availability_raw.get("working_time"), tuple(WorkingTime.values), _("Availability")
        ),
        "shifts": _bool(availability_raw.get("shifts")),
        "nights": _bool(availability_raw.get("nights")),
        "weekends": _bool(availability_raw.get("weekends")),
        "places": _text(availability_raw.get("places"), _("Availability")),
    }
    desired = []
    for n, item in enumerate(_list(data.get("desired_jobs"), _("Jobs wanted")), start=1):
        where = _("Job wanted %(n)s") % {"n": n}
        entry = _dict(item, where)
        clean = {
            "occupation": _text(entry.get("occupation"), where),
            "isco": _pattern(entry.get("isco"), _ISCO, where),
            "label": _text(entry.get("label"), where),
        }
        if not clean["label"]:
            raise CVError(_("%(where)s: say which job.") % {"where": where})
        desired.append(clean)
    return {
        "include": list(dict.fromkeys(include)),
        "headline": _text(data.get("headline"), _("Headline")),
        "desired_jobs": desired,
        "work": work,
        "education": education,
        "mother_tongues": [
            _pattern(code, _LANGUAGE, _("Mother tongue"))
            for code in _list(data.get("mother_tongues"), "mother")
        ],
        "languages": languages,
        "digital": digital,
        "driving_licences": list(
            dict.fromkeys(
                _choice(code, LICENCES, _("Driving licences"))
                for code in _list(data.get("driving_licences"), _("Driving licences"))
            )
        ),
        "skills": skills,
        "availability": availability,
    }


@dataclass(frozen=True)
class MatchingProfile:
    """What matching reads of a CV (kept on the `CV` row for the current version)."""

    desired_isco: list[str]
    past_isco: list[str]
    italian_level: str
    licences: list[str]
    available_from: str
    working_time: str
    places: str


def italian_level(content: dict[str, Any]) -> str:
    """The person's Italian as one CEFR level: the lowest of the five skills they assessed (an offer
    asking B1 asks it of speaking and reading alike)."""
    for entry in content.get("languages", []):
        if entry.get("language") == "it":
            levels = [entry[skill] for skill in LANGUAGE_SKILLS if entry.get(skill)]
            return min(levels, key=CEFR.index) if levels else ""
    return ""


def profile(content: dict[str, Any]) -> MatchingProfile:
    return MatchingProfile(
        desired_isco=list(dict.fromkeys(job["isco"] for job in content["desired_jobs"] if job["isco"])),
        past_isco=list(dict.fromkeys(job["isco"] for job in content["work"] if job["isco"])),
        italian_level=italian_level(content),
        licences=list(content["driving_licences"]),
        available_from=content["availability"]["from"],
        working_time=content["availability"]["working_time"],
        places=content["availability"]["places"],
    )


@dataclass(frozen=True)
class Personal:
    """What of the person's record goes on the CV: only the fields chosen in "include" are filled
    (the name always). Built from the record by `jobs.selectors.cv_personal`; the CV's outputs (PDF,
    DOCX, Europass XML) read it, never the record itself."""

    given_names: str
    family_names: str
    native_name: str = ""  # the name in the person's own script, if recorded
    birth_date: str = ""  # ISO date, or "YYYY" / "YYYY-MM" when only that is known
    nationalities: tuple[str, ...] = ()  # ISO 3166 alpha-2 codes
    phone: str = ""  # E.164 (+39...)
    email: str = ""
    address: str = ""
    town: str = ""
    country: str = ""  # ISO 3166 alpha-2 of the address ("IT")
    legal_status: str = ""  # one line, in the CV's language, only when asked for
