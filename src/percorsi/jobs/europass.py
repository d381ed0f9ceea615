"""Europass XML v3.4: a CV's content (`jobs.cv`) out to a Europass document, and a Europass document in.

What goes where (`to_xml` writes there, `from_xml` reads the same places back), under
SkillsPassport/LearnerInfo:

- given_names, family_names: Identification/PersonName/FirstName, Surname.
- address, town, country: Identification/ContactInfo/Address/Contact: AddressLine, Municipality,
  Country. email: ContactInfo/Email/Contact (only when it has the schema's shape); phone:
  ContactInfo/TelephoneList/Telephone/Contact.
- birth_date, nationalities: Identification/Demographics/Birthdate, NationalityList/Nationality.
- legal_status (only when the person chose to show it): the schema has no place for it in the
  identification, so it is an Achievement of the AchievementList with the title (Title/Label, no
  Code) "Legal status" and the line as its Description.
- headline, or the desired jobs when there is none: Headline with Type "preferred_job" and
  Description/Label ("; " between jobs). Read back as the headline and the desired jobs (labels
  only: the occupation codes are for the user to choose again).
- work: WorkExperienceList/WorkExperience: Period, Position (Code: the ESCO occupation's UUID,
  which is the schema's pattern; Label), Activities, Employer (Name; ContactInfo: town, country).
  Informal work is work experience too: its Activities open with the line "Informal work (no
  written contract).", in the document's language, which reading takes back into "formal".
- education: EducationList/Education: Period, Title, Activities, Organisation (Name, town, country),
  Level (Code: the EQF level of `choices.EQF_LEVEL`; Label: our level's name, which is all there is
  for "other"), Field/Label.
- mother_tongues, languages: Skills/Linguistic: MotherTongueList, ForeignLanguageList with the CEFR
  self-assessment grid (ProficiencyLevel: Listening, Reading, SpokenInteraction, SpokenProduction,
  Writing) and the certificates as VerifiedBy/Certificate/Title.
- skills: Skills/Communication, Organisational, JobRelated, Other (Description).
- digital: Skills/Computer: Description (the "other" text) and ProficiencyLevel, the DigComp grid
  (Information, Communication, ContentCreation, Safety, ProblemSolving): basic A, independent B,
  proficient C.
- driving_licences: Skills/Driving/Description/Licence.

- Dates: "YYYY", "YYYY-MM", "YYYY-MM-DD" are `<From year="2019" month="--03" day="---05"/>`
  (gYear, gMonth, gDay attributes). A current job has `<Current>true</Current>` and no To.
- Countries and languages carry the schema's code when its lists have one (Greece is EL and the
  United Kingdom UK there; Wolof is "wol", Tamazight "ber"...) and always a label in the document's
  language; a language the lists lack (Hausa, Tigrinya...) has its label only, and is read back
  from it.
- Long texts (activities, skills) are HTML in Europass, as its editor writes them: each line is a
  paragraph, escaped; reading turns HTML back into lines of text ("- " before a list item), with
  runs of spaces made one, as a browser shows them.
- XML 1.0 cannot carry most control characters: they are dropped (C1 controls too).
- Not in Europass, so not exported: availability, the person's name in their own script, occupation
  codes of the desired jobs (only their labels). Every document `to_xml` makes validates against
  the Europass schema v3.4 (tests/jobs/test_europass.py).

Reading (`from_xml`) takes any Europass XML v3 file, valid or not (Europass's own examples with a
cover letter do not validate), with a hardened parser: no DOCTYPE, no entities, no network, at most
5 MB. It gives the CV content (`cv.parse` accepts it: labels without occupation codes, availability
empty), the personal data the file has (`cv.Personal`, for the user to compare with the record,
which the import never changes) and warnings about what could not be read. Anything that is not a
Europass file is refused with `EuropassError` and a message saying what to do.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from html.parser import HTMLParser
from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from percorsi.jobs import cv
from percorsi.jobs.choices import EQF_LEVEL, QualificationLevel
from percorsi.people import reference

NS = "http://europass.cedefop.europa.eu/Europass"
XSD_VERSION = "V3.4"
GENERATOR = "Percorsi"
MAX_BYTES = 5 * 1024 * 1024  # a Europass CV is a few kilobytes; a photo makes it some hundreds


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The Europass code lists (schema v3.4, included/EuropassISOCountries_V1.7.0.xsd: the same codes as
# EuropassNationalities_V1.7.0.xsd; EuropassISOLanguages_V1.9.0.xsd).
EUROPASS_COUNTRIES = _codes(
    """AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF
    CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG EL ER ES ET FI FJ FM FR GA GD GE GH
    GL GM GN GQ GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA
    LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL
    NO NP NR NU NZ OM PA PE PG PH PK PL PS PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO
    SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG UK US UY UZ VA VC VE VN VU WS XK YE ZA
    ZM ZW"""
)
EUROPASS_MOTHER_TONGUES = _codes(
    """ab af am an ar as asq az be ber bfi bg bn bo bos-sgn bqn br bs ca ce co cs csc cse csq cy
    cy-sgn da de dse dsl el en es eso et eu fa fi fil fj fo fr fse fsl fy ga gd gl gsg gss gu gv he hi
    hr hsh ht hu hy icl id is ise isg it ja jv ka kg kk km kn ko ku kw ky lb li lls ln lo lsl lt lv
    mdl me me-sgn mg mk mk-sgn ml mn mo mr ms mt my nb ne nl nn no nsl om ori pa pl ps pso psr pt rm
    rms ro rom ru sc sd se sfb sgg sk sl slf slv-sgn so sq sqk sr srp-sgn ssp ssr sv svk sw swl ta te
    tg th tk tl tr tsm tt ty uk ur uz vgt vi wol xk-sgn yi yo zh"""
)
EUROPASS_LANGUAGES = EUROPASS_MOTHER_TONGUES | {"cu", "eo", "grc", "la", "oc", "vo"}

# ISO codes that Europass writes otherwise, both ways.
_COUNTRY_OUT = {"GR": "EL", "GB": "UK"}
_COUNTRY_IN = {europass: iso for iso, europass in _COUNTRY_OUT.items()}
# A language of ours that Europass lists under a broader code (the label keeps the precise name).
_LANGUAGE_OUT = {"tzm": "ber", "cnr": "me", "kmr": "ku", "ckb": "ku", "prs": "fa"}
# Europass codes that ISO 639-3 does not have.
_LANGUAGE_IN = {"mo": "ro", "ber": "tzm", "me": "cnr"}

DIGITAL_CODES = {"basic": "A", "independent": "B", "proficient": "C"}
_DIGITAL_TAGS = {
    "information": "Information",
    "communication": "Communication",
    "content_creation": "ContentCreation",
    "safety": "Safety",
    "problem_solving": "ProblemSolving",
}
_LANGUAGE_TAGS = {
    "listening": "Listening",
    "reading": "Reading",
    "spoken_interaction": "SpokenInteraction",
    "spoken_production": "SpokenProduction",
    "writing": "Writing",
}
_SKILL_TAGS = {
    "communication": "Communication",
    "organisational": "Organisational",
    "job_related": "JobRelated",
}
_JOB_HEADLINES = {"preferred_job", "job_applied_for", "position"}

# What XML 1.0 cannot carry (and the C1 controls, which it can but nobody means).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"[ \t\n\r\f]+")  # what HTML collapses into one space
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_ESCO_UUID = re.compile(r"([a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12})$")
# The schema's pattern for an e-mail address ("." in XML Schema is any character but a line break).
_EMAIL = re.compile(r"[^@]+@[^.]+\.[^\r\n]+")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


class EuropassError(cv.CVError):
    """A file that cannot be imported as a Europass CV; `message` says why and what to do."""


@dataclass(frozen=True)
class Imported:
    """What a Europass file holds: a CV content that `cv.parse` accepts, the personal data it shows
    (to compare with the person's record, never to change it) and what could not be read."""

    content: dict[str, Any]
    personal: cv.Personal
    warnings: tuple[str, ...] = ()


def _not_europass() -> EuropassError:
    return EuropassError(
        _("This file is not a Europass CV (XML). Export the CV from Europass as XML and try again.")
    )


# --- Texts --------------------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """The text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", value if isinstance(value, str) else "")


def _line(value: Any) -> str:
    return _clean(value).strip()


def _lines(value: Any) -> list[str]:
    """A long text as the lines a reader sees: spaces made one, blank lines dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in _LINE_BREAK.split(_clean(value)))
    return [line for line in lines if line]


def _rich(lines: list[str]) -> str:
    """Lines of text as Europass's rich text: one escaped paragraph each."""
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)


