"""Qualifications earned abroad and their recognition (issue 5, item 3): the procedure by route with
its steps, costs and outcome, the site's list, the case file's timeline and the stalled reminder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_scopes import scope, scopes_disabled

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Site
from percorsi.jobs import recognition
from percorsi.jobs.models import Qualification, RecognitionProcedure, RecognitionStep
from percorsi.people.models import Person
from percorsi.people.reference import country_name
from percorsi.plans import reminders
from percorsi.plans.models import Intervention, Notification
from tests.helpers import form_fields, page_text
from tests.jobs.conftest import said, url


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def euros(response: Any, amount: str) -> str:
    """An amount as the page writes it, in the page's language."""
    with translation.override(response["Content-Language"]):
        return formats.number_format(Decimal(amount), 2)


def steps_of(procedure: RecognitionProcedure) -> list[RecognitionStep]:
    with scopes_disabled():
        return list(RecognitionStep.objects.filter(procedure=procedure).order_by("position", "pk"))


def fresh(procedure: RecognitionProcedure) -> RecognitionProcedure:
    with scopes_disabled():
        return RecognitionProcedure.objects.get(pk=procedure.pk)


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person], operator: User) -> Person:
    person = make_person(site_a, "Yonas", "Tesfaye", sex="M", nationality="ER")
    with scope(site=site_a):
        person.operator = operator
        person.save()
    return person


@pytest.fixture
def start(site_a: Site, operator: User) -> Callable[..., RecognitionProcedure]:
    """A qualification of the person and a procedure for it, through the services."""

    def make(
        person: Person, *, route: str = "cimea", follower: User | None = operator
    ) -> RecognitionProcedure:
        with scope(site=site_a):
            qualification = recognition.qualification_add(
                person=person,
                actor=operator,
                fields={"title": "Laurea in Economia", "level": "bachelor", "documents": ["copy"]},
            )
            return recognition.recognition_start(
                qualification=qualification, actor=operator, route=route, operator=follower
            )

    return make


