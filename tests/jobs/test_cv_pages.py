"""The CV at the desk (issue 5, item 4): written in versions, downloaded as PDF, DOCX and Europass
XML, imported from a Europass file; the legal status only when asked for."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scope, scopes_disabled
from lxml import etree

from percorsi.core.models import Site
from percorsi.jobs.cv_documents import DASH
from percorsi.jobs.models import CV, CVVersion
from percorsi.people.models import Person
from tests.helpers import form_fields, page_text
from tests.jobs.conftest import said, url
from tests.people.conftest import audit_entries

DATA = Path(__file__).resolve().parent.parent / "data" / "europass-v3.4"


def edit(client: Client, site: Site, person: Person, **changes: Any) -> Any:
    """Open the editor as a user does, change some fields, save."""
    page = client.get(url("cv_edit", site, pk=person.pk))
    assert page.status_code == 200
    data = form_fields(page)
    data.update(changes)
    return client.post(url("cv_edit", site, pk=person.pk), data)


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Musa", "Kamara")


def test_a_cv_written_at_the_desk_is_kept_in_versions(
    site_a: Site, client_for: Callable[[str], Client], person: Person
) -> None:
    client = client_for("volunteer_a")
    grid = {
        f"languages-0-{skill}": "A2"
        for skill in ("listening", "reading", "spoken_interaction", "spoken_production")
    }
    response = edit(
        client,
        site_a,
        person,
        **{
            "headline": "Aiuto cuoco",
            "work-0-position": "Cuoco",
            "work-0-employer": "Hotel Lagos",
            "work-0-start": "2016",
            "work-0-end": "2019-06",
            "work-0-country": "NG",
            "languages-0-language": "it",
            **grid,
            "languages-0-writing": "A1",
            "driving_licences": "B",
            "note": "Primo colloquio",
        },
    )
    assert response.status_code == 302, page_text(response)
    second = edit(
        client,
        site_a,
        person,
        **{"education-0-title": "Diploma di scuola secondaria", "education-0-level": "upper_secondary"},
    )
    assert second.status_code == 302, page_text(second)
    with scopes_disabled():
        cv = CV.objects.get(person=person)
        assert [v.number for v in cv.versions.all()] == [2, 1]
        assert cv.italian_level == "A1" and cv.licences == ["B"]
        first = cv.versions.get(number=1)
    assert first.content["work"][0]["position"] == "Cuoco" and first.content["education"] == []
    text = page_text(client.get(url("cv", site_a, pk=person.pk)))
    assert "Hotel Lagos" in text and "Diploma di scuola secondaria" in text
    old = page_text(client.get(url("cv", site_a, pk=person.pk) + "?version=1"))
    assert "Diploma di scuola secondaria" not in old and "Primo colloquio" in old
    assert audit_entries("jobs.cv.saved")


def test_a_second_tab_does_not_overwrite_the_first(
    site_a: Site, client_for: Callable[[str], Client], person: Person
) -> None:
    client = client_for("operator_a")
    edit(client, site_a, person, headline="Muratore")
    first_tab = form_fields(client.get(url("cv_edit", site_a, pk=person.pk)))
    second_tab = dict(first_tab)
    client.post(url("cv_edit", site_a, pk=person.pk), {**first_tab, "headline": "Muratore esperto"})
    stale = client.post(url("cv_edit", site_a, pk=person.pk), {**second_tab, "headline": "Carpentiere"})
    assert stale.status_code == 400
    with scopes_disabled():
        assert CV.objects.get(person=person).current.content["headline"] == "Muratore esperto"


def test_bad_dates_are_refused_with_a_message(
    site_a: Site, client_for: Callable[[str], Client], person: Person
) -> None:
    client = client_for("operator_a")
    response = edit(client, site_a, person, **{"work-0-position": "Cuoco", "work-0-start": "marzo 2019"})
    assert response.status_code == 400
    response = edit(
        client, site_a, person, **{"work-0-position": "Cuoco", "work-0-start": "2020", "work-0-end": "2018"}
    )
    assert response.status_code == 400
    where = said(response, "Work experience %(n)s", n=1)
    assert said(response, "%(where)s: the end comes before the start.", where=where) in page_text(response)
    with scopes_disabled():
        assert not CVVersion.objects.exists()


def test_downloads_and_the_legal_status_only_when_asked(
    site_a: Site, client_for: Callable[[str], Client], person: Person, add_status: Any
) -> None:
    add_status(person, status="subsidiary", expires_on=date(2099, 5, 1))
    client = client_for("volunteer_a")
    edit(client, site_a, person, **{"work-0-position": "Cuoco", "work-0-start": "2016"})
    schema = etree.XMLSchema(etree.parse(str(DATA / "EuropassSchema.xsd")))
    xml = client.get(url("cv_download", site_a, pk=person.pk, kind="xml"))
    assert xml["Content-Type"] == "application/xml"
    assert str(person.pk) in xml["Content-Disposition"] and "Kamara" not in xml["Content-Disposition"]
    schema.assertValid(etree.parse(io.BytesIO(xml.content)))
    assert b"2099" not in xml.content  # the permit is not on the CV unless asked
    pdf = client.get(url("cv_download", site_a, pk=person.pk, kind="pdf") + "?language=en")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = client.get(url("cv_download", site_a, pk=person.pk, kind="docx"))
    assert docx.content.startswith(b"PK")
    assert {e.data["format"] for e in audit_entries("jobs.cv.downloaded")} == {"xml", "pdf", "docx"}

    fields = form_fields(client.get(url("cv_edit", site_a, pk=person.pk)))
    chosen = fields.get("include", [])
    fields["include"] = [*(chosen if isinstance(chosen, list) else [chosen]), "legal_status"]
    assert client.post(url("cv_edit", site_a, pk=person.pk), fields).status_code == 302
    xml = client.get(url("cv_download", site_a, pk=person.pk, kind="xml"))
    assert b"2099" in xml.content
    schema.assertValid(etree.parse(io.BytesIO(xml.content)))


def test_an_official_europass_example_imports_and_a_wrong_file_changes_nothing(
    site_a: Site, client_for: Callable[[str], Client], person: Person
) -> None:
    client = client_for("operator_a")
    example = (DATA / "examples" / "Europass_CV_V3.4.0_Example.xml").read_bytes()
    response = client.post(
        url("cv_import", site_a, pk=person.pk), {"file": SimpleUploadedFile("cv.xml", example, "text/xml")}
    )
    assert response.status_code == 302, page_text(response)
    with scopes_disabled():
        cv = CV.objects.get(person=person)
        assert cv.current.number == 1 and cv.current.content["work"]
    with scope(site=site_a):
        person.refresh_from_db()
    assert person.given_names == "Musa"  # the record is not changed by the file
    page = client.post(
        url("cv_import", site_a, pk=person.pk),
        {"file": SimpleUploadedFile("cv.xml", b"<html><body>not a CV</body></html>", "text/xml")},
    )
    assert page.status_code == 400
    with scopes_disabled():
        assert CV.objects.get(person=person).current.number == 1


def test_the_teacher_cannot_open_a_cv_and_another_site_gets_404(
    site_a: Site, client_for: Callable[[str], Client], person: Person
) -> None:
    assert client_for("teacher_a").get(url("cv", site_a, pk=person.pk)).status_code == 403
    assert client_for("operator_b").get(url("cv", "roma", pk=person.pk)).status_code == 404
    assert client_for("operator_b").get(url("cv", "vicenza", pk=person.pk)).status_code == 404


def test_the_cv_page_writes_dates_as_people_read_them(
    site_a: Site, client_for: Callable[[str], Client], person: Person
) -> None:
    client = client_for("volunteer_a")
    response = edit(
        client,
        site_a,
        person,
        **{
            "work-0-position": "Cuoco di linea",
            "work-0-start": "2019-03",
            "work-0-end": "2021-06",
            "education-0-title": "Diploma",
            "education-0-start": "2010",
            "education-0-end": "2014",
        },
    )
    assert response.status_code == 302, page_text(response)
    text = page_text(client.get(url("cv", site_a, pk=person.pk)))
    assert f"03/2019 {DASH} 06/2021" in text and f"2010 {DASH} 2014" in text
    assert "2019-03" not in text