class _HtmlText(HTMLParser):
    """The text of an HTML fragment, a line for each paragraph, break or list item."""

    BREAKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "pre", "hr", "h1", "h2", "h3"}
        | {"h4", "h5", "h6", "dt", "dd"}
    )
    HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.hidden = 0
        self.bullet = False

    def _break(self) -> None:
        self.lines.append("".join(self.current))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BREAKS:
            self._break()
            self.bullet = tag == "li" or (self.bullet and tag == "p")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BREAKS:
            self._break()
            self.bullet = False

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.bullet and data.strip():
            self.current.append("- ")
            self.bullet = False
        self.current.append(data)

    def text_lines(self) -> list[str]:
        self.close()
        self._break()
        lines = (_SPACES.sub(" ", line).strip() for line in self.lines)
        return [line for line in lines if line]


def _text_lines(value: str) -> list[str]:
    """The lines of a Europass long text: HTML when it has tags, plain text otherwise."""
    if not _TAG.search(value):
        return _lines(value)
    parser = _HtmlText()
    parser.feed(_clean(value))
    return parser.text_lines()


def _fold(text: str) -> str:
    """A name as compared: case, accents and punctuation left out."""
    return reference.sort_key(text)[0]


# --- Codes --------------------------------------------------------------------------------------------