def test_a_qualification_recognised_through_cimea_step_by_step(
    site_a: Site, client_for: Callable[[str], Client], person: Person, operator: User
) -> None:
    client = client_for("operator_a")
    work = client.get(url("person", site_a, pk=person.pk))
    assert said(work, "No qualifications recorded.") in page_text(work)

    # The qualification, as the person describes it.
    response = client.post(
        url("qualification_new", site_a, pk=person.pk),
        {
            "title": "Laurea in Ingegneria civile",
            "level": "bachelor",
            "field": "Ingegneria",
            "country": "ER",
            "institution": "Eritrea Institute of Technology",
            "year": "2015",
            "documents": ["copy", "transcript"],
        },
    )
    assert response.status_code == 302, page_text(response)
    assert response["Location"] == url("person", site_a, pk=person.pk)
    with scopes_disabled():
        qualification = Qualification.objects.get(person=person)
    assert qualification.documents == ["copy", "transcript"]
    work = client.get(url("person", site_a, pk=person.pk))
    with translation.override(work["Content-Language"]):
        eritrea = country_name("ER")
    assert "Laurea in Ingegneria civile" in page_text(work) and eritrea in page_text(work)

    # A CIMEA statement of comparability: its usual steps, in order, to do.
    form = client.get(url("recognition_new", site_a, qualification_id=qualification.pk))
    fields = form_fields(form) | {"route": "cimea", "started_on": days(-10).isoformat()}
    response = client.post(url("recognition_new", site_a, qualification_id=qualification.pk), fields)
    assert response.status_code == 302, page_text(response)
    with scopes_disabled():
        procedure = RecognitionProcedure.objects.get(qualification=qualification)
    assert response["Location"] == url("recognition", site_a, procedure_id=procedure.pk)
    assert procedure.operator_id == operator.pk and procedure.is_open
    assert [(s.kind, s.status) for s in steps_of(procedure)] == [
        ("documents", "to_do"),
        ("application", "to_do"),
        ("outcome", "to_do"),
    ]

    # A step done needs its date: refused, nothing changed; then done, with its cost.
    documents_step, application_step, _outcome = steps_of(procedure)
    step_url = url("recognition_step", site_a, procedure_id=procedure.pk, step_id=documents_step.pk)
    fields = form_fields(client.get(step_url)) | {"status": "done", "cost": "16.00"}
    refused = client.post(step_url, fields)
    assert refused.status_code == 400
    assert said(refused, "A step done needs the date it was done.") in page_text(refused)
    assert steps_of(procedure)[0].status == "to_do"
    done = client.post(step_url, fields | {"done_on": days(-2).isoformat()})
    assert done.status_code == 302, page_text(done)
    step_url = url("recognition_step", site_a, procedure_id=procedure.pk, step_id=application_step.pk)
    fields = form_fields(client.get(step_url)) | {
        "status": "in_progress",
        "cost": "24.50",
        "documents": "Domanda sul portale CIMEA",
    }
    assert client.post(step_url, fields).status_code == 302

    # The costs are summed; the step being worked on is the current one.
    page = client.get(url("recognition", site_a, procedure_id=procedure.pk))
    assert f"€ {euros(page, '40.50')}" in page_text(page)
    assert "Domanda sul portale CIMEA" in page_text(page)
    listed = client.get(url("recognitions", site_a))
    assert "Laurea in Ingegneria civile" in page_text(listed)

    # The outcome closes the procedure; the outcome step is done on its date.
    outcome_url = url("recognition_outcome", site_a, procedure_id=procedure.pk)
    fields = form_fields(client.get(outcome_url)) | {
        "outcome": "recognised",
        "outcome_on": days(-1).isoformat(),
        "outcome_note": "Comparabile a una laurea triennale italiana",
    }
    response = client.post(outcome_url, fields)
    assert response.status_code == 302, page_text(response)
    closed = fresh(procedure)
    assert not closed.is_open and closed.outcome_on == days(-1)
    assert [(s.status, s.done_on) for s in steps_of(procedure)][2] == ("done", days(-1))

    work = client.get(url("person", site_a, pk=person.pk))
    assert said(work, "recognised") in page_text(work)
    assert "Comparabile a una laurea triennale italiana" in page_text(work)
    listed = client.get(url("recognitions", site_a))
    assert "Laurea in Ingegneria civile" not in page_text(listed)

    # The case file's timeline, and the desk's work in the person's log of interventions.
    case_file = client.get(f"/s/roma/people/{person.pk}/")
    text = page_text(case_file)
    assert (
        said(case_file, "Recognition started: %(qualification)s", qualification="Laurea in Ingegneria civile")
        in text
    )
    assert said(case_file, "Recognition outcome: %(outcome)s", outcome=said(case_file, "recognised")) in text
    with scopes_disabled():
        assert Intervention.objects.filter(person=person, service="job_desk").count() == 2


def test_without_documents_the_eqpr_is_suggested_and_no_document_excludes_the_others(
    site_a: Site, client_for: Callable[[str], Client], person: Person
) -> None:
    client = client_for("volunteer_a")
    new = url("qualification_new", site_a, pk=person.pk)
    fields = {"title": "Diploma di scuola superiore", "level": "upper_secondary", "year": "2012"}
    refused = client.post(new, fields | {"documents": ["none", "copy"]})
    assert refused.status_code == 400
    assert said(
        refused, "“No document” excludes the others: tick either it or the documents the person holds."
    ) in page_text(refused)
    with scopes_disabled():
        assert not Qualification.objects.exists()

    assert client.post(new, fields | {"documents": ["none"]}).status_code == 302
    with scopes_disabled():
        qualification = Qualification.objects.get()
    form = client.get(url("recognition_new", site_a, qualification_id=qualification.pk))
    assert said(
        form,
        "The person holds no document of this qualification: the European Qualifications Passport for "
        "Refugees is the route to suggest (a questionnaire and an interview assess the qualification "
        "without documents; the passport is valid for 5 years).",
    ) in page_text(form)
    assert form_fields(form)["route"] == "eqpr"
    response = client.post(
        url("recognition_new", site_a, qualification_id=qualification.pk), form_fields(form)
    )
    assert response.status_code == 302
    with scopes_disabled():
        procedure = RecognitionProcedure.objects.get()
    assert [s.kind for s in steps_of(procedure)] == ["documents", "questionnaire", "outcome"]


