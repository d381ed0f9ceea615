"""The CV's documents: the PDF (Europass-like, Italian or English, names in any script) and the DOCX
(editable: Word headings and tables), read back as a reader would (pypdf's text, python-docx).

Rendering a PDF takes about a second: the full CVs are made once for the module."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from percorsi.jobs import cv
from percorsi.jobs.cv_documents import cv_docx, cv_pdf

ARABIC_NAME = "محمد عبد الله"
ETHIOPIC_NAME = "ተስፋዬ ገብረ"
DASH = "\N{EN DASH}"
BLNS = Path(__file__).resolve().parents[1] / "data" / "blns" / "blns.json"


def pdf_text(content: bytes, name: str = "") -> str:
    if name and os.environ.get("PERCORSI_KEEP_PDF"):  # to look at the document: the folder to write it to
        Path(os.environ["PERCORSI_KEEP_PDF"], name).write_bytes(content)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def open_docx(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def docx_text(document: Any) -> str:
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(lines)


def full_content() -> dict[str, Any]:
    return cv.parse(
        {
            "include": ["birth_date", "nationality", "phone", "email", "address"],
            "headline": "Cuoco con esperienza",
            "desired_jobs": [{"isco": "5120", "label": "Cuoco"}],
            "work": [
                {
                    "start": "2019-03",
                    "end": "2021-06",
                    "position": "Cuoco di linea",
                    "employer": "Hotel Eko",
                    "town": "Lagos",
                    "country": "NG",
                    "activities": "Preparazione dei pasti per 200 ospiti.",
                },
                {
                    "start": "2022",
                    "current": True,
                    "position": "Lavapiatti",
                    "employer": "Trattoria da Mario",
                    "town": "Roma",
                    "country": "IT",
                },
                {"start": "2015", "end": "2018", "position": "Venditore al mercato", "formal": False},
            ],
            "education": [
                {
                    "start": "2010",
                    "end": "2014",
                    "title": "Diploma di scuola secondaria",
                    "organisation": "Government College",
                    "country": "NG",
                    "level": "upper_secondary",
                }
            ],
            "mother_tongues": ["ti"],
            "languages": [
                {
                    "language": "it",
                    "listening": "B1",
                    "reading": "A2",
                    "spoken_interaction": "B1",
                    "spoken_production": "A2",
                    "writing": "A1",
                    "certificates": "CILS A2 (2024)",
                },
                {"language": "en", "listening": "C1"},
            ],
            "digital": {"communication": "independent", "other": "Uso dello smartphone"},
            "driving_licences": ["B"],
            "skills": {"job_related": "Cucina eritrea e italiana"},
            "availability": {"from": "2026-12-01", "working_time": "full_time", "places": "Roma"},
        }
    )


ARABIC_PERSON = cv.Personal(
    given_names="Mohammed",
    family_names="Abdullah",
    native_name=ARABIC_NAME,
    birth_date="1990",
    nationalities=("ER",),
    phone="+393331234567",
    legal_status="Protezione sussidiaria, permesso fino al 2030",
)
ETHIOPIC_PERSON = cv.Personal(
    given_names="Tesfaye",
    family_names="Gebre",
    native_name=ETHIOPIC_NAME,
    nationalities=("ER",),
    phone="+393331234567",
    email="tesfaye@example.org",
)


@pytest.fixture(scope="module")
def italian_pdf() -> str:
    return pdf_text(cv_pdf(full_content(), ARABIC_PERSON, language="it"), "cv-it.pdf")


@pytest.fixture(scope="module")
def english_pdf() -> str:
    return pdf_text(cv_pdf(full_content(), ETHIOPIC_PERSON, language="en"), "cv-en.pdf")


def test_the_pdf_shows_an_arabic_name_in_its_script_with_italian_labels(italian_pdf: str) -> None:
    assert "Mohammed Abdullah" in italian_pdf
    assert ARABIC_NAME in italian_pdf  # the name in the person's own script, shaped right to left
    # Labels and names of languages and countries in Italian, not in English.
    # (the section titles are in capitals, as in Europass)
    for italian in ("LINGUE", "Lingua madre", "Cittadinanza", "Telefono", "Tigrino", "Italiano", "Inglese"):
        assert italian in italian_pdf
    assert f"2022 {DASH} oggi" in italian_pdf
    for english in ("LANGUAGES", "Mother tongue", "Nationality", "Phone", "Tigrinya", "today"):
        assert english not in italian_pdf
    # Making the document leaves Pillow refusing truncated images (the uploads rely on it).
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_pdf_shows_an_ethiopic_name_in_its_script_with_english_labels(english_pdf: str) -> None:
    assert "Tesfaye Gebre" in english_pdf
    assert ETHIOPIC_NAME in english_pdf
    for english in ("LANGUAGES", "Mother tongue", "Nationality", "Phone", "Tigrinya", "Italian", "English"):
        assert english in english_pdf
    for italian in ("LINGUE", "Cittadinanza", "Telefono", "Tigrino", "oggi"):
        assert italian not in english_pdf
    assert "+39 333 123 4567" in english_pdf
    assert "tesfaye@example.org" in english_pdf


def test_the_legal_status_is_printed_only_when_chosen(italian_pdf: str, english_pdf: str) -> None:
    assert "Condizione giuridica" in italian_pdf
    assert "Protezione sussidiaria, permesso fino al 2030" in italian_pdf
    assert "Legal status" not in english_pdf
    assert "Protezione sussidiaria" not in english_pdf


def test_the_pdf_lists_work_newest_first_with_its_dates(english_pdf: str) -> None:
    positions = [english_pdf.index(p) for p in ("Lavapiatti", "Cuoco di linea", "Venditore al mercato")]
    assert positions == sorted(positions)  # the current job, then 2019-2021, then 2015-2018
    assert f"2022 {DASH} today" in english_pdf
    assert f"03/2019 {DASH} 06/2021" in english_pdf
    assert "Hotel Eko, Lagos, Nigeria" in english_pdf
    assert "Venditore al mercato informal work" in english_pdf
    assert "Cuoco di linea informal work" not in english_pdf
    assert "upper secondary school diploma (EQF level 4)" in english_pdf


def test_the_pdf_has_the_language_grid_and_the_other_sections(english_pdf: str) -> None:
    for heading in ("Listening", "Reading", "Spoken interaction", "Spoken production", "Writing"):
        assert heading in english_pdf
    assert "Italian B1 A2 B1 A2 A1" in english_pdf  # a row of the grid, the five skills in order
    assert f"English C1 {DASH} {DASH} {DASH} {DASH}" in english_pdf
    assert "CILS A2 (2024)" in english_pdf
    assert "Communication and collaboration Independent user" in english_pdf
    assert "Uso dello smartphone" in english_pdf
    assert "Cucina eritrea e italiana" in english_pdf
    assert "Available from 01/12/2026" in english_pdf
    assert "full time" in english_pdf


def test_a_cv_with_only_the_name_renders_without_empty_sections() -> None:
    person = cv.Personal(given_names="Amina", family_names="Yusuf")

    text = pdf_text(cv_pdf(cv.empty(), person, language="en"), "cv-empty.pdf")
    document = open_docx(cv_docx(cv.empty(), person, language="en"))

    assert "Amina Yusuf" in text
    for section in ("Personal information", "Work experience", "Education", "Languages", "Availability"):
        assert section not in text
    assert [paragraph.text for paragraph in document.paragraphs] == ["Amina Yusuf"]
    assert document.tables == []


def test_long_texts_wrap_inside_the_page() -> None:
    address = "https://example.org/" + "a" * 1500  # no space to break at
    content = cv.parse(
        {"work": [{"position": "Magazziniere", "activities": f"{address}\n{'parola ' * 300}"}]}
    )

    text = pdf_text(cv_pdf(content, ETHIOPIC_PERSON, language="en"), "cv-long.pdf")

    assert address in text.replace("\n", "")
    assert max(len(line) for line in text.splitlines()) < 150


def test_the_docx_has_the_name_the_work_and_the_language_grid() -> None:
    content = cv_docx(full_content(), ARABIC_PERSON, language="en")
    document = open_docx(content)

    title = document.paragraphs[0]
    assert title.style.name == "Title"
    assert "Mohammed Abdullah" in title.text
    assert ARABIC_NAME in title.text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Work experience" in headings
    assert (
        headings.index("Lavapiatti")
        < headings.index("Cuoco di linea")
        < headings.index("Venditore al mercato")
    )
    text = docx_text(document)
    assert f"03/2019 {DASH} 06/2021" in text
    assert "Hotel Eko, Lagos, Nigeria" in text
    assert "Legal status: Protezione sussidiaria, permesso fino al 2030" in text
    grid = next(table for table in document.tables if "Listening" in docx_text_of(table))
    rows = [[cell.text for cell in row.cells] for row in grid.rows]
    assert ["Italian", "B1", "A2", "B1", "A2", "A1"] in rows
    assert ["English", "C1", DASH, DASH, DASH, DASH] in rows
    assert rows[1][1:5] == ["Listening", "Reading", "Spoken interaction", "Spoken production"]
    # A plain Word document: no macros.
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert not any(name.lower().endswith(".bin") for name in package.namelist())
        assert "macroEnabled" not in package.read("[Content_Types].xml").decode()


def docx_text_of(table: Any) -> str:
    return "\n".join(cell.text for row in table.rows for cell in row.cells)


def test_the_docx_is_in_italian_when_asked() -> None:
    text = docx_text(open_docx(cv_docx(full_content(), ETHIOPIC_PERSON, language="it")))

    assert ETHIOPIC_NAME in text
    for italian in ("Lingue", "Lingua madre: Tigrino", "Cittadinanza: Eritrea", "Italiano"):
        assert italian in text
    assert "Legal status" not in text
    assert "Condizione giuridica" not in text


def naughty_content(strings: list[str]) -> dict[str, Any]:
    chunks = [strings[n : n + 11] for n in range(0, len(strings), 11)]
    return cv.parse(
        {
            "include": list(cv.PERSONAL_FIELDS),
            "headline": strings[10],
            "desired_jobs": [{"label": f"1 {strings[11]}"}],
            "work": [
                {
                    "position": f"{n} {chunk[0]}",
                    "employer": chunk[1] if len(chunk) > 1 else "",
                    "town": chunk[2] if len(chunk) > 2 else "",
                    "activities": "\n".join(chunk[3:]),
                    "formal": n % 2 == 0,
                }
                for n, chunk in enumerate(chunks)
            ],
            "education": [{"title": f"1 {strings[12]}", "field": strings[13], "activities": strings[14]}],
            "languages": [{"language": "it", "reading": "A2", "certificates": strings[15]}],
            "digital": {"other": strings[16]},
            "skills": {kind: strings[17 + n] for n, kind in enumerate(cv.SKILL_KINDS)},
            "availability": {"places": strings[21]},
        }
    )


def naughty_strings() -> list[str]:
    return json.loads(BLNS.read_text(encoding="utf-8"))


def test_naughty_strings_render_without_error() -> None:
    strings = naughty_strings()
    content = naughty_content(strings)
    person = cv.Personal(
        given_names="<script>alert(123)</script>",
        family_names="Null",
        native_name=next(s for s in strings if "\u202e" in s),  # a right-to-left override, and more
        email="' OR 1=1 --@example.org",
        address="<img src=x onerror=alert(1)>\x01\x0b\ud800",  # and characters XML cannot hold
        legal_status=strings[40],
    )

    pdf = cv_pdf(content, person, language="it")
    word = cv_docx(content, person, language="en")

    # (The strings include Chinese, Japanese and emoji, which no installed font draws: WeasyPrint
    # then encodes the text in a way pypdf does not read back, so only the pages are counted here;
    # the markup shown as text is checked below, with fonts for every character.)
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 3
    text = docx_text(open_docx(word))
    assert text.startswith("<script>alert(123)</script> Null")
    assert "<img src=x onerror=alert(1)>" in text
    assert "Legal status: +0" in text


def test_markup_written_in_a_cv_is_printed_as_text() -> None:
    markup = [
        s
        for s in naughty_strings()
        if "<" in s and s.isascii() and len(s) <= 50 and "  " not in s and "\t" not in s and s == s.strip()
    ]
    content = cv.parse(
        {"headline": "<b>Cuoco</b>", "work": [{"position": "</p><h1>Cuoco", "activities": "\n".join(markup)}]}
    )
    person = cv.Personal(given_names="<script>alert(123)</script>", family_names="Null")

    text = pdf_text(cv_pdf(content, person, language="en"), "cv-markup.pdf")

    assert "<script>alert(123)</script> Null" in text
    assert "<b>Cuoco</b>" in text
    assert "</p><h1>Cuoco" in text
    lines = set(text.splitlines())
    assert [s for s in markup if s not in lines] == []


def test_a_language_without_a_document_is_refused() -> None:
    with pytest.raises(ValueError, match="No CV document"):
        cv_pdf(cv.empty(), ETHIOPIC_PERSON, language="fr")
    with pytest.raises(ValueError, match="No CV document"):
        cv_docx(cv.empty(), ETHIOPIC_PERSON, language="ar")
