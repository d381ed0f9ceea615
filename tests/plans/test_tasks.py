"""Tasks for the staff: added about a person, a goal or neither, done and opened again, past their
date; the operator's own list and the site's for coordinators; what other roles and sites get."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Site
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.models import Plan, PlanTemplate, Task
from tests.conftest import Persona
from tests.helpers import page_text, shows

STALE = (
    "Someone else changed this record after you opened it. Your changes were not saved: "
    "reload the page to see the current version, then make your changes again."
)


def url(name: str, site: Site, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"site": site.slug, **kwargs})


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def operator_client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Amina", "Yusuf")


@pytest.fixture
def add_task(site_a: Site, operator: User) -> Callable[..., Task]:
    """A task through the service; `today` set in the past makes a task that is now overdue."""

    def add(
        title: str,
        due_on: date,
        assignee: User | None = None,
        *,
        person: Person | None = None,
        today: date | None = None,
        **fields: Any,
    ) -> Task:
        with scope(site=site_a):
            return services.task_add(
                site=site_a,
                actor=operator,
                fields={"title": title, "due_on": due_on, "assignee": assignee or operator, **fields},
                person=person,
                today=today,
            )

    return add


def test_an_operator_adds_a_task_and_finds_it_in_their_list(
    operator_client: Client, site_a: Site, operator: User
) -> None:
    add = url("task_add", site_a)
    assert operator_client.get(add).status_code == 200
    response = operator_client.post(
        add,
        {
            "title": "Chiamare il Centro per l'Impiego",
            "due_on": in_days(3).isoformat(),
            "assignee": operator.pk,
            "notes": "Chiedere della DID",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("tasks", site_a)
    assert shows(response, "The task was added.")
    assert "Chiamare il Centro per l'Impiego" in page_text(response)
    with scope(site=site_a):
        task = Task.objects.get()
    assert (task.due_on, task.assignee, task.person) == (in_days(3), operator, None)
    entry = AuditEntry.objects.get(action="plans.task.added")
    assert entry.data == {"person": None, "goal": None, "assignee": operator.pk}


def test_a_task_about_a_person_and_one_of_their_goals(
    operator_client: Client,
    site_a: Site,
    person: Person,
    operator: User,
    template_a: PlanTemplate,
    make_person: Callable[..., Person],
) -> None:
    with scope(site=site_a):
        plan: Plan = services.plan_start(
            person=person, actor=operator, started_on=timezone.localdate(), template=template_a
        )
        goal = plan.goals.order_by("pk").first()
    case_file = operator_client.get(reverse("people:detail", args=[site_a.slug, person.pk]))
    add = url("task_add", site_a) + f"?person={person.pk}"
    assert add in page_text(case_file).replace("&amp;", "&")
    form = operator_client.get(add)
    assert goal.description in page_text(form)
    response = operator_client.post(
        add,
        {
            "title": "Iscrizione al CPIA",
            "due_on": in_days(7).isoformat(),
            "assignee": operator.pk,
            "goal": goal.pk,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[site_a.slug, person.pk])
    assert "Iscrizione al CPIA" in page_text(response)  # on the case file
    with scope(site=site_a):
        task = Task.objects.get()
    assert (task.person, task.goal) == (person, goal)
    # Another person's goal is not a choice.
    other = make_person(site_a, "Mamadou", "Diallo", sex="M", nationality="GN")
    refused = operator_client.post(
        url("task_add", site_a) + f"?person={other.pk}",
        {"title": "Altro", "due_on": in_days(7).isoformat(), "assignee": operator.pk, "goal": goal.pk},
    )
    assert refused.status_code == 400
    assert 'id="id_goal_error"' in refused.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "   "}, "title", None),
        ({"due_on": "2026-02-30"}, "due_on", None),
        ({"due_on": "PAST"}, "due_on", "The due date is already past."),
        ({"assignee": "VOLUNTEER"}, "assignee", None),
        ({"assignee": ""}, "assignee", None),
        ({"title": "x" * 201}, "title", None),
    ],
)
def test_bad_input_is_a_message_and_no_task(
    operator_client: Client,
    site_a: Site,
    operator: User,
    personas: dict[str, Persona],
    data: dict[str, str],
    field: str,
    message: str | None,
) -> None:
    values = {"title": "Telefonare", "due_on": in_days(1).isoformat(), "assignee": operator.pk, **data}
    if values["due_on"] == "PAST":
        values["due_on"] = in_days(-1).isoformat()
    if values["assignee"] == "VOLUNTEER":
        values["assignee"] = personas["volunteer_a"].user.pk
    response = operator_client.post(url("task_add", site_a), values)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    if message:
        assert shows(response, message)
    with scope(site=site_a):
        assert not Task.objects.exists()


def test_done_and_open_again(operator_client: Client, site_a: Site, add_task: Callable[..., Task]) -> None:
    task = add_task("Prenotare la visita", in_days(2))
    tasks = url("tasks", site_a)
    done = operator_client.post(
        url("task_done", site_a, task_id=task.pk), {"version": task.version, "next": tasks}, follow=True
    )
    assert done.redirect_chain[-1][0] == tasks
    assert shows(done, "Task done.")
    assert "Prenotare la visita" not in page_text(done)  # the list shows what is to do
    finished = operator_client.get(tasks, {"state": "done"})
    assert "Prenotare la visita" in page_text(finished)
    # Done twice (a double click) is the same as once.
    with scope(site=site_a):
        task.refresh_from_db()
    assert operator_client.post(url("task_done", site_a, task_id=task.pk), {"version": 1}).status_code == 302
    assert AuditEntry.objects.filter(action="plans.task.done").count() == 1
    reopened = operator_client.post(
        url("task_reopen", site_a, task_id=task.pk), {"version": task.version}, follow=True
    )
    assert shows(reopened, "The task is open again.")
    assert "Prenotare la visita" in page_text(reopened)
    with scope(site=site_a):
        task.refresh_from_db()
    assert task.done_at is None
    assert AuditEntry.objects.filter(action="plans.task.reopened", object_id=str(task.pk)).exists()


def test_tasks_past_their_date_come_first_and_can_be_listed_alone(
    operator_client: Client, site_a: Site, add_task: Callable[..., Task]
) -> None:
    add_task("Compito futuro", in_days(5))
    add_task("Compito scaduto", in_days(-3), today=in_days(-10))
    add_task("Compito di oggi", in_days(0))
    listing = operator_client.get(url("tasks", site_a))
    text = page_text(listing)
    assert text.index("Compito scaduto") < text.index("Compito di oggi") < text.index("Compito futuro")
    assert shows(listing, "past its date")
    overdue = page_text(operator_client.get(url("tasks", site_a), {"state": "overdue"}))
    assert "Compito scaduto" in overdue
    assert "Compito futuro" not in overdue and "Compito di oggi" not in overdue


def test_an_operator_starts_from_their_tasks_a_coordinator_from_the_site(
    client_for: Callable[[str], Client],
    site_a: Site,
    personas: dict[str, Persona],
    add_task: Callable[..., Task],
) -> None:
    coordinator = personas["coordinator_a"].user
    add_task("Compito dell'operatore", in_days(1))
    add_task("Compito della coordinatrice", in_days(1), coordinator)
    mine = page_text(client_for("operator_a").get(url("tasks", site_a)))
    assert "Compito dell'operatore" in mine and "Compito della coordinatrice" not in mine
    everyone = page_text(client_for("coordinator_a").get(url("tasks", site_a)))
    assert "Compito dell'operatore" in everyone and "Compito della coordinatrice" in everyone
    theirs = page_text(client_for("operator_a").get(url("tasks", site_a), {"assignee": coordinator.pk}))
    assert "Compito della coordinatrice" in theirs and "Compito dell'operatore" not in theirs
    bad = client_for("operator_a").get(url("tasks", site_a), {"assignee": "999999", "state": "soon"})
    assert bad.status_code == 400
    assert "Compito" not in page_text(bad)


def test_changing_a_task_and_a_stale_form(
    operator_client: Client, site_a: Site, operator: User, add_task: Callable[..., Task]
) -> None:
    task = add_task("Telefonare al proprietario", in_days(2))
    edit = url("task_edit", site_a, task_id=task.pk)
    form = {
        "title": "Telefonare all'agenzia",
        "due_on": in_days(4).isoformat(),
        "assignee": operator.pk,
        "version": 1,
    }
    assert operator_client.post(edit, form).status_code == 302
    stale = operator_client.post(edit, {**form, "notes": "Dopo le 15"})
    assert stale.status_code == 400
    assert shows(stale, STALE)
    assert "Dopo le 15" in page_text(stale)
    with scope(site=site_a):
        task.refresh_from_db()
    assert (task.title, task.due_on, task.notes) == ("Telefonare all'agenzia", in_days(4), "")
    assert AuditEntry.objects.get(action="plans.task.updated").data["fields"] == "due_on,title"
    # A task already past its date can still be corrected, as long as its date does not change.
    late = add_task("Scaduto", in_days(-2), today=in_days(-5))
    late_edit = url("task_edit", site_a, task_id=late.pk)
    kept = {
        "title": "Scaduto, da rifare",
        "due_on": in_days(-2).isoformat(),
        "assignee": operator.pk,
        "version": 1,
    }
    assert operator_client.post(late_edit, kept).status_code == 302


def test_roles_and_sites(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, add_task: Callable[..., Task]
) -> None:
    task = add_task("Compito di Roma", in_days(1))
    volunteer = client_for("volunteer_a")
    assert volunteer.get(url("tasks", site_a)).status_code == 403
    assert volunteer.get(url("task_add", site_a)).status_code == 403
    assert volunteer.post(url("task_done", site_a, task_id=task.pk)).status_code == 403
    teacher = client_for("teacher_a")
    assert teacher.get(url("tasks", site_a)).status_code == 403
    vicenza = client_for("operator_b")
    assert "Compito di Roma" not in page_text(vicenza.get(url("tasks", site_b), {"assignee": ""}))
    assert vicenza.get(url("task_edit", site_b, task_id=task.pk)).status_code == 404
    assert vicenza.post(url("task_done", site_b, task_id=task.pk)).status_code == 404
    assert vicenza.get(url("tasks", site_a)).status_code == 404
    with scope(site=site_a):
        task.refresh_from_db()
    assert task.done_at is None
    assert (
        AuditEntry.objects.filter(action="plans.task.accessed", outcome="denied", site_id=site_a.pk).count()
        == 2
    )


def test_the_task_list_has_a_fixed_number_of_queries(
    client_for: Callable[[str], Client],
    site_a: Site,
    make_person: Callable[..., Person],
    add_task: Callable[..., Task],
) -> None:
    coordinator = client_for("coordinator_a")

    def count() -> int:
        coordinator.get(url("tasks", site_a), {"state": "all", "assignee": ""})
        with CaptureQueriesContext(connection) as context:
            assert coordinator.get(url("tasks", site_a), {"state": "all", "assignee": ""}).status_code == 200
        return len(context.captured_queries)

    add_task("Primo", in_days(1))
    few = count()
    for n in range(30):
        someone = make_person(site_a, f"Persona{n}", "Rossi", birth_date=date(1990, 1, 1) + timedelta(n))
        add_task(f"Compito {n}", in_days(n % 5), person=someone)
    assert count() == few
    assert few <= 15