def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    site_a: Site,
    client_for: Callable[[str], Client],
    person: Person,
    start: Callable[..., RecognitionProcedure],
) -> None:
    client = client_for("operator_a")
    year = timezone.localdate().year

    # A year in the future.
    refused = client.post(
        url("qualification_new", site_a, pk=person.pk),
        {"title": "Diploma", "level": "upper_secondary", "year": "3000"},
    )
    assert refused.status_code == 400
    assert said(refused, "Write a year from %(first)s to %(last)s.", first=1900, last=year) in page_text(
        refused
    )
    with scopes_disabled():
        assert not Qualification.objects.exists()

    procedure = start(person)
    qualification = procedure.qualification
    edit = url("qualification_edit", site_a, qualification_id=qualification.pk)
    opened = form_fields(client.get(edit))
    refused = client.post(edit, opened | {"year": "3000"})
    assert refused.status_code == 400
    # Saved by someone else meanwhile: the form opened before is stale.
    assert client.post(edit, opened | {"year": "2010"}).status_code == 302
    stale = client.post(edit, opened | {"title": "Altro titolo"})
    assert stale.status_code == 400
    assert said(
        stale,
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again.",
    ) in page_text(stale)
    with scopes_disabled():
        saved = Qualification.objects.get(pk=qualification.pk)
    assert (saved.title, saved.year, saved.version) == ("Laurea in Economia", 2010, 2)

    # A negative cost.
    step = steps_of(procedure)[0]
    step_url = url("recognition_step", site_a, procedure_id=procedure.pk, step_id=step.pk)
    refused = client.post(step_url, form_fields(client.get(step_url)) | {"cost": "-5"})
    assert refused.status_code == 400
    assert said(refused, "The cost cannot be negative: write 0 for a free step.") in page_text(refused)
    assert steps_of(procedure)[0].cost is None and steps_of(procedure)[0].version == 1

    # An outcome dated in the future.
    outcome_url = url("recognition_outcome", site_a, procedure_id=procedure.pk)
    fields = form_fields(client.get(outcome_url)) | {"outcome": "refused", "outcome_on": days(3).isoformat()}
    refused = client.post(outcome_url, fields)
    assert refused.status_code == 400
    assert said(refused, "The outcome cannot be dated in the future.") in page_text(refused)
    assert fresh(procedure).is_open and fresh(procedure).version == 1


def test_steps_are_added_before_the_outcome_and_removed_when_recorded_by_mistake(
    site_a: Site,
    client_for: Callable[[str], Client],
    person: Person,
    start: Callable[..., RecognitionProcedure],
) -> None:
    procedure = start(person, route="equivalence")
    client = client_for("operator_a")
    add = url("recognition_step_add", site_a, procedure_id=procedure.pk)
    refused = client.post(add, {"kind": "other"})
    assert refused.status_code == 400
    assert said(refused, "Say what this step is in the notes.") in page_text(refused)
    assert client.post(add, {"kind": "more_information"}).status_code == 302
    assert client.post(add, {"kind": "other", "notes": "Marca da bollo"}).status_code == 302
    kinds = [s.kind for s in steps_of(procedure)]
    assert kinds == [
        "documents",
        "translation",
        "legalisation",
        "application",
        "more_information",
        "other",
        "outcome",
    ]
    legalisation = steps_of(procedure)[2]
    response = client.post(
        url("recognition_step_remove", site_a, procedure_id=procedure.pk, step_id=legalisation.pk)
    )
    assert response.status_code == 302
    assert "legalisation" not in [s.kind for s in steps_of(procedure)]
    page = client.get(url("recognition", site_a, procedure_id=procedure.pk))
    assert "Marca da bollo" in page_text(page)


