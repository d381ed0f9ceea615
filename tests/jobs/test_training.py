"""The training catalogue and the trainings suggested to people (issue 5, item 2): the catalogue and
its filters, a training suggested, enrolled, attended and completed with its certificate (on the
person's work page, the case file's timeline and the plan's goal), and what is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import ngettext, pgettext
from django_scopes import scope, scopes_disabled

from percorsi.accounts.models import User
from percorsi.core.errors import DomainError, StaleEditError
from percorsi.core.models import Site
from percorsi.jobs import training as catalogue
from percorsi.jobs.models import Occupation, Training, TrainingEnrolment
from percorsi.people.models import Person
from percorsi.plans import services as plan_services
from percorsi.plans.models import Intervention
from tests.helpers import form_fields, page_text
from tests.jobs.conftest import said, url
from tests.people.conftest import audit_entries


def new_training(**changes: Any) -> dict[str, Any]:
    """What the desk types for a training of the catalogue."""
    return {
        "title": "Corso HACCP",
        "provider": "CPIA Roma 1",
        "place": "Via Prenestina 45",
        "hours": "12",
        "cost": "0",
        "language_level": "A2",
        "places": "15",
        "is_active": "on",
        **changes,
    }


@pytest.fixture
def make_training(site_a: Site, operator: User) -> Callable[..., Training]:
    def make(title: str = "Corso HACCP", **fields: Any) -> Training:
        fields.setdefault("provider", "CPIA Roma 1")
        with scope(site=site_a):
            return catalogue.training_create(site=site_a, actor=operator, fields={"title": title, **fields})

    return make


def free(response: Any) -> str:
    with translation.override(response["Content-Language"]):
        return pgettext("costs nothing", "free")


def test_a_training_added_to_the_catalogue_shows_in_it(
    site_a: Site, client_for: Callable[[str], Client], cook: Occupation
) -> None:
    client = client_for("volunteer_a")
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = client.post(
        url("training_new", site_a),
        new_training(
            occupation=cook.pk, sector="51", application_deadline=deadline, link="corsi.example.org"
        ),
    )
    assert response.status_code == 302, page_text(response)
    with scopes_disabled():
        training = Training.objects.get()
        assert (training.site, training.occupation, training.sector_id) == (site_a, cook, "51")
        assert training.link == "https://corsi.example.org" and training.cost == 0
    assert response["Location"] == url("training", site_a, training_id=training.pk)
    assert audit_entries("jobs.training.created")
    listing = client.get(url("trainings", site_a))
    text = page_text(listing)
    assert "Corso HACCP" in text and "CPIA Roma 1" in text and free(listing) in text
    assert said(listing, "%(enrolled)s enrolled of %(places)s places", enrolled=0, places=15) in text


def test_the_catalogues_filters(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_training: Callable[..., Training],
    cook: Occupation,
    bricklayer: Occupation,
) -> None:
    today = timezone.localdate()
    make_training("Aiuto cuoco", occupation=cook, cost="350.00", application_deadline=today + timedelta(5))
    make_training("Muratore base", occupation=bricklayer, provider="Scuola Edile")
    make_training("Sicurezza sul lavoro", ends_on=today - timedelta(days=3), starts_on=today - timedelta(9))
    make_training("Pizzaiolo", occupation=cook, application_deadline=today - timedelta(days=1))
    make_training("Carrellista", is_active=False)
    client = client_for("operator_a")

    def titles(**params: str) -> tuple[str, Any]:
        response = client.get(url("trainings", site_a), params)
        assert response.status_code == 200
        text = page_text(response)
        shown = {t for t in ("Aiuto cuoco", "Muratore", "Sicurezza", "Pizzaiolo", "Carrellista") if t in text}
        return shown, response

    # Open for application: in the catalogue, deadline not past, not over. The default.
    assert titles()[0] == {"Aiuto cuoco", "Muratore"}
    assert titles(when="past")[0] == {"Sicurezza"}
    everything, response = titles(when="all")
    assert everything == {"Aiuto cuoco", "Muratore", "Sicurezza", "Pizzaiolo", "Carrellista"}
    text = page_text(response)
    assert said(response, "out of the catalogue") in text  # Carrellista, kept with its history
    with translation.override(response["Content-Language"]):
        assert pgettext("deadline", "past") in text  # Pizzaiolo's deadline is marked
    assert "€ 350.00" in text or "€ 350,00" in text
    assert titles(when="all", q="scuola edile")[0] == {"Muratore"}
    assert titles(when="all", sector="51")[0] == {"Aiuto cuoco", "Pizzaiolo"}
    assert titles(when="nonsense", sector="x1")[0] == {"Aiuto cuoco", "Muratore"}


def test_suggested_enrolled_attending_completed_with_a_certificate(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_training: Callable[..., Training],
    operator: User,
) -> None:
    person = make_person(site_a, "Musa", "Kamara")
    training = make_training("Corso HACCP", hours=12)
    with scope(site=site_a):
        plan = plan_services.plan_start(person=person, actor=operator, started_on=timezone.localdate())
        goal = plan_services.goal_add(
            plan=plan, actor=operator, fields={"area": "work", "description": "Lavorare in cucina"}
        )
    client = client_for("operator_a")

    # From the person's work page: suggest a training of the catalogue, for the plan's goal.
    work = client.get(url("person", site_a, pk=person.pk))
    suggest = url("training_suggest", site_a, pk=person.pk)
    assert suggest in page_text(work)
    assert "Corso HACCP" in page_text(client.get(suggest))
    response = client.post(suggest, {"training": training.pk, "goal": goal.pk})
    assert response.status_code == 302, page_text(response)
    assert response["Location"] == url("person", site_a, pk=person.pk)
    with scopes_disabled():
        enrolment = TrainingEnrolment.objects.get()
        assert (enrolment.person, enrolment.goal, enrolment.status) == (person, goal, "suggested")
        # The desk's work is in the person's log of interventions.
        logged = Intervention.objects.get(person=person)
        assert (logged.service, logged.object_id) == ("job_desk", enrolment.pk)
    work = client.get(url("person", site_a, pk=person.pk))
    assert "Corso HACCP" in page_text(work)
    assert f"<strong>{said(work, 'suggested')}</strong>" in page_text(work)

    # Then enrolled, attending, completed with the certificate, as the person's page's form sends it.
    page = url("training_enrolment", site_a, enrolment_id=enrolment.pk)
    for status, certificate in (("enrolled", False), ("attending", False), ("completed", True)):
        fields = form_fields(client.get(page))
        fields["status"] = status
        if certificate:
            fields["certificate"] = "on"
        response = client.post(page, fields)
        assert response.status_code == 302, page_text(response)
    shown = client.get(page)
    for label in ("suggested", "enrolled", "attending", "completed"):
        assert said(shown, label) in page_text(shown)

    work = client.get(url("person", site_a, pk=person.pk))
    text = page_text(work)
    assert said(work, "completed") in text and said(work, "certificate") in text

    case_file = client.get(f"/s/roma/people/{person.pk}/")
    text = page_text(case_file)
    assert said(case_file, "Training completed: %(title)s", title="Corso HACCP") in text
    assert said(case_file, "with certificate") in text
    assert said(case_file, "Training suggested: %(title)s", title="Corso HACCP") in text

    plan_page = client.get(f"/s/roma/plans/{plan.pk}/")
    completed = said(plan_page, "%(status)s (certificate)", status=said(plan_page, "completed"))
    line = said(plan_page, "Training: %(title)s — %(status)s", title="Corso HACCP", status=completed)
    assert line in page_text(plan_page)

    # The training's page lists the person with the status.
    detail = page_text(client.get(url("training", site_a, training_id=training.pk)))
    assert "Musa" in detail and said(shown, "completed") in detail


def test_a_certificate_only_with_a_completed_training(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_training: Callable[..., Training],
    operator: User,
) -> None:
    person = make_person(site_a, "Awa", "Diallo")
    training = make_training()
    with scope(site=site_a):
        enrolment = catalogue.enrolment_create(person=person, training=training, actor=operator)
    client = client_for("volunteer_a")
    page = url("training_enrolment", site_a, enrolment_id=enrolment.pk)
    fields = form_fields(client.get(page)) | {"status": "attending", "certificate": "on"}
    response = client.post(page, fields)
    assert response.status_code == 400
    message = "A certificate goes with a completed training: choose “completed”, or clear the certificate."
    assert said(response, message) in page_text(response)
    with scopes_disabled():
        unchanged = TrainingEnrolment.objects.get()
        assert (unchanged.status, unchanged.certificate, unchanged.version) == ("suggested", False, 1)


def test_the_same_training_suggested_twice_is_refused(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_training: Callable[..., Training],
) -> None:
    person = make_person(site_a, "Yonas", "Tesfaye")
    training = make_training()
    client = client_for("volunteer_a")

    # From the training's page: find the person, then suggest it.
    found = client.get(url("training", site_a, training_id=training.pk), {"q": "Tesfaye"})
    link = url("training_suggest", site_a, pk=person.pk) + f"?training={training.pk}&amp;back=training"
    assert link in found.content.decode()
    form = client.get(
        url("training_suggest", site_a, pk=person.pk), {"training": training.pk, "back": "training"}
    )
    fields = form_fields(form)
    assert fields["training"] == str(training.pk)
    response = client.post(url("training_suggest", site_a, pk=person.pk), fields)
    assert response["Location"] == url("training", site_a, training_id=training.pk)
    again = client.get(url("training", site_a, training_id=training.pk), {"q": "Tesfaye"})
    assert said(again, "already suggested") in page_text(again)

    response = client.post(url("training_suggest", site_a, pk=person.pk), fields)
    assert response.status_code == 400
    message = (
        "This training was already suggested to this person: change the status of that enrolment instead."
    )
    assert said(response, message) in page_text(response)
    with scopes_disabled():
        assert TrainingEnrolment.objects.count() == 1


def test_a_training_out_of_the_catalogue_is_not_suggested(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_training: Callable[..., Training],
) -> None:
    person = make_person(site_a)
    training = make_training(is_active=False)
    client = client_for("operator_a")
    response = client.post(url("training_suggest", site_a, pk=person.pk), {"training": training.pk})
    assert response.status_code == 400
    with scopes_disabled():
        assert not TrainingEnrolment.objects.exists()


def test_a_stale_edit_is_refused(
    site_a: Site, client_for: Callable[[str], Client], make_training: Callable[..., Training]
) -> None:
    training = make_training(hours=10)
    edit = url("training_edit", site_a, training_id=training.pk)
    first, second = client_for("operator_a"), client_for("volunteer_a")
    mine = form_fields(first.get(edit))
    theirs = form_fields(second.get(edit))
    assert theirs["version"] == "1" and theirs["title"] == "Corso HACCP"
    assert second.post(edit, theirs | {"hours": "20"}).status_code == 302
    response = first.post(edit, mine | {"title": "Corso HACCP base", "is_active": ""})
    assert response.status_code == 400
    with translation.override(response["Content-Language"]):
        assert str(StaleEditError().message) in page_text(response)
    with scopes_disabled():
        saved = Training.objects.get()
        assert (saved.title, saved.hours, saved.is_active, saved.version) == ("Corso HACCP", 20, True, 2)


def test_out_of_the_catalogue_keeps_the_history(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_training: Callable[..., Training],
    operator: User,
) -> None:
    person = make_person(site_a)
    training = make_training()
    with scope(site=site_a):
        catalogue.enrolment_create(person=person, training=training, actor=operator)
    client = client_for("operator_a")
    edit = url("training_edit", site_a, training_id=training.pk)
    fields = form_fields(client.get(edit))
    fields.pop("is_active")  # the box cleared
    assert client.post(edit, fields).status_code == 302
    suggest = page_text(client.get(url("training_suggest", site_a, pk=person.pk)))
    assert f'value="{training.pk}"' not in suggest
    work = page_text(client.get(url("person", site_a, pk=person.pk)))
    assert "Corso HACCP" in work


def test_the_teacher_gets_403_and_another_site_404(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_training: Callable[..., Training],
    operator: User,
) -> None:
    person = make_person(site_a)
    training = make_training()
    with scope(site=site_a):
        enrolment = catalogue.enrolment_create(person=person, training=training, actor=operator)
    teacher = client_for("teacher_a")
    assert teacher.get(url("trainings", site_a)).status_code == 403
    assert teacher.get(url("training", site_a, training_id=training.pk)).status_code == 403
    other = client_for("operator_b")
    assert other.get(url("training", "vicenza", training_id=training.pk)).status_code == 404
    assert (
        other.post(url("training_edit", "vicenza", training_id=training.pk), new_training()).status_code
        == 404
    )
    assert other.get(url("training_enrolment", "vicenza", enrolment_id=enrolment.pk)).status_code == 404
    assert other.get(url("training", site_a, training_id=training.pk)).status_code == 404
    assert audit_entries("jobs.training.accessed", outcome="denied", site_id=site_a.pk)
    assert audit_entries("jobs.training.enrolment_accessed", outcome="denied", site_id=site_a.pk)
    with scopes_disabled():
        assert Training.objects.get().version == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cost": "-5"}, "cost", "The cost cannot be negative: write 0 for a free training."),
        (
            {"starts_on": "2026-10-10", "ends_on": "2026-10-01"},
            "ends_on",
            "The training cannot end before it starts: check the dates.",
        ),
        (
            {"link": "ftp://corsi.example.org/haccp"},
            "link",
            "The link must be a web address starting with http:// or https://.",
        ),
        (
            {"link": "javascript:alert(1)"},
            "link",
            "The link must be a web address starting with http:// or https://.",
        ),
        ({"sector": "5"}, "sector", "Choose the sector from the list."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    site_a: Site, client_for: Callable[[str], Client], changes: dict[str, str], field: str, message: str
) -> None:
    client = client_for("operator_a")
    response = client.post(url("training_new", site_a), new_training(**changes))
    assert response.status_code == 400
    assert said(response, message) in page_text(response)
    # The message is at the field the user has to correct.
    tag = re.search(rf'<(?:input|select)[^>]*name="{field}"[^>]*>', response.content.decode())
    assert tag is not None and 'aria-invalid="true"' in tag.group(0)
    with scopes_disabled():
        assert not Training.objects.exists()


def test_the_service_refuses_what_the_form_would(
    site_a: Site, operator: User, make_person: Callable[..., Person], make_training: Callable[..., Training]
) -> None:
    with scope(site=site_a):
        for fields in (
            {"cost": "-1"},
            {"link": "ftp://example.org"},
            {"starts_on": timezone.localdate(), "ends_on": timezone.localdate() - timedelta(1)},
        ):
            with pytest.raises(DomainError):
                catalogue.training_create(
                    site=site_a, actor=operator, fields={"title": "X", "provider": "Y", **fields}
                )
        assert not Training.objects.exists()
        person = make_person(site_a)
        training = make_training()
        enrolment = catalogue.enrolment_create(person=person, training=training, actor=operator)
        with pytest.raises(DomainError):
            catalogue.enrolment_update(
                enrolment=enrolment, actor=operator, version=1, fields={"certificate": True}
            )
        with pytest.raises(DomainError):
            catalogue.enrolment_create(person=person, training=training, actor=operator)
        assert TrainingEnrolment.objects.get().version == 1


def test_an_enrolment_takes_a_place_only_while_one_is_free(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_training: Callable[..., Training],
    operator: User,
) -> None:
    training = make_training("Corso carrellisti", places=2)
    people = [make_person(site_a, given, "Kamara") for given in ("Musa", "Awa", "Ibrahim")]
    with scope(site=site_a):
        enrolments = [
            catalogue.enrolment_create(person=person, training=training, actor=operator) for person in people
        ]
    client = client_for("operator_a")

    def enrol(enrolment: TrainingEnrolment) -> Any:
        page = url("training_enrolment", site_a, enrolment_id=enrolment.pk)
        fields = form_fields(client.get(page))
        fields["status"] = "enrolled"
        return client.post(page, fields)

    assert enrol(enrolments[0]).status_code == 302
    assert enrol(enrolments[1]).status_code == 302
    refused = enrol(enrolments[2])
    assert refused.status_code == 400
    with translation.override(refused["Content-Language"]):
        message = ngettext(
            "The training's only place is taken. If the organiser has added places, change their number "
            "in the training first.",
            "All %(places)s places of the training are taken. If the organiser has added places, change "
            "their number in the training first.",
            2,
        ) % {"places": 2}
    assert message in page_text(refused)
    with scopes_disabled():
        assert TrainingEnrolment.objects.get(pk=enrolments[2].pk).status == "suggested"

    # Fewer places than people holding one is refused too; one more place lets the third in.
    edit = url("training_edit", site_a, training_id=training.pk)
    fields = form_fields(client.get(edit))
    refused = client.post(edit, {**fields, "places": "1"})
    assert refused.status_code == 400
    with translation.override(refused["Content-Language"]):
        message = ngettext(
            "%(taken)s person already has a place: the training needs at least %(taken)s.",
            "%(taken)s people already have a place: the training needs at least %(taken)s.",
            2,
        ) % {"taken": 2}
    assert message in page_text(refused)
    assert client.post(edit, {**fields, "places": "3"}).status_code == 302
    assert enrol(enrolments[2]).status_code == 302

    # A dropped enrolment frees its place.
    with scopes_disabled():
        first = TrainingEnrolment.objects.get(pk=enrolments[0].pk)
    with scope(site=site_a):
        catalogue.enrolment_update(
            enrolment=first, actor=operator, version=first.version, fields={"status": "dropped"}
        )
        fourth = catalogue.enrolment_create(
            person=make_person(site_a, "Lamin", "Jallow"), training=training, actor=operator
        )
        catalogue.enrolment_update(
            enrolment=fourth, actor=operator, version=fourth.version, fields={"status": "enrolled"}
        )
