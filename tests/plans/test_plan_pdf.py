"""The plan document for the person: a PDF with Italian beside their language (English, French,
Arabic right to left), what it says, who may download it, and the audit entry it leaves.

Rendering a PDF takes about a second: the tests make few of them."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope
from pypdf import PdfReader

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Site
from percorsi.people import services as people_services
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.models import Goal, Plan, PlanTemplate
from tests.helpers import page_text, shows

ARABIC_NAME = "أمينة يوسف"


def url(site: Site, plan: Plan, lang: str | None = None) -> str:
    address = reverse("plans:plan_pdf", kwargs={"site": site.slug, "plan_id": plan.pk})
    return f"{address}?lang={lang}" if lang is not None else address


def pdf_text(response: Any) -> str:
    content = response.content
    if os.environ.get("PERCORSI_KEEP_PDF"):  # to look at the document: the folder to write it to
        Path(os.environ["PERCORSI_KEEP_PDF"], response["Content-Disposition"].split('"')[1]).write_bytes(
            content
        )
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def embedded_fonts(response: Any) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(response.content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person], operator: User) -> Person:
    person = make_person(site_a, "Amina", "Yusuf", mother_tongue="ar")
    with scope(site=site_a):
        return people_services.person_update(
            person=person, actor=operator, version=person.version, fields={"native_name": ARABIC_NAME}
        )


@pytest.fixture
def plan(site_a: Site, person: Person, operator: User, template_a: PlanTemplate) -> Plan:
    with scope(site=site_a):
        plan = services.plan_start(
            person=person,
            actor=operator,
            started_on=timezone.localdate() - timedelta(days=40),
            template=template_a,
            operator=operator,
        )
        services.goal_add(
            plan=plan,
            actor=operator,
            fields={
                "area": "housing",
                "description": "Trovare una stanza in affitto a Centocelle",
                "owner": "person",
                "target_date": date(2026, 12, 31),
            },
        )
        services.appointment_add(
            person=person,
            actor=operator,
            fields={
                "starts_at": timezone.now() + timedelta(days=3),
                "place": "Sportello lavoro, stanza 2",
                "operator": operator,
                "interpreter_needed": True,
                "interpreter_language": "ar",
                "reason": "Preparare il curriculum",
            },
        )
        # Booked a week ago for three days ago: past, so not among the next ones.
        services.appointment_add(
            person=person,
            actor=operator,
            fields={"starts_at": timezone.now() - timedelta(days=3), "reason": "Colloquio di ieri l'altro"},
            now=timezone.now() - timedelta(days=7),
        )
    return plan


def document_text(language: str, message: str) -> str:
    """A fixed text of the document as the catalogue of `language` has it."""
    with translation.override(language):
        return translation.pgettext("plan document", message)


def test_the_document_is_in_arabic_beside_italian_by_default_for_an_arabic_speaker(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan
) -> None:
    response = client_for("operator_a").get(url(site_a, plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # A name without personal data, and no copy kept by a browser or a proxy.
    assert response["Content-Disposition"] == f'attachment; filename="piano-{plan.pk}-ar.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response)
    assert "Amina Yusuf" in text
    assert ARABIC_NAME in text  # the name in the person's own script
    assert "الأهداف" in text  # "Goals"
    assert document_text("ar", "Goals") == "الأهداف"
    assert document_text("it", "Goals") in text  # the Italian beside it
    with scope(site=site_a):
        goals = list(Goal.objects.filter(plan=plan))
    assert len(goals) > 3
    for goal in goals:
        assert goal.description[:30] in " ".join(text.split())
    # The next appointment, with the interpreter; the past one is not there.
    assert "Preparare il curriculum" in text
    assert document_text("ar", "An interpreter will be there.").rstrip(".") in text
    assert "Colloquio di ieri" not in text
    # The site's address and the operator in charge.
    assert "Via Prenestina 45" in text
    assert "Operator A" in text
    # Arabic drawn with the font made for it, installed by the project's set-up.
    assert any("NotoSansArabic" in font.replace("-", "") for font in embedded_fonts(response))

    entry = AuditEntry.objects.get(action="plans.plan.document_downloaded")
    assert (entry.object_id, entry.data) == (str(plan.pk), {"person": plan.person_id, "language": "ar"})


def test_the_document_in_french_has_french_headings_and_statuses(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan
) -> None:
    response = client_for("coordinator_a").get(url(site_a, plan, "fr"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="piano-{plan.pk}-fr.pdf"'
    text = pdf_text(response)
    assert "Objectifs" in text
    assert "Prochains rendez-vous" in text
    assert "prévu" in text  # a goal's status
    assert "الأهداف" not in text
    # Making the document leaves Pillow refusing truncated images (the uploads rely on it).
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_an_unknown_language_is_refused_with_the_languages_there_are(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan
) -> None:
    response = client_for("operator_a").get(url(site_a, plan, "xx"))

    assert response.status_code == 400
    assert shows(
        response,
        "The plan document is not available in this language. Choose one of these; "
        "the Italian text is always beside it.",
    )
    assert "العربية" in page_text(response)  # the languages to choose from
    assert not AuditEntry.objects.filter(action="plans.plan.document_downloaded").exists()


def test_the_plan_page_offers_the_document_in_the_persons_language(
    client_for: Callable[[str], Client], site_a: Site, plan: Plan
) -> None:
    response = client_for("operator_a").get(
        reverse("plans:detail", kwargs={"site": site_a.slug, "plan_id": plan.pk})
    )

    text = page_text(response)
    assert url(site_a, plan).split("?")[0] in text
    assert '<option value="ar" selected>' in text


def test_a_volunteer_may_not_and_another_site_sees_nothing(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, plan: Plan
) -> None:
    assert client_for("volunteer_a").get(url(site_a, plan, "en")).status_code == 403
    assert client_for("operator_b").get(url(site_b, plan, "en")).status_code == 404
    assert not AuditEntry.objects.filter(action="plans.plan.document_downloaded").exists()
    denied = AuditEntry.objects.get(action="plans.plan.accessed")
    assert denied.object_id == str(plan.pk)


def test_a_new_plan_for_a_tigrinya_speaker_is_in_english_with_the_name_in_geez(
    client_for: Callable[[str], Client], site_a: Site, make_person: Callable[..., Person], operator: User
) -> None:
    person = make_person(site_a, "Selam", "Tesfay", nationality="ER", mother_tongue="ti")
    with scope(site=site_a):
        person = people_services.person_update(
            person=person, actor=operator, version=person.version, fields={"native_name": "ሰላም ተስፋይ"}
        )
        plan = services.plan_start(person=person, actor=operator, started_on=timezone.localdate())

    response = client_for("operator_a").get(url(site_a, plan))

    # No Tigrinya translation yet: English beside the Italian, the name in its own script all the same.
    assert response["Content-Disposition"] == f'attachment; filename="piano-{plan.pk}-en.pdf"'
    text = pdf_text(response)
    assert "ሰላም ተስፋይ" in text
    assert "No goals yet." in text
    assert "No appointments booked." in text
    assert any("NotoSansEthiopic" in font.replace("-", "") for font in embedded_fonts(response))