def test_a_procedure_with_no_change_for_30_days_is_reminded_once_and_listed_first(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    person: Person,
    operator: User,
    personas: dict[str, Any],
    start: Callable[..., RecognitionProcedure],
) -> None:
    stalled = start(person)
    other = make_person(site_a, "Awa", "Diallo")
    recent = start(other, route="eqpr")
    nobody = start(
        make_person(site_a, "Musa", "Kamara", sex="M"), route="declaration_of_value", follower=None
    )
    with scopes_disabled():
        for procedure in (stalled, nobody):
            RecognitionProcedure.objects.filter(pk=procedure.pk).update(last_activity_on=days(-31))
            RecognitionStep.objects.filter(procedure=procedure).update(changed_on=days(-31))

    def reminded(user: User) -> list[tuple[str, int | None]]:
        with scopes_disabled():
            return list(Notification.objects.filter(user=user).values_list("kind", "object_id"))

    # The list: the stalled ones first, marked.
    client = client_for("operator_a")
    response = client.get(url("recognitions", site_a))
    listed = page_text(response)
    assert listed.index("Yonas") < listed.index("Musa") < listed.index("Awa")
    assert listed.count(f'<span class="badge bg-warning text-dark">{said(response, "stalled")}</span>') == 2

    # One reminder for whoever follows it (the coordinators when nobody does), however many runs.
    reminders.run()
    reminders.run()
    assert reminded(operator) == [("recognition_stalled", stalled.pk)]
    assert reminded(personas["coordinator_a"].user) == [("recognition_stalled", nobody.pk)]
    assert recent.pk not in [pk for _kind, pk in reminded(operator)]
    # The reminders page says whose and since when, and links to the procedure.
    page = client.get(reverse("plans:notifications", kwargs={"site": site_a.slug}))
    line = said(
        page,
        "The recognition of a qualification of %(name)s has not moved since %(day)s",
        name=person.full_name,
        day=days(-31).strftime("%d/%m/%Y"),
    )
    assert line in page_text(page)
    assert f'href="{url("recognition", site_a, procedure_id=stalled.pk)}"' in page_text(page)

    # A change of a step: no longer stalled, nothing new.
    step = steps_of(stalled)[0]
    step_url = url("recognition_step", site_a, procedure_id=stalled.pk, step_id=step.pk)
    fields = form_fields(client.get(step_url)) | {"status": "in_progress"}
    assert client.post(step_url, fields).status_code == 302
    assert fresh(stalled).last_activity_on == timezone.localdate()
    assert steps_of(stalled)[0].changed_on == timezone.localdate()
    assert reminders.run()["roma"].created == 0
    assert reminded(operator) == [("recognition_stalled", stalled.pk)]


def test_another_sites_procedure_is_not_found_and_a_teacher_may_not_see_the_desk(
    site_a: Site,
    client_for: Callable[[str], Client],
    person: Person,
    start: Callable[..., RecognitionProcedure],
) -> None:
    procedure = start(person)
    elsewhere = client_for("operator_b")
    assert elsewhere.get(url("recognition", "vicenza", procedure_id=procedure.pk)).status_code == 404
    assert (
        elsewhere.post(
            url("recognition_outcome", "vicenza", procedure_id=procedure.pk),
            {"outcome": "abandoned", "outcome_on": timezone.localdate().isoformat(), "version": "1"},
        ).status_code
        == 404
    )
    assert fresh(procedure).is_open
    with scopes_disabled():
        assert AuditEntry.objects.filter(
            action="jobs.recognition.accessed", outcome="denied", object_id=str(procedure.pk)
        ).exists()

    teacher = client_for("teacher_a")
    assert teacher.get(url("recognitions", site_a)).status_code == 403
    assert teacher.get(url("recognition", site_a, procedure_id=procedure.pk)).status_code == 403
    response = teacher.post(
        url("qualification_new", site_a, pk=person.pk), {"title": "Diploma", "level": "other"}
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert Qualification.objects.count() == 1