def _europass_country(code: str) -> str | None:
    code = _COUNTRY_OUT.get(code, code)
    return code if code in EUROPASS_COUNTRIES else None


def _iso_language(code: str) -> Any:
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code)
    return None


def _europass_language(code: str, allowed: frozenset[str]) -> str | None:
    """The code Europass lists for one of our ISO 639 codes, None when its list has none."""
    code = _LANGUAGE_OUT.get(code, code)
    if code in allowed:
        return code
    found = _iso_language(code)
    for other in (getattr(found, "alpha_2", None), getattr(found, "alpha_3", None)):
        if other in allowed:
            return other
    return None


def _our_language(code: str) -> str:
    """Our code (ISO 639-1 when there is one, 639-3 otherwise) for a Europass code; "" if none."""
    code = _LANGUAGE_IN.get(code, code)
    found = _iso_language(code)
    if found is None:
        return ""
    return getattr(found, "alpha_2", None) or found.alpha_3


# The languages a file's labels may be in besides ours: the Europass editor's, and those of our
# documents (plans.documents.DOCUMENT_LANGUAGES).
_KNOWN_LOCALES = _codes(
    "ar bg cs da de el en es et fi fr hr hu is it lt lv mk mt nl no pl pt ro sk sl sr sv tr"
)


def _locales(first: str = "") -> list[str]:
    """The languages a file's labels may be in: its own (when known), then the interface's."""
    ours = [settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES), "en"]
    if first not in _KNOWN_LOCALES and first not in ours:
        first = ""
    return list(dict.fromkeys(code for code in (first, *ours) if code))


@cache
def _country_index(locale: str) -> dict[str, str]:
    with translation.override(locale):
        return {_fold(name): code for code, name in reference.country_choices()}


