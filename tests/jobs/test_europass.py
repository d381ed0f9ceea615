"""Europass XML v3.4: every exported CV validates against the schema and reads back the same, the
official Europass examples import, and files that are not Europass CVs are refused with a message.

The schema and the examples are the copy in tests/data/europass-v3.4; the Big List of Naughty
Strings is tests/data/blns."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import pytest
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from percorsi.jobs import cv, europass
from percorsi.jobs.choices import QualificationLevel
from percorsi.people import reference

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA_DIR = DATA / "europass-v3.4"
EXAMPLES = SCHEMA_DIR / "examples"
NAUGHTY: list[str] = json.loads((DATA / "blns" / "blns.json").read_text(encoding="utf-8"))
NS = {"e": europass.NS}

# No example database (it would write .hypothesis/ into the checkout); no deadline on a shared CPU.
FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "EuropassSchema.xsd")))


def assert_valid(xml: bytes) -> etree._Element:
    document = etree.fromstring(xml)
    valid = schema().validate(document)
    assert valid, str(schema().error_log)
    return document


def texts_of(document: etree._Element, path: str) -> list[str]:
    return [element.text or "" for element in document.xpath(path, namespaces=NS)]


# --- What a reader sees of a text: what XML 1.0 carries, and long texts as HTML shows them ---------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def seen_line(text: str) -> str:
    return _NOT_XML.sub("", text).strip()


def seen_text(text: str) -> str:
    lines = (
        re.sub(r"[ \t\f]+", " ", line).strip() for line in re.split(r"\r\n|\r|\n", _NOT_XML.sub("", text))
    )
    return "\n".join(line for line in lines if line)


# --- Strategies: CV contents that cv.parse accepts ------------------------------------------------

texts = st.one_of(st.text(max_size=40), st.sampled_from(NAUGHTY))
long_texts = st.lists(texts, max_size=4).map("\n".join)
# Texts that cv.parse takes for a required field (a job, a title), and those of them a reader sees.
filled = st.one_of(
    st.text(min_size=1, max_size=40), st.sampled_from([text for text in NAUGHTY if text.strip()])
).filter(lambda text: text.replace("\x00", "").strip())
seen_filled = st.one_of(
    st.text(min_size=1, max_size=40), st.sampled_from([text for text in NAUGHTY if seen_line(text)])
).filter(lambda text: seen_line(text))
countries = st.sampled_from([*sorted(country.alpha_2 for country in pycountry.countries), "XK"])
any_country = st.one_of(st.just(""), countries, st.from_regex(r"\A[A-Z]{2}\Z"))
any_language = st.one_of(st.sampled_from(reference.LANGUAGE_CODES), st.from_regex(r"\A[a-z]{2,3}\Z"))
levels = st.sampled_from(["", *cv.CEFR])
licences = st.lists(st.sampled_from(cv.LICENCES), max_size=5)


def partial_dates(first: int = 0, last: int = 9999) -> st.SearchStrategy[str]:
    years = st.integers(first, last).map(lambda year: f"{year:04d}")
    months = st.integers(1, 12).map(lambda month: f"{month:02d}")
    days = st.integers(1, 31).map(lambda day: f"{day:02d}")
    return st.one_of(
        st.just(""),
        years,
        st.tuples(years, months).map("-".join),
        st.tuples(years, months, days).map("-".join),
    )


def periods(dates: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    def in_order(pair: tuple[str, str]) -> tuple[str, str]:
        start, end = pair
        n = min(len(start), len(end))
        return (end, start) if start and end and end[:n] < start[:n] else (start, end)

    return st.tuples(dates, dates).map(in_order)


def with_period(entry: dict[str, Any]) -> dict[str, Any]:
    entry["start"], entry["end"] = entry.pop("period")
    return entry


def contents(
    *,
    short: st.SearchStrategy[str] = texts,
    long: st.SearchStrategy[str] = long_texts,
    named: st.SearchStrategy[str] = filled,
    country: st.SearchStrategy[str] = any_country,
    language: st.SearchStrategy[str] = any_language,
    dates: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    dates = dates if dates is not None else partial_dates()
    work = st.fixed_dictionaries(
        {
            "period": periods(dates),
            "current": st.booleans(),
            "position": named,
            "occupation": st.one_of(
                st.just(""), st.uuids().map(lambda uuid: f"http://data.europa.eu/esco/occupation/{uuid}")
            ),
            "isco": st.one_of(st.just(""), st.from_regex(r"\A\d{4}\Z")),
            "employer": short,
            "town": short,
            "country": country,
            "formal": st.booleans(),
            "activities": long,
        }
    ).map(with_period)
    education = st.fixed_dictionaries(
        {
            "period": periods(dates),
            "title": named,
            "organisation": short,
            "town": short,
            "country": country,
            "level": st.sampled_from(["", *QualificationLevel.values]),
            "field": short,
            "activities": long,
        }
    ).map(with_period)
    languages = st.fixed_dictionaries(
        {
            "language": language,
            **dict.fromkeys(cv.LANGUAGE_SKILLS, levels),
            "certificates": short,
        }
    )
    raw = st.fixed_dictionaries(
        {
            "headline": short,
            "desired_jobs": st.lists(st.fixed_dictionaries({"label": named}), max_size=3),
            "work": st.lists(work, max_size=3),
            "education": st.lists(education, max_size=3),
            "mother_tongues": st.lists(language, max_size=3),
            "languages": st.lists(languages, max_size=3, unique_by=lambda entry: entry["language"]),
            "digital": st.fixed_dictionaries(
                {
                    **{area: st.sampled_from(["", *cv.DIGITAL_LEVELS]) for area in cv.DIGITAL_AREAS},
                    "other": long,
                }
            ),
            "driving_licences": licences,
            "skills": st.fixed_dictionaries(dict.fromkeys(cv.SKILL_KINDS, long)),
        }
    )
    return raw.map(cv.parse)


people = st.builds(
    cv.Personal,
    given_names=texts,
    family_names=texts,
    native_name=texts,
    birth_date=st.one_of(partial_dates(), texts),
    nationalities=st.lists(st.one_of(countries, texts), max_size=3).map(tuple),
    phone=texts,
    email=st.one_of(st.emails(), texts),
    address=texts,
    town=texts,
    country=st.one_of(countries, texts),
    legal_status=texts,
)
document_languages = st.sampled_from(["it", "en", "fr", "ar"])


# --- A full CV -------------------------------------------------------------------------------------

COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"


def full_content() -> dict[str, Any]:
    return cv.parse(
        {
            "include": ["birth_date", "nationality", "phone", "email", "address", "legal_status"],
            "headline": "Cuoco con esperienza",
            "desired_jobs": [{"occupation": COOK, "isco": "5120", "label": "Cuoco"}],
            "work": [
                {
                    "start": "2019-03",
                    "end": "2021-06",
                    "position": "Cuoco",
                    "occupation": COOK,
                    "isco": "5120",
                    "employer": "Hotel Eko",
                    "town": "Lagos",
                    "country": "NG",
                    "formal": True,
                    "activities": "Preparazione dei piatti\nOrdini <fornitori> & magazzino",
                },
                {
                    "start": "2022-05-02",
                    "current": True,
                    "position": "Bracciante agricolo",
                    "town": "Latina",
                    "country": "IT",
                    "formal": False,
                    "activities": "Raccolta di ortaggi",
                },
            ],
            "education": [
                {
                    "start": "2008",
                    "end": "2012",
                    "title": "Diploma di scuola secondaria",
                    "organisation": "Asmara Secondary School",
                    "town": "Asmara",
                    "country": "ER",
                    "level": "upper_secondary",
                    "field": "Scienze",
                },
                {"start": "2023-09", "end": "2023-10", "title": "Corso HACCP", "level": "other"},
            ],
            "mother_tongues": ["ti", "ar"],
            "languages": [
                {
                    "language": "it",
                    "listening": "A2",
                    "reading": "A1",
                    "spoken_interaction": "A2",
                    "spoken_production": "A2",
                    "writing": "A1",
                    "certificates": "CILS A2",
                },
                {"language": "en", "listening": "B1", "reading": "B1"},
                {"language": "wo", "spoken_interaction": "B2"},
                {"language": "ha"},
            ],
            "digital": {
                "information": "basic",
                "communication": "independent",
                "other": "Uso dello smartphone",
            },
            "driving_licences": ["B", "AM"],
            "skills": {
                "communication": "Lavoro bene in squadra",
                "organisational": "Turni in cucina",
                "job_related": "HACCP",
                "other": "Calcio",
            },
            "availability": {"from": "2026-12-01", "working_time": "full_time"},
        }
    )


def full_personal(**changes: Any) -> cv.Personal:
    values = {
        "given_names": "Amanuel",
        "family_names": "Tesfaye Gebremedhin",
        "birth_date": "1995-01-01",
        "nationalities": ("ER", "GR"),
        "phone": "+393331234567",
        "email": "amanuel@example.org",
        "address": "Via Roma 1",
        "town": "Roma",
        "country": "IT",
        "legal_status": "Protezione sussidiaria, permesso valido fino al 2028",
    }
    return cv.Personal(**{**values, **changes})


# --- Export -----------------------------------------------------------------------------------------


def test_a_full_cv_exports_as_a_valid_europass_document() -> None:
    document = assert_valid(europass.to_xml(full_content(), full_personal(), language="it"))

    assert document.get("locale") == "it"
    assert texts_of(document, "//e:PersonName/e:FirstName") == ["Amanuel"]
    assert texts_of(document, "//e:PersonName/e:Surname") == ["Tesfaye Gebremedhin"]
    assert texts_of(document, "//e:Identification//e:Municipality") == ["Roma"]
    assert texts_of(document, "//e:Identification//e:Country/e:Label") == ["Italia"]
    assert texts_of(document, "//e:Email/e:Contact") == ["amanuel@example.org"]
    assert texts_of(document, "//e:Telephone/e:Contact") == ["+393331234567"]
    birth = document.find(".//e:Birthdate", NS)
    assert dict(birth.attrib) == {"year": "1995", "month": "--01", "day": "---01"}
    # Greece is EL in Europass's lists.
    assert texts_of(document, "//e:Nationality/e:Code") == ["ER", "EL"]
    assert texts_of(document, "//e:Headline/e:Description/e:Label") == ["Cuoco con esperienza"]

    assert texts_of(document, "//e:WorkExperience/e:Position/e:Label") == ["Cuoco", "Bracciante agricolo"]
    assert texts_of(document, "//e:WorkExperience[1]/e:Position/e:Code") == [COOK.rsplit("/", 1)[1]]
    first_from = document.find(".//e:WorkExperience/e:Period/e:From", NS)
    assert dict(first_from.attrib) == {"year": "2019", "month": "--03"}
    assert texts_of(document, "//e:WorkExperience[2]/e:Period/e:Current") == ["true"]
    assert document.find(".//e:WorkExperience[2]/e:Period/e:To", NS) is None
    activities = texts_of(document, "//e:WorkExperience/e:Activities")
    assert activities[0] == ("<p>Preparazione dei piatti</p><p>Ordini &lt;fornitori&gt; &amp; magazzino</p>")
    # Informal work is work experience, and says so (in the CV's language).
    with translation.override("it"):
        informal = gettext("Informal work (no written contract).")
    assert informal != "Informal work (no written contract)." and informal in activities[1]
    assert informal not in activities[0]
    assert texts_of(document, "//e:WorkExperience[1]//e:Country/e:Code") == ["NG"]

    assert texts_of(document, "//e:Education/e:Title") == ["Diploma di scuola secondaria", "Corso HACCP"]
    assert texts_of(document, "//e:Education/e:Level/e:Code") == ["4"]  # EQF; "other" has none
    assert texts_of(document, "//e:Education[1]/e:Field/e:Label") == ["Scienze"]

    # Tigrinya is not in Europass's list: its name only.
    assert texts_of(document, "//e:MotherTongue/e:Description/e:Label") == ["Tigrino", "Arabo"]
    assert texts_of(document, "//e:MotherTongue/e:Description/e:Code") == ["ar"]
    assert texts_of(document, "//e:ForeignLanguage/e:Description/e:Code") == ["it", "en", "wol"]
    italian = document.find(".//e:ForeignLanguage/e:ProficiencyLevel", NS)
    assert [(child.tag.split("}")[1], child.text) for child in italian] == [
        ("Listening", "A2"),
        ("Reading", "A1"),
        ("SpokenInteraction", "A2"),
        ("SpokenProduction", "A2"),
        ("Writing", "A1"),
    ]
    assert texts_of(document, "//e:ForeignLanguage//e:Certificate/e:Title") == ["CILS A2"]
    assert texts_of(document, "//e:Computer/e:ProficiencyLevel/e:Information") == ["A"]
    assert texts_of(document, "//e:Computer/e:ProficiencyLevel/e:Communication") == ["B"]
    assert texts_of(document, "//e:Driving//e:Licence") == ["B", "AM"]
    assert texts_of(document, "//e:Skills/e:JobRelated/e:Description") == ["<p>HACCP</p>"]
    assert texts_of(document, "//e:Achievement/e:Description") == [
        "<p>Protezione sussidiaria, permesso valido fino al 2028</p>"
    ]


def test_the_code_lists_are_the_schemas() -> None:
    xsd = "{http://www.w3.org/2001/XMLSchema}"

    def enumeration(filename: str, name: str) -> set[str]:
        tree = etree.parse(str(SCHEMA_DIR / "included" / filename))
        [simple_type] = tree.xpath("//xs:simpleType[@name=$name]", namespaces={"xs": xsd[1:-1]}, name=name)
        return {element.get("value") for element in simple_type.iter(f"{xsd}enumeration")}

    assert enumeration("EuropassISOCountries_V1.7.0.xsd", "countryCode") == europass.EUROPASS_COUNTRIES
    assert (
        enumeration("EuropassNationalities_V1.7.0.xsd", "nationalityCountryCode")
        == europass.EUROPASS_COUNTRIES
    )
    languages = "EuropassISOLanguages_V1.9.0.xsd"
    assert enumeration(languages, "motherCode") == europass.EUROPASS_MOTHER_TONGUES
    assert enumeration(languages, "foreignCode") == europass.EUROPASS_LANGUAGES


def test_labels_are_in_the_language_asked_for() -> None:
    document = assert_valid(europass.to_xml(full_content(), full_personal(), language="en"))

    assert document.get("locale") == "en"
    assert texts_of(document, "//e:Identification//e:Country/e:Label") == ["Italy"]
    assert texts_of(document, "//e:MotherTongue/e:Description/e:Label") == ["Tigrinya", "Arabic"]


def test_the_legal_status_is_only_there_when_the_person_chose_to_show_it() -> None:
    document = assert_valid(europass.to_xml(full_content(), full_personal(legal_status="")))

    assert document.find(".//e:AchievementList", NS) is None
    assert "Protezione" not in europass.to_xml(full_content(), full_personal(legal_status="")).decode()


def test_only_the_personal_data_given_is_written() -> None:
    personal = cv.Personal(given_names="Amina", family_names="Diallo")
    document = assert_valid(europass.to_xml(cv.empty(), personal))

    assert texts_of(document, "//e:PersonName/e:FirstName") == ["Amina"]
    assert document.find(".//e:ContactInfo", NS) is None
    assert document.find(".//e:Demographics", NS) is None
    assert document.find(".//e:Skills", NS) is None


def test_an_address_that_the_schema_refuses_is_left_out() -> None:
    document = assert_valid(europass.to_xml(cv.empty(), full_personal(email="amanuel at example")))

    assert document.find(".//e:Email", NS) is None


def test_control_characters_are_dropped_and_the_rest_kept() -> None:
    content = full_content()
    content["work"][0]["position"] = "Cuoco\x0b\x1b[1m capo\x7f"
    content["skills"]["other"] = "Calcio\x00\x08 e \ufffe corsa"
    document = assert_valid(europass.to_xml(content, full_personal(given_names="A\x01manuel")))

    assert texts_of(document, "//e:WorkExperience[1]/e:Position/e:Label") == ["Cuoco[1m capo"]
    assert texts_of(document, "//e:Skills/e:Other/e:Description") == ["<p>Calcio e corsa</p>"]
    assert texts_of(document, "//e:PersonName/e:FirstName") == ["Amanuel"]


def test_every_naughty_string_gives_a_valid_document_and_reads_back() -> None:
    for naughty in NAUGHTY:
        content = full_content()
        for entry in content["work"]:
            entry.update(employer=naughty, town=naughty, activities=naughty)
        for entry in content["education"]:
            entry.update(organisation=naughty, field=naughty, activities=naughty)
        content["languages"][0]["certificates"] = naughty
        content["skills"] = dict.fromkeys(cv.SKILL_KINDS, naughty)
        content["digital"]["other"] = naughty
        content["headline"] = naughty
        personal = full_personal(
            given_names=naughty, family_names=naughty, address=naughty, town=naughty, legal_status=naughty
        )
        xml = europass.to_xml(cv.parse(content), personal)
        assert_valid(xml)

        back = europass.from_xml(xml)
        assert back.content["work"][0]["employer"] == seen_line(naughty)
        assert back.content["work"][0]["activities"] == seen_text(naughty)
        assert back.content["education"][0]["field"] == seen_line(naughty)
        assert back.content["skills"]["job_related"] == seen_text(naughty)
        assert back.personal.given_names == seen_line(naughty)


@FUZZ
@given(content=contents(), personal=people, language=document_languages)
def test_every_cv_exports_as_a_valid_europass_document(
    content: dict[str, Any], personal: cv.Personal, language: str
) -> None:
    assert_valid(europass.to_xml(content, personal, language=language))


# --- Round trip ---------------------------------------------------------------------------------------


def comparable(content: dict[str, Any]) -> dict[str, Any]:
    """What a Europass file carries of a CV, as a reader of it sees it."""
    return {
        "work": [
            {
                "start": entry["start"],
                "end": entry["end"],
                "current": entry["current"],
                "position": seen_line(entry["position"]),
                "employer": seen_line(entry["employer"]),
                "town": seen_line(entry["town"]),
                "country": entry["country"],
                "formal": entry["formal"],
                "activities": seen_text(entry["activities"]),
            }
            for entry in content["work"]
        ],
        "education": [
            {
                "start": entry["start"],
                "end": entry["end"],
                "title": seen_line(entry["title"]),
                "organisation": seen_line(entry["organisation"]),
                "town": seen_line(entry["town"]),
                "country": entry["country"],
                "level": entry["level"],
                "field": seen_line(entry["field"]),
                "activities": seen_text(entry["activities"]),
            }
            for entry in content["education"]
        ],
        "mother_tongues": list(dict.fromkeys(content["mother_tongues"])),
        "languages": [
            {**entry, "certificates": seen_line(entry["certificates"])} for entry in content["languages"]
        ],
        "digital": {**content["digital"], "other": seen_text(content["digital"]["other"])},
        "driving_licences": content["driving_licences"],
        "skills": {kind: seen_text(text) for kind, text in content["skills"].items()},
    }


def test_a_full_cv_reads_back_the_same() -> None:
    content = full_content()
    back = europass.from_xml(europass.to_xml(content, full_personal()))

    assert comparable(back.content) == comparable(content)
    assert back.content["work"][1]["formal"] is False
    assert back.content["work"][1]["activities"] == "Raccolta di ortaggi"
    assert back.content["education"][1]["level"] == "other"
    assert back.content["mother_tongues"] == ["ti", "ar"]
    assert [entry["language"] for entry in back.content["languages"]] == ["it", "en", "wo", "ha"]
    assert back.content["headline"] == "Cuoco con esperienza"
    # Occupation codes are chosen again by the user: the file has labels.
    assert back.content["work"][0]["occupation"] == back.content["work"][0]["isco"] == ""
    assert back.content["desired_jobs"] == [{"occupation": "", "isco": "", "label": "Cuoco con esperienza"}]
    assert back.content["availability"] == cv.empty()["availability"]
    assert back.warnings == ()


def test_the_personal_data_reads_back_the_same() -> None:
    personal = full_personal()
    back = europass.from_xml(europass.to_xml(full_content(), personal)).personal

    assert back == personal


def test_the_desired_jobs_are_the_headline_when_there_is_none() -> None:
    content = full_content()
    content["headline"] = ""
    content["desired_jobs"] = [{"label": "Cuoco"}, {"label": "Aiuto cuoco"}]
    back = europass.from_xml(europass.to_xml(cv.parse(content), full_personal()))

    assert [job["label"] for job in back.content["desired_jobs"]] == ["Cuoco", "Aiuto cuoco"]
    assert back.content["headline"] == "Cuoco; Aiuto cuoco"

    content["desired_jobs"] = [{"label": f"Mestiere {n} " + "x" * 100} for n in range(5)]
    back = europass.from_xml(europass.to_xml(cv.parse(content), full_personal()))
    assert [job["label"] for job in back.content["desired_jobs"]] == [
        job["label"] for job in content["desired_jobs"]
    ]
    assert back.content["headline"] == ""  # too long for one: the jobs say it
    assert back.warnings == ()


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_language_and_country_we_offer_reads_back(language: str) -> None:
    codes = list(reference.LANGUAGE_CODES)
    countries_ = [*sorted(country.alpha_2 for country in pycountry.countries), "XK"]
    content = cv.empty()
    content["mother_tongues"] = codes[:50]
    content["languages"] = [{"language": code} for code in codes[50:]]
    content["work"] = [{"position": "Cuoco", "country": code} for code in countries_[: cv.ITEMS_LIMIT]]
    content["education"] = [
        {"title": "Corso", "country": code} for code in countries_[cv.ITEMS_LIMIT : 2 * cv.ITEMS_LIMIT]
    ]
    back = europass.from_xml(europass.to_xml(cv.parse(content), full_personal(), language=language))

    assert back.content["mother_tongues"] == codes[:50]
    assert [entry["language"] for entry in back.content["languages"]] == codes[50:]
    assert [entry["country"] for entry in back.content["work"]] == countries_[: cv.ITEMS_LIMIT]
    assert [entry["country"] for entry in back.content["education"]] == countries_[
        cv.ITEMS_LIMIT : 2 * cv.ITEMS_LIMIT
    ]
    for start in range(2 * cv.ITEMS_LIMIT, len(countries_), cv.ITEMS_LIMIT):
        chunk = countries_[start : start + cv.ITEMS_LIMIT]
        personal = full_personal(nationalities=tuple(chunk))
        back_personal = europass.from_xml(europass.to_xml(cv.empty(), personal, language=language)).personal
        assert back_personal.nationalities == tuple(chunk)


@FUZZ
@given(
    content=contents(
        short=texts,
        named=seen_filled,
        country=st.one_of(st.just(""), countries),
        language=st.sampled_from(reference.LANGUAGE_CODES),
        dates=partial_dates(1900, 2100),
    ),
    language=document_languages,
)
def test_any_cv_reads_back_the_same(content: dict[str, Any], language: str) -> None:
    back = europass.from_xml(europass.to_xml(content, full_personal(), language=language))

    assert comparable(back.content) == comparable(content)


# --- The official examples ------------------------------------------------------------------------------


def example(name: str) -> europass.Imported:
    return europass.from_xml((EXAMPLES / name).read_bytes())


@pytest.mark.parametrize(
    "name",
    ["Europass_CV_V3.4.0_Example.xml", "Europass_CVwithCL_V3.4.0_Example.xml"],
)
def test_the_example_cv_imports(name: str) -> None:
    imported = example(name)
    content, personal = imported.content, imported.personal

    assert (personal.given_names, personal.family_names) == ("Chuck", "NORRIS")
    assert personal.birth_date == "1940-03-10"
    assert personal.nationalities == ("US", "AU")  # "Citizen of the world" is no country
    assert personal.email == "chuck@chucknorrisfacts.com"
    assert personal.phone == "+44 123456789"  # the mobile number, as written (not a valid one)
    assert (personal.address, personal.town, personal.country) == (
        "12 Strawberry Hille",
        "12345 London",
        "GB",
    )
    assert content["headline"] == "Chuck Norris law enforcement"

    [work] = content["work"]
    assert work["position"] == "Martial Arts Instructor"
    assert (work["start"], work["end"], work["current"]) == ("2001", "", True)
    assert (work["employer"], work["country"], work["formal"]) == ("School of Ninjutsu", "JP", True)
    lines = work["activities"].splitlines()
    assert lines[0] == "Main activities and responsibilities:"
    assert lines[1] == "- Preparing class plans in advance."
    assert lines[-1] == "- Travelling to other clubs to give special workshops."

    [education] = content["education"]
    assert education["title"] == "Martial Arts"
    assert education["organisation"] == "The University of Plymouth. Department of Martial Arts"
    assert (education["start"], education["country"], education["level"]) == ("1995", "US", "bachelor")
    assert education["field"] == "Arts"

    assert content["mother_tongues"] == ["en"]
    japanese, ancient_greek = content["languages"]
    assert japanese == {
        "language": "ja",
        "listening": "C1",
        "reading": "C1",
        "spoken_interaction": "C1",
        "spoken_production": "C1",
        "writing": "C1",
        "certificates": "Cambridge Proficiency; Michigan Proficiency",
    }
    assert ancient_greek["language"] == "grc"
    assert content["driving_licences"] == ["A", "B", "BE"]
    assert content["skills"]["communication"] == "Bla bla multinational environment."
    assert content["skills"]["other"].splitlines()[:2] == [
        "Bla bla excellent hip hop dancer bla bla.",
        "Projects: Bla Bla my projects.",
    ]
    with translation.override("en"):
        warnings = example(name).warnings
    assert any("Elvish" in warning for warning in warnings)


def test_the_example_cv_grid_of_digital_skills_imports() -> None:
    assert example("Europass_CV_V3.4.0_Example.xml").content["digital"] == {
        "information": "basic",
        "communication": "independent",
        "content_creation": "proficient",
        "safety": "proficient",
        "problem_solving": "proficient",
        "other": "Computer skills\nACDL Certificate",
    }
    # This one has "Br", which is no level: left empty, the rest read.
    digital = example("Europass_CVwithCL_V3.4.0_Example.xml").content["digital"]
    assert (digital["information"], digital["communication"], digital["safety"]) == (
        "",
        "basic",
        "independent",
    )


def test_the_example_cv_with_language_passport_and_cover_letter_imports() -> None:
    content = example("Europass_CV_ESP_CL_LP_V3.4.0_Example.xml").content

    assert [work["position"] for work in content["work"]] == ["Martial Arts Instructor"]
    assert content["education"][0]["level"] == "bachelor"
    japanese, ancient_greek = content["languages"]
    assert japanese["certificates"] == "Cambridge Proficiency (C2); Michigan Proficiency (C2)"
    assert ancient_greek == {
        "language": "grc",
        "listening": "A1",
        "reading": "A2",
        "spoken_interaction": "A1",
        "spoken_production": "B1",
        "writing": "B1",
        "certificates": "Ptyxion (B1)",
    }
    assert content["digital"]["other"].splitlines() == [
        "Computer skills",
        "ACDL Certificate",
        "Super User Certificate",
    ]


def test_the_example_language_passport_imports() -> None:
    imported = example("Europass_LP_V.3.4.0_Example.xml")

    assert (imported.personal.given_names, imported.personal.family_names) == ("Babis", "Sougias")
    assert imported.content["work"] == imported.content["education"] == []
    assert imported.content["mother_tongues"] == ["el"]
    assert [entry["language"] for entry in imported.content["languages"]] == ["en", "grc"]
    assert imported.content["languages"][0]["writing"] == "C1"


def test_the_example_cover_letter_imports_its_personal_data() -> None:
    imported = example("Europass_CL_V3.4.0_Example.xml")

    assert (imported.personal.given_names, imported.personal.family_names) == ("Jim", "Burnett")
    assert imported.personal.address == "12 Strawberry Hills, 10 Garrard Gardens"
    assert imported.personal.town == "B26 3QJ Birmingham"
    assert imported.personal.country == "GB"
    assert imported.content == cv.empty()


@pytest.mark.parametrize(
    "name",
    [
        "Europass_CL_V3.4.0_Example.xml",
        "Europass_CV_ESP_CL_LP_V3.4.0_Example.xml",
        "Europass_CVwithCL_V3.4.0_Example.xml",
    ],
)
def test_the_examples_with_a_cover_letter_import_though_they_do_not_validate(name: str) -> None:
    assert not schema().validate(etree.parse(str(EXAMPLES / name)))
    assert example(name).personal.given_names in {"Chuck", "Jim"}


def test_what_cannot_be_read_is_left_out_with_a_warning() -> None:
    many = "".join(
        f"<WorkExperience><Position><Label>Job {n}</Label></Position></WorkExperience>" for n in range(60)
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
    <SkillsPassport xmlns="{europass.NS}" locale="en"><LearnerInfo>
      <WorkExperienceList>
        <WorkExperience>
          <Period><From year="2020" month="--13"/><To year="2018"/></Period>
          <Position><Label>{"Chef " * 100}</Label></Position>
        </WorkExperience>
        <WorkExperience><Period><From year="abc"/></Period><Activities>No title</Activities></WorkExperience>
        {many}
      </WorkExperienceList>
      <Skills>
        <Linguistic><ForeignLanguageList><ForeignLanguage>
          <Description><Label>Hausa</Label></Description>
          <ProficiencyLevel><Listening>Z9</Listening><Reading>b2</Reading></ProficiencyLevel>
        </ForeignLanguage></ForeignLanguageList></Linguistic>
        <Driving><Description><Licence>Q</Licence><Licence>B</Licence></Description></Driving>
      </Skills>
    </LearnerInfo></SkillsPassport>""".encode()
    with translation.override("en"):
        imported = europass.from_xml(xml)

    first = imported.content["work"][0]
    assert (first["start"], first["end"]) == ("2020", "")  # no month 13; the end came before
    assert len(first["position"]) <= cv.LINE_LIMIT
    assert len(imported.content["work"]) == cv.ITEMS_LIMIT
    assert imported.content["work"][1]["position"] == "Job 0"
    assert imported.content["languages"] == [
        {
            "language": "ha",
            "listening": "",
            "reading": "B2",
            "spoken_interaction": "",
            "spoken_production": "",
            "writing": "",
            "certificates": "",
        }
    ]
    assert imported.content["driving_licences"] == ["B"]
    warnings = "\n".join(imported.warnings)
    assert "Work experience 2 has no job title" in warnings
    assert "only the first 50 entries" in warnings
    assert "were cut" in warnings
    assert "ended before they started" in warnings
    assert "Q is not an EU category" in warnings


