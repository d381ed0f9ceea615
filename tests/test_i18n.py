"""Translations: every string in the code has an Italian translation, and pages follow the language.

The catalogue test runs `makemessages` on a temporary copy of `src/percorsi`, so the checkout is left
untouched; it fails when someone marks a new string for translation and forgets to translate it
(fix: from `src/percorsi`, `../../.venv/bin/percorsi makemessages -l it -l en --no-obsolete
--add-location file`, translate the new entries of `locale/it/LC_MESSAGES/django.po`, then
`../../.venv/bin/percorsi compilemessages`).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command

import percorsi

PACKAGE_DIR = Path(percorsi.__file__).resolve().parent
ITALIAN_PO = PACKAGE_DIR / "locale" / "it" / "LC_MESSAGES" / "django.po"

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None,
    reason="GNU gettext (msgfmt, xgettext) is not installed",
)


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def describe(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{context}{self.msgid!r}"


def read_po(path: Path) -> dict[tuple[str | None, str], Entry]:
    """The entries of a .po file by (context, msgid); the header and obsolete entries are left out."""
    entries: dict[tuple[str | None, str], Entry] = {}
    fields: dict[str, str] = {}
    flags: set[str] = set()
    last = ""

    def flush() -> None:
        nonlocal fields, flags
        if fields.get("msgid"):
            msgstr = [value for name, value in sorted(fields.items()) if name.startswith("msgstr")]
            entry = Entry(
                msgctxt=fields.get("msgctxt"),
                msgid=fields["msgid"],
                msgid_plural=fields.get("msgid_plural"),
                msgstr=msgstr,
                fuzzy="fuzzy" in flags,
            )
            entries[entry.key] = entry
        fields, flags = {}, set()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            if any(name.startswith("msgstr") for name in fields):
                flush()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith('"'):
            fields[last] += ast.literal_eval(line)
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and any(name.startswith("msgstr") for name in fields):
            flush()
        fields[keyword] = ast.literal_eval(value)
        last = keyword
    flush()
    return entries


@needs_gettext
def test_every_string_in_the_code_is_translated_into_italian(tmp_path, monkeypatch, settings):
    copy = tmp_path / "percorsi"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["it"], no_obsolete=True, add_location="file", verbosity=0)

    in_code = read_po(copy / "locale" / "it" / "LC_MESSAGES" / "django.po")
    committed = read_po(ITALIAN_PO)
    assert in_code, "makemessages found no strings: is the copy of the package empty?"

    missing = [e.describe() for key, e in in_code.items() if key not in committed]
    fuzzy = [committed[key].describe() for key in in_code if key in committed and committed[key].fuzzy]
    empty = [
        committed[key].describe() for key in in_code if key in committed and not all(committed[key].msgstr)
    ]
    plural = [
        e.describe()
        for key, e in in_code.items()
        if key in committed and committed[key].msgid_plural != e.msgid_plural
    ]
    problems = {
        "not in the Italian catalogue": missing,
        "fuzzy": fuzzy,
        "without a translation": empty,
        "with a changed plural": plural,
    }
    report = "\n".join(
        f"{len(found)} string(s) {what}:\n  " + "\n  ".join(found)
        for what, found in problems.items()
        if found
    )
    assert not report, (
        f"{ITALIAN_PO.relative_to(PACKAGE_DIR.parent.parent)} is behind the code.\n{report}\n"
        "Run makemessages (see this module's docstring), translate, and compilemessages."
    )


@needs_gettext
def test_italian_catalogue_is_valid_for_msgfmt(tmp_path):
    # Checks the header (plural forms) and that every python-format translation keeps its placeholders.
    result = subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "--check", "-o", str(tmp_path / "django.mo"), str(ITALIAN_PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_italian_translations_keep_placeholders_and_html_tags():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    tag = re.compile(r"</?[a-zA-Z][^>]*>")
    wrong = []
    for entry in read_po(ITALIAN_PO).values():
        if entry.fuzzy:
            continue  # not used at run time; the catalogue test reports it
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for translation in entry.msgstr:
            if not translation:
                continue
            for pattern in (placeholder, tag):
                if not any(
                    sorted(pattern.findall(s)) == sorted(pattern.findall(translation)) for s in sources
                ):
                    wrong.append(f"{entry.describe()} -> {translation!r}")
    assert not wrong, "Translations that lost or changed a placeholder or a tag:\n  " + "\n  ".join(wrong)


def test_italian_catalogue_header():
    header = ITALIAN_PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: it\\n"' in header
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header
    assert "#, fuzzy" not in header


@pytest.mark.django_db
def test_login_page_is_italian_by_default(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="it">' in html
    assert "Accedi" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_login_page_is_english_with_the_language_cookie(client, settings):
    assert settings.LANGUAGE_COOKIE_NAME == "percorsi_language"
    client.cookies["percorsi_language"] = "en"

    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Accedi" not in html