@cache
def _language_index(locale: str) -> dict[str, str]:
    codes = [
        *reference.LANGUAGE_CODES,
        *(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")),
    ]
    names: dict[str, str] = {}
    with translation.override(locale):
        for code in codes:
            names.setdefault(_fold(reference.language_name(code)), code)
    return names


def _country_by_name(label: str, locales: list[str]) -> str:
    key = _fold(label)
    if not key:
        return ""
    for locale in locales:
        if key in _country_index(locale):
            return _country_index(locale)[key]
    try:
        return pycountry.countries.lookup(label.strip()).alpha_2
    except LookupError:
        return ""


def _language_by_name(label: str, locales: list[str]) -> str:
    key = _fold(label)
    if not key:
        return ""
    for locale in locales:
        if key in _language_index(locale):
            return _language_index(locale)[key]
    try:
        found = pycountry.languages.lookup(label.strip())
    except LookupError:
        return ""
    return getattr(found, "alpha_2", None) or found.alpha_3


# --- Dates --------------------------------------------------------------------------------------------


def _date_attributes(value: str) -> dict[str, str] | None:
    """ "2019-03" -> {"year": "2019", "month": "--03"}; None for no date or one XML Schema refuses."""
    if not value or not cv.PARTIAL_DATE.match(value) or value[:4] == "0000":
        return None
    parts = value.split("-")
    attributes = {"year": parts[0]}
    if len(parts) > 1:
        attributes["month"] = f"--{parts[1]}"
    if len(parts) > 2:
        attributes["day"] = f"---{parts[2]}"
    return attributes


_YEAR = re.compile(r"^(\d{4})(Z|[+-]\d{2}:\d{2})?$")
_MONTH = re.compile(r"^--(\d{2})(Z|[+-]\d{2}:\d{2})?$")
_DAY = re.compile(r"^---(\d{2})(Z|[+-]\d{2}:\d{2})?$")


def _date_from(element: Any) -> str:
    """The partial date of a Europass DateType element; "" when it has none or a wrong one."""
    if element is None:
        return ""
    year = _YEAR.match((element.get("year") or "").strip())
    if not year or year.group(1) == "0000":
        return ""
    value = year.group(1)
    month = _MONTH.match((element.get("month") or "").strip())
    if month:
        value += f"-{month.group(1)}"
        day = _DAY.match((element.get("day") or "").strip())
        if day:
            value += f"-{day.group(1)}"
    while value and not cv.PARTIAL_DATE.match(value):
        value = value.rsplit("-", 1)[0] if "-" in value else ""
    return value


# --- Export -------------------------------------------------------------------------------------------


def _informal() -> str:
    return _("Informal work (no written contract).")


def _legal_status_title() -> str:
    return _("Legal status")


def _add(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _add_date(parent: Any, tag: str, value: str) -> None:
    attributes = _date_attributes(value)
    if attributes:
        _add(parent, tag, **attributes)


def _add_period(parent: Any, start: str, end: str, current: bool) -> None:
    if not (start or end or current):
        return
    period = _add(parent, "Period")
    _add_date(period, "From", start)
    if current:
        _add(period, "Current", "true")
    else:
        _add_date(period, "To", end)


def _add_country(parent: Any, code: str, tag: str = "Country") -> None:
    code = code.strip().upper()
    if not code:
        return
    country = _add(parent, tag)
    europass = _europass_country(code)
    if europass:
        _add(country, "Code", europass)
    _add(country, "Label", _line(reference.country_name(code)))


def _add_place(organisation: Any, town: str, country: str) -> None:
    if not (town or country):
        return
    contact = _add(_add(_add(organisation, "ContactInfo"), "Address"), "Contact")
    if town:
        _add(contact, "Municipality", _line(town))
    _add_country(contact, country)


def _add_language(parent: Any, code: str, allowed: frozenset[str]) -> None:
    description = _add(parent, "Description")
    europass = _europass_language(code, allowed)
    if europass:
        _add(description, "Code", europass)
    _add(description, "Label", _line(reference.language_name(code)))


def _add_rich(parent: Any, tag: str, lines: list[str]) -> None:
    if lines:
        _add(parent, tag, _rich(lines))


def _document_locale(language: str) -> str:
    found = re.match(r"[a-zA-Z]{2}", language or "")
    return found.group(0).lower() if found else settings.LANGUAGE_CODE[:2]


def _export_identification(learner: Any, personal: cv.Personal) -> None:
    identification = _add(learner, "Identification")
    name = _add(identification, "PersonName")
    _add(name, "FirstName", _line(personal.given_names))
    _add(name, "Surname", _line(personal.family_names))
    address, town, country = _line(personal.address), _line(personal.town), _line(personal.country)
    email, phone = _line(personal.email), _line(personal.phone)
    if not _EMAIL.fullmatch(email):
        email = ""
    if address or town or country or email or phone:
        contact_info = _add(identification, "ContactInfo")
        if address or town or country:
            contact = _add(_add(contact_info, "Address"), "Contact")
            if address:
                _add(contact, "AddressLine", address)
            if town:
                _add(contact, "Municipality", town)
            _add_country(contact, country)
        if email:
            _add(_add(contact_info, "Email"), "Contact", email)
        if phone:
            _add(_add(_add(contact_info, "TelephoneList"), "Telephone"), "Contact", phone)
    birth = _date_attributes(_line(personal.birth_date))
    nationalities = list(dict.fromkeys(_line(code).upper() for code in personal.nationalities or ()))
    nationalities = [code for code in nationalities if code]
    if birth or nationalities:
        demographics = _add(identification, "Demographics")
        if birth:
            _add(demographics, "Birthdate", **birth)
        if nationalities:
            listed = _add(demographics, "NationalityList")
            for code in nationalities:
                _add_country(listed, code, "Nationality")


def _export_headline(learner: Any, content: dict[str, Any]) -> None:
    label = content["headline"] or "; ".join(job["label"] for job in content["desired_jobs"])
    label = _line(label)
    if not label:
        return
    headline = _add(learner, "Headline")
    kind = _add(headline, "Type")
    _add(kind, "Code", "preferred_job")
    _add(kind, "Label", _("Preferred job"))
    _add(_add(headline, "Description"), "Label", label)


def _export_work(learner: Any, work: list[dict[str, Any]]) -> None:
    if not work:
        return
    listed = _add(learner, "WorkExperienceList")
    for entry in work:
        experience = _add(listed, "WorkExperience")
        _add_period(experience, entry["start"], entry["end"], entry["current"])
        position = _add(experience, "Position")
        uuid = _ESCO_UUID.search(entry["occupation"])
        if uuid:
            _add(position, "Code", uuid.group(1))
        _add(position, "Label", _line(entry["position"]))
        activities = _lines(entry["activities"])
        if not entry["formal"]:
            activities.insert(0, _informal())
        _add_rich(experience, "Activities", activities)
        employer, town, country = _line(entry["employer"]), _line(entry["town"]), entry["country"]
        if employer or town or country:
            organisation = _add(experience, "Employer")
            if employer:
                _add(organisation, "Name", employer)
            _add_place(organisation, town, country)


def _export_education(learner: Any, education: list[dict[str, Any]]) -> None:
    if not education:
        return
    listed = _add(learner, "EducationList")
    for entry in education:
        item = _add(listed, "Education")
        _add_period(item, entry["start"], entry["end"], False)
        _add(item, "Title", _line(entry["title"]))
        _add_rich(item, "Activities", _lines(entry["activities"]))
        organisation, town, country = _line(entry["organisation"]), _line(entry["town"]), entry["country"]
        if organisation or town or country:
            element = _add(item, "Organisation")
            if organisation:
                _add(element, "Name", organisation)
            _add_place(element, town, country)
        if entry["level"]:
            level = _add(item, "Level")
            if entry["level"] in EQF_LEVEL:
                _add(level, "Code", str(EQF_LEVEL[entry["level"]]))
            _add(level, "Label", str(QualificationLevel(entry["level"]).label))
        field = _line(entry["field"])
        if field:
            _add(_add(item, "Field"), "Label", field)


def _export_skills(learner: Any, content: dict[str, Any]) -> None:
    skills = etree.Element(f"{{{NS}}}Skills")
    if content["mother_tongues"] or content["languages"]:
        linguistic = _add(skills, "Linguistic")
        if content["mother_tongues"]:
            listed = _add(linguistic, "MotherTongueList")
            for code in dict.fromkeys(content["mother_tongues"]):
                _add_language(_add(listed, "MotherTongue"), code, EUROPASS_MOTHER_TONGUES)
        if content["languages"]:
            listed = _add(linguistic, "ForeignLanguageList")
            for entry in content["languages"]:
                language = _add(listed, "ForeignLanguage")
                _add_language(language, entry["language"], EUROPASS_LANGUAGES)
                if any(entry[skill] for skill in _LANGUAGE_TAGS):
                    grid = _add(language, "ProficiencyLevel")
                    for skill, tag in _LANGUAGE_TAGS.items():
                        if entry[skill]:
                            _add(grid, tag, entry[skill])
                certificates = _line(entry["certificates"])
                if certificates:
                    _add(_add(_add(language, "VerifiedBy"), "Certificate"), "Title", certificates)
    for kind, tag in _SKILL_TAGS.items():
        lines = _lines(content["skills"][kind])
        if lines:
            _add_rich(_add(skills, tag), "Description", lines)
    digital = content["digital"]
    other = _lines(digital["other"])
    if other or any(digital[area] for area in _DIGITAL_TAGS):
        computer = _add(skills, "Computer")
        _add_rich(computer, "Description", other)
        if any(digital[area] for area in _DIGITAL_TAGS):
            grid = _add(computer, "ProficiencyLevel")
            for area, tag in _DIGITAL_TAGS.items():
                if digital[area]:
                    _add(grid, tag, DIGITAL_CODES[digital[area]])
    if content["driving_licences"]:
        description = _add(_add(skills, "Driving"), "Description")
        for licence in content["driving_licences"]:
            _add(description, "Licence", licence)
    other = _lines(content["skills"]["other"])
    if other:
        _add_rich(_add(skills, "Other"), "Description", other)
    if len(skills):
        learner.append(skills)


def _export_achievements(learner: Any, personal: cv.Personal) -> None:
    status = _lines(personal.legal_status)
    if not status:
        return
    achievement = _add(_add(learner, "AchievementList"), "Achievement")
    _add(_add(achievement, "Title"), "Label", _legal_status_title())
    _add_rich(achievement, "Description", status)


def to_xml(content: dict[str, Any], personal: cv.Personal, *, language: str = "it") -> bytes:
    """The CV as a Europass XML v3.4 document (UTF-8), its fixed labels in `language`.

    `personal` holds only what the person chose to show (`jobs.selectors.cv_personal`); the content
    is read through `cv.parse` (CVError if it is not a CV's content)."""
    content = cv.parse(content)
    locale = _document_locale(language)
    with translation.override(locale):
        root = etree.Element(f"{{{NS}}}SkillsPassport", {"locale": locale}, nsmap={None: NS})
        info = _add(root, "DocumentInfo")
        _add(info, "DocumentType", "ECV")
        now = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        _add(info, "CreationDate", now)
        _add(info, "LastUpdateDate", now)
        _add(info, "XSDVersion", XSD_VERSION)
        _add(info, "Generator", GENERATOR)
        learner = _add(root, "LearnerInfo")
        _export_identification(learner, personal)
        _export_headline(learner, content)
        _export_work(learner, content["work"])
        _export_education(learner, content["education"])
        _export_skills(learner, content)
        _export_achievements(learner, personal)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- Import -------------------------------------------------------------------------------------------


def _parse(data: bytes) -> Any:
    """The root element of a Europass file; EuropassError for anything else."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _not_europass()
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise EuropassError(
            _(
                "This file is too big for a Europass CV (more than %(limit)s MB). Export the CV from "
                "Europass as XML, without attachments, and try again."
            )
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise EuropassError(_("The file is empty. Export the CV from Europass as XML and try again."))
    if head.startswith(b"%PDF"):
        raise EuropassError(
            _("This file is a PDF. Export the CV from Europass as XML (not as PDF) and try again.")
        )
    if _DOCTYPE.search(data) or _ENTITY.search(data):
        raise _not_europass()
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise _not_europass() from None
    if root is None:
        raise _not_europass()
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise _not_europass()
    name = etree.QName(root)
    if name.localname != "SkillsPassport" or name.namespace not in (NS, None):
        raise _not_europass()
    return root


class _Reader:
    """Reads one Europass document into CV content and personal data, noting what it leaves out."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.ns = etree.QName(root).namespace
        self.locales = _locales(_document_locale(root.get("locale") or ""))
        self.warnings: list[str] = []

    # Elements and texts

    def _path(self, path: str) -> str:
        prefix = f"{{{self.ns}}}" if self.ns else ""
        return "/".join(prefix + part for part in path.split("/"))

    def find(self, element: Any, path: str) -> Any:
        return None if element is None else element.find(self._path(path))

    def findall(self, element: Any, path: str) -> list[Any]:
        return [] if element is None else element.findall(self._path(path))

    def text(self, element: Any, path: str = "") -> str:
        found = self.find(element, path) if path else element
        if found is None:
            return ""
        return _line("".join(found.itertext()))

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def short(self, value: str, limit: int = cv.LINE_LIMIT) -> str:
        value = value.strip()
        if len(value) > limit:
            self.warn(_("Some texts were longer than the CV allows and were cut: check them."))
            value = value[:limit].strip()
        return value

    def long(self, element: Any, path: str = "") -> str:
        return self.short("\n".join(self.long_lines(element, path)), cv.TEXT_LIMIT)

    def long_lines(self, element: Any, path: str = "") -> list[str]:
        found = self.find(element, path) if path else element
        if found is None:
            return []
        return _text_lines("".join(found.itertext()))

    def limited(self, items: list[Any], what: str) -> list[Any]:
        if len(items) > cv.ITEMS_LIMIT:
            self.warn(
                _("%(what)s: only the first %(limit)s entries were read.")
                % {"what": what, "limit": cv.ITEMS_LIMIT}
            )
        return items[: cv.ITEMS_LIMIT]

    # Codes

    def country(self, element: Any) -> tuple[str, str]:
        """(ISO code, label when there is no code for it) of a Europass Country or Nationality."""
        if element is None:
            return "", ""
        code = self.text(element, "Code").upper()
        code = _COUNTRY_IN.get(code, code)
        if re.fullmatch(r"[A-Z]{2}", code):
            return code, ""
        label = self.text(element, "Label")
        found = _country_by_name(label, self.locales)
        return (found, "") if found else ("", self.short(label))

    def language(self, description: Any, where: str) -> str:
        code = self.text(description, "Code").lower()
        label = self.text(description, "Label")
        by_label = _language_by_name(label, self.locales) if label else ""
        if code:
            if by_label and _europass_language(by_label, EUROPASS_LANGUAGES) == code:
                return by_label  # the label names the language more precisely ("Dari" for fa)
            by_code = _our_language(code)
            if by_code:
                return by_code
        if by_label:
            return by_label
        self.warn(
            _("%(where)s: the language %(name)s was not recognised; add it from the list.")
            % {"where": where, "name": label or code or "?"}
        )
        return ""

    def period(self, element: Any) -> tuple[str, str, bool]:
        period = self.find(element, "Period")
        start = _date_from(self.find(period, "From"))
        end = _date_from(self.find(period, "To"))
        current = self.text(period, "Current").lower() in ("true", "1")
        if current:
            end = ""
        n = min(len(start), len(end))
        if start and end and end[:n] < start[:n]:
            self.warn(_("Some periods ended before they started: their end was left out, check them."))
            end = ""
        return start, end, current

    def place(self, organisation: Any) -> tuple[str, str]:
        contact = self.find(organisation, "ContactInfo/Address/Contact")
        town = self.short(
            " ".join(filter(None, (self.text(contact, "PostalCode"), self.text(contact, "Municipality"))))
        )
        country, label = self.country(self.find(contact, "Country"))
        if label:
            town = self.short(f"{town}, {label}" if town else label)
        return town, country

    # Sections

    def headline(self, learner: Any) -> tuple[str, list[dict[str, str]]]:
        label = self.text(learner, "Headline/Description/Label")
        kind = self.text(learner, "Headline/Type/Code")
        if not label:
            return "", []
        jobs = []
        if not kind or kind in _JOB_HEADLINES:
            parts = [self.short(part) for part in label.split(";")]
            jobs = [{"label": part} for part in dict.fromkeys(part for part in parts if part)]
        if len(jobs) > 1 and len(label) > cv.LINE_LIMIT:
            return "", self.limited(jobs, _("Jobs wanted"))  # a list of jobs, too long for a headline
        return self.short(label), self.limited(jobs, _("Jobs wanted"))

    def work(self, learner: Any) -> list[dict[str, Any]]:
        markers = set()
        for locale in self.locales:
            with translation.override(locale):
                markers.add(_fold(_informal()))
        entries = []
        for n, element in enumerate(self.findall(learner, "WorkExperienceList/WorkExperience"), start=1):
            position = self.short(self.text(element, "Position/Label"))
            if not position:
                self.warn(
                    _("Work experience %(n)s has no job title in the file and was left out.") % {"n": n}
                )
                continue
            start, end, current = self.period(element)
            activities = self.long_lines(element, "Activities")
            formal = True
            if activities and _fold(activities[0]) in markers:
                formal = False
                activities = activities[1:]
            employer = self.find(element, "Employer")
            town, country = self.place(employer)
            entries.append(
                {
                    "start": start,
                    "end": end,
                    "current": current,
                    "position": position,
                    "employer": self.short(self.text(employer, "Name")),
                    "town": town,
                    "country": country,
                    "formal": formal,
                    "activities": self.short("\n".join(activities), cv.TEXT_LIMIT),
                }
            )
        return self.limited(entries, _("Work experience"))

    def level(self, element: Any) -> str:
        if element is None:
            return ""
        code = self.text(element, "Code")
        for value, eqf in EQF_LEVEL.items():
            if code == str(eqf):
                return value
        label = _fold(self.text(element, "Label"))
        if not label:
            return ""
        for locale in self.locales:
            with translation.override(locale):
                for value, name in QualificationLevel.choices:
                    if _fold(str(name)) == label:
                        return value
        eqf_in_label = re.search(r"\beqf\D{0,10}([1-8])\b", label)
        if eqf_in_label:
            for value, eqf in EQF_LEVEL.items():
                if eqf_in_label.group(1) == str(eqf):
                    return value
        return ""

    def education(self, learner: Any) -> list[dict[str, Any]]:
        entries = []
        for n, element in enumerate(self.findall(learner, "EducationList/Education"), start=1):
            title = self.short(self.text(element, "Title"))
            if not title:
                self.warn(
                    _("Education and training %(n)s has no title in the file and was left out.") % {"n": n}
                )
                continue
            start, end, _current = self.period(element)
            organisation = self.find(element, "Organisation")
            town, country = self.place(organisation)
            entries.append(
                {
                    "start": start,
                    "end": end,
                    "title": title,
                    "organisation": self.short(self.text(organisation, "Name")),
                    "town": town,
                    "country": country,
                    "level": self.level(self.find(element, "Level")),
                    "field": self.short(self.text(element, "Field/Label")),
                    "activities": self.long(element, "Activities"),
                }
            )
        return self.limited(entries, _("Education and training"))

    def mother_tongues(self, linguistic: Any) -> list[str]:
        codes = []
        for element in self.findall(linguistic, "MotherTongueList/MotherTongue"):
            code = self.language(self.find(element, "Description"), _("Mother tongue"))
            if code:
                codes.append(code)
        return self.limited(list(dict.fromkeys(codes)), _("Mother tongue"))

    def languages(self, linguistic: Any) -> list[dict[str, str]]:
        entries: dict[str, dict[str, str]] = {}
        for element in self.findall(linguistic, "ForeignLanguageList/ForeignLanguage"):
            code = self.language(self.find(element, "Description"), _("Languages"))
            if not code or code in entries:
                continue
            entry = {"language": code}
            grid = self.find(element, "ProficiencyLevel")
            for skill, tag in _LANGUAGE_TAGS.items():
                level = self.text(grid, tag).upper()
                entry[skill] = level if level in cv.CEFR else ""
            certificates = []
            for certificate in self.findall(element, "VerifiedBy/Certificate"):
                title = self.text(certificate, "Title") or self.text(certificate, "AwardingBody")
                level = self.text(certificate, "Level").upper()
                if title and level in cv.CEFR and level not in title:
                    title = f"{title} ({level})"
                if title:
                    certificates.append(title)
            entry["certificates"] = self.short("; ".join(certificates))
            entries[code] = entry
        return self.limited(list(entries.values()), _("Languages"))

    def digital(self, skills: Any) -> dict[str, str]:
        computer = self.find(skills, "Computer")
        levels = {code: level for level, code in DIGITAL_CODES.items()}
        grid = self.find(computer, "ProficiencyLevel")
        digital = {area: levels.get(self.text(grid, tag).upper(), "") for area, tag in _DIGITAL_TAGS.items()}
        other = self.long_lines(computer, "Description")
        other += [
            title
            for title in (
                self.text(item, "Title") for item in self.findall(computer, "VerifiedBy/Certificate")
            )
            if title
        ]
        digital["other"] = self.short("\n".join(other), cv.TEXT_LIMIT)
        return digital

    def licences(self, skills: Any) -> list[str]:
        licences = []
        for element in self.findall(skills, "Driving/Description/Licence"):
            licence = self.text(element).upper()
            if licence in cv.LICENCES:
                licences.append(licence)
            elif licence:
                self.warn(
                    _("The driving licence %(licence)s is not an EU category and was left out.")
                    % {"licence": licence}
                )
        return list(dict.fromkeys(licences))

    def achievements(self, learner: Any) -> tuple[str, list[str]]:
        """(legal status, other achievements as lines of text for "other skills")."""
        titles = set()
        for locale in self.locales:
            with translation.override(locale):
                titles.add(_fold(_legal_status_title()))
        status, lines = "", []
        for element in self.findall(learner, "AchievementList/Achievement"):
            title = self.text(element, "Title/Label") or self.text(element, "Title/Code").replace("_", " ")
            description = self.long_lines(element, "Description")
            if _fold(title) in titles:
                status = self.short(" ".join(description))
            elif description:
                lines.append(f"{title}: {description[0]}" if title else description[0])
                lines.extend(description[1:])
            elif title:
                lines.append(title)
        return status, lines

    def personal(self, identification: Any, legal_status: str) -> cv.Personal:
        contact = self.find(identification, "ContactInfo")
        address = self.find(contact, "Address/Contact")
        country, _label = self.country(self.find(address, "Country"))
        town = " ".join(filter(None, (self.text(address, "PostalCode"), self.text(address, "Municipality"))))
        phones = self.findall(contact, "TelephoneList/Telephone")
        phones.sort(key=lambda phone: self.text(phone, "Use/Code") != "mobile")
        phone = self.text(phones[0], "Contact") if phones else ""
        if phone:
            with contextlib.suppress(ValidationError):  # if not valid, kept as written
                phone = reference.normalise_phone(phone, default_region=country or "IT")
        demographics = self.find(identification, "Demographics")
        nationalities = []
        for element in self.findall(demographics, "NationalityList/Nationality"):
            code, label = self.country(element)
            if code:
                nationalities.append(code)
            elif label:
                self.warn(
                    _("The nationality %(label)s is not a country and was left out.") % {"label": label}
                )
        return cv.Personal(
            given_names=self.short(self.text(identification, "PersonName/FirstName")),
            family_names=self.short(self.text(identification, "PersonName/Surname")),
            birth_date=_date_from(self.find(demographics, "Birthdate")),
            nationalities=tuple(dict.fromkeys(nationalities)),
            phone=self.short(phone),
            email=self.short(self.text(contact, "Email/Contact")),
            address=self.short(
                ", ".join(
                    filter(None, (self.text(address, "AddressLine"), self.text(address, "AddressLine2")))
                )
            ),
            town=self.short(town),
            country=country,
            legal_status=legal_status,
        )

    def imported(self) -> Imported:
        learner = self.find(self.root, "LearnerInfo")
        skills = self.find(learner, "Skills")
        linguistic = self.find(skills, "Linguistic")
        headline, desired_jobs = self.headline(learner)
        legal_status, achievements = self.achievements(learner)
        other = self.long_lines(skills, "Other/Description") + achievements
        raw = {
            "include": list(cv.DEFAULT_INCLUDE),
            "headline": headline,
            "desired_jobs": desired_jobs,
            "work": self.work(learner),
            "education": self.education(learner),
            "mother_tongues": self.mother_tongues(linguistic),
            "languages": self.languages(linguistic),
            "digital": self.digital(skills),
            "driving_licences": self.licences(skills),
            "skills": {
                **{kind: self.long(skills, f"{tag}/Description") for kind, tag in _SKILL_TAGS.items()},
                "other": self.short("\n".join(other), cv.TEXT_LIMIT),
            },
        }
        try:
            content = cv.parse(raw)
        except cv.CVError:
            raise EuropassError(
                _("This Europass CV could not be read. Export it again from Europass as XML and try again.")
            ) from None
        personal = self.personal(self.find(learner, "Identification"), legal_status)
        return Imported(content=content, personal=personal, warnings=tuple(self.warnings))


def from_xml(data: bytes) -> Imported:
    """What a Europass XML file (v3) holds, for a new CV version; EuropassError (with a message for
    the user) when it is not one."""
    return _Reader(_parse(data)).imported()
