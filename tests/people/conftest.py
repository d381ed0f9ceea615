"""Shared fixtures for the people pages: people made through the services, as an operator would.

`make_person(site, given, family, ...)` opens a case with `services.person_intake`;
`add_status`, `add_document`, `add_note` and `add_notice` add to it through the services too.
Everything runs inside `django_scopes.scope(site=...)`, as a request does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope
from PIL import Image
from pypdf import PdfWriter

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Site
from percorsi.people import services, uploads
from percorsi.people.models import ConfidentialNote, IdentityDocument, LegalStatus, Person, PrivacyNotice
from tests.conftest import Persona


def url(name: str, site: Site | str, **kwargs: Any) -> str:
    """The address of a people page: `url("detail", site_a, pk=1)`."""
    slug = site if isinstance(site, str) else site.slug
    return reverse(f"people:{name}", kwargs={"site": slug, **kwargs})


def audit_entries(action: str, **filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def stored_files(root: Any) -> list[str]:
    """Every file under MEDIA_ROOT, as paths relative to it."""
    base = Path(root)
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())


@pytest.fixture
def operator(personas: dict[str, Persona]) -> User:
    return personas["operator_a"].user


@pytest.fixture
def make_person(personas: dict[str, Persona]) -> Callable[..., Person]:
    """Open a case through the intake service, by the site's operator unless `actor` is given."""
    operators = {"roma": personas["operator_a"].user, "vicenza": personas["operator_b"].user}

    def make(
        site: Site,
        given_names: str = "Amina",
        family_names: str = "Yusuf",
        *,
        sex: str = "F",
        birth_date: date | None = date(1995, 3, 4),
        birth_date_precision: str = "exact",
        nationality: str = "SO",
        phone: str = "",
        mother_tongue: str = "so",
        arrival_date: date | None = None,
        actor: User | None = None,
    ) -> Person:
        with scope(site=site):
            return services.person_intake(
                site=site,
                actor=actor or operators[site.slug],
                data=services.IntakeData(
                    given_names=given_names,
                    family_names=family_names,
                    sex=sex,
                    birth_date=birth_date,
                    birth_date_precision=birth_date_precision,
                    nationality=nationality,
                    phone=phone,
                    mother_tongue=mother_tongue,
                    arrival_date=arrival_date,
                    arrival_date_precision="exact",
                ),
            )

    return make


@pytest.fixture
def add_status(operator: User) -> Callable[..., LegalStatus]:
    def add(person: Person, **fields: Any) -> LegalStatus:
        fields.setdefault("status", "asylum_seeker")
        with scope(site=person.site):
            return services.legal_status_add(person=person, actor=operator, fields=fields)

    return add


@pytest.fixture
def add_document(operator: User) -> Callable[..., IdentityDocument]:
    def add(person: Person, *, scan: bytes | None = None, **fields: Any) -> IdentityDocument:
        fields.setdefault("kind", "passport")
        clean = None
        if scan is not None:
            clean = uploads.clean_upload(SimpleUploadedFile("scan", scan))
        with scope(site=person.site):
            return services.document_add(person=person, actor=operator, fields=fields, scan=clean)

    return add


@pytest.fixture
def add_note(operator: User) -> Callable[..., ConfidentialNote]:
    def add(person: Person, text: str, category: str = "health") -> ConfidentialNote:
        with scope(site=person.site):
            return services.note_add(person=person, actor=operator, category=category, text=text)

    return add


@pytest.fixture
def add_notice(operator: User) -> Callable[..., PrivacyNotice]:
    def add(
        person: Person,
        given_on: date,
        purposes: tuple[str, ...] = ("case_management",),
        interpreter: str = "",
    ) -> PrivacyNotice:
        with scope(site=person.site):
            return services.privacy_notice_add(
                person=person,
                actor=operator,
                given_on=given_on,
                language="so",
                interpreter=interpreter,
                purposes=purposes,
            )

    return add


class _FormReader(HTMLParser):
    """The fields of every form of a page, with the values a browser would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                self._form.setdefault(a["name"], [])
                return
            self._form.setdefault(a["name"], []).append(
                a.get("value", "on" if a.get("type") == "checkbox" else "")
            )
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.setdefault(self._select, [])
        elif tag == "option" and self._select is not None and "selected" in a:
            self._form[self._select].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # The browser drops the one newline that follows <textarea>.
            self._form[self._textarea] = ["".join(self._text).removeprefix("\n")]
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def form_fields(response: Any, field: str) -> dict[str, Any]:
    """What the form that holds `field` would send as it stands (a "tab" open on the page).

    Single values as strings, several (a multiple select) as lists; empty checkboxes left out."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    for form in reader.forms:
        if field in form:
            return {
                name: values[0] if len(values) == 1 else values
                for name, values in form.items()
                if values and name != "csrfmiddlewaretoken"
            }
    raise AssertionError(f"No form with the field {field!r} on the page")