def test_html_in_long_texts_becomes_lines_and_scripts_are_dropped() -> None:
    activities = (
        "&lt;p&gt;Kitchen &amp;amp; bar&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;p&gt;Orders&lt;/p&gt;&lt;/li&gt;"
        "&lt;li&gt;Stock   control&lt;/li&gt;&lt;/ul&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    xml = f"""<SkillsPassport xmlns="{europass.NS}" locale="en"><LearnerInfo><WorkExperienceList>
      <WorkExperience><Position><Label>Cook</Label></Position><Activities>{activities}</Activities>
      </WorkExperience></WorkExperienceList></LearnerInfo></SkillsPassport>""".encode()

    assert (
        europass.from_xml(xml).content["work"][0]["activities"] == "Kitchen & bar\n- Orders\n- Stock control"
    )


@pytest.mark.parametrize("locale", ["sr-lat", "zz", "12", ""])
def test_a_file_in_any_language_and_encoding_imports(locale: str) -> None:
    xml = europass.to_xml(full_content(), full_personal(), language="en")
    xml = xml.replace(b'locale="en"', f'locale="{locale}"'.encode(), 1)
    utf16 = xml.decode().replace("encoding='UTF-8'", "encoding='UTF-16'", 1).encode("utf-16")

    for data in (xml, utf16):
        imported = europass.from_xml(data)
        assert comparable(imported.content) == comparable(full_content())
        assert imported.personal == full_personal()


# --- Files refused --------------------------------------------------------------------------------------

NOT_EUROPASS = "This file is not a Europass CV (XML)"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<SkillsPassport xmlns="http://europass.cedefop.europa.eu/Europass" locale="en"><LearnerInfo>
<Identification><PersonName><FirstName>&lol9;</FirstName></PersonName></Identification>
</LearnerInfo></SkillsPassport>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE SkillsPassport [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<SkillsPassport xmlns="http://europass.cedefop.europa.eu/Europass" locale="en"><LearnerInfo>
<Identification><PersonName><FirstName>&secret;</FirstName></PersonName></Identification>
</LearnerInfo></SkillsPassport>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"Curriculum vitae of Amanuel Tesfaye", NOT_EUROPASS, id="not XML"),
        pytest.param(
            b"<!DOCTYPE html><html><head><title>CV</title></head><body><p>CV</p></body></html>",
            NOT_EUROPASS,
            id="an HTML page",
        ),
        pytest.param(b"<html><body><p>My CV<br></body></html>", NOT_EUROPASS, id="HTML without DOCTYPE"),
        pytest.param(
            b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF",
            "This file is a PDF",
            id="a PDF renamed .xml",
        ),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00\x08\x00", NOT_EUROPASS, id="a Word document"),
        pytest.param(
            b'<?xml version="1.0"?><note><to>Tove</to><body>Call me</body></note>',
            NOT_EUROPASS,
            id="other XML",
        ),
        pytest.param(
            b'<SkillsPassport xmlns="http://example.org/not-europass"/>', NOT_EUROPASS, id="another namespace"
        ),
        pytest.param(BILLION_LAUGHS, NOT_EUROPASS, id="XML bomb"),
        pytest.param(
            BILLION_LAUGHS.replace(b'"1.0"?>', b'"1.0" encoding="UTF-16"?>', 1).decode().encode("utf-16"),
            NOT_EUROPASS,
            id="XML bomb in UTF-16",
        ),
        pytest.param(EXTERNAL_ENTITY, NOT_EUROPASS, id="external entity"),
        pytest.param(b"", "The file is empty", id="empty"),
        pytest.param(b" \r\n\t", "The file is empty", id="only spaces"),
        pytest.param(b"\xef\xbb\xbf", "The file is empty", id="only a byte order mark"),
        pytest.param(b"\xff\xfe\x00\x00garbage\x00", NOT_EUROPASS, id="binary"),
    ],
)
def test_a_file_that_is_not_a_europass_cv_is_refused(data: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(europass.EuropassError) as refused:
        europass.from_xml(data)

    assert refused.value.message.startswith(message)
    assert "try again" in refused.value.message
    assert isinstance(refused.value, cv.CVError)


def test_a_file_too_big_is_refused_before_reading_it() -> None:
    xml = europass.to_xml(full_content(), full_personal())
    padded = xml.replace(b"<LearnerInfo>", b"<LearnerInfo>" + b" " * europass.MAX_BYTES, 1)

    with translation.override("en"), pytest.raises(europass.EuropassError) as refused:
        europass.from_xml(padded)

    assert refused.value.message.startswith("This file is too big for a Europass CV (more than 5 MB)")


def test_messages_are_in_the_users_language() -> None:
    with translation.override("it"), pytest.raises(europass.EuropassError) as refused:
        europass.from_xml(b"<note/>")

    with translation.override("it"):
        expected = translation.gettext(
            "This file is not a Europass CV (XML). Export the CV from Europass as XML and try again."
        )
    assert refused.value.message == expected


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_with_a_message(data: bytes) -> None:
    try:
        imported = europass.from_xml(data)
    except europass.EuropassError as refused:
        assert refused.message
    else:
        cv.parse(imported.content)


@FUZZ
@given(content=contents(), personal=people, cut=st.integers(0, 10_000), junk=st.binary(max_size=20))
def test_a_damaged_europass_file_is_read_or_refused_with_a_message(
    content: dict[str, Any], personal: cv.Personal, cut: int, junk: bytes
) -> None:
    xml = europass.to_xml(content, personal)
    cut = cut % (len(xml) + 1)
    try:
        imported = europass.from_xml(xml[:cut] + junk + xml[cut + len(junk) :])
    except europass.EuropassError as refused:
        assert refused.message
    else:
        assert cv.parse(imported.content) == imported.content
