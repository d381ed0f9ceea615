"""The single log of interventions: quick entry from the case file, the full form, corrections and
removals, the site's list with its filters and emergency share, the XLSX export; what other roles
and sites get."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django_scopes import scope
from openpyxl import load_workbook

from percorsi.accounts.models import User
from percorsi.core.errors import DomainError
from percorsi.core.models import AuditEntry, Site
from percorsi.people.models import Person
from percorsi.plans import interventions, services
from percorsi.plans.models import Intervention, Plan, PlanTemplate
from tests.conftest import Persona
from tests.helpers import italian, page_text, shows

OPENED = date(2025, 9, 1)  # when the cases of these tests were opened


def url(name: str, site: Site, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"site": site.slug, **kwargs})


def case_file(site: Site, person: Person) -> str:
    return reverse("people:detail", kwargs={"site": site.slug, "pk": person.pk})


def opened_on(person: Person, day: date = OPENED) -> Person:
    """A case opened some time ago (intake made it today): the log may go back to that day."""
    with scope(site=person.site):
        Person.objects.filter(pk=person.pk).update(case_opened_on=day)
        person.refresh_from_db()
    return person


@pytest.fixture
def operator_client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return opened_on(make_person(site_a, "Amina", "Yusuf"))


@pytest.fixture
def plan(site_a: Site, person: Person, operator: User, template_a: PlanTemplate) -> Plan:
    with scope(site=site_a):
        return services.plan_start(person=person, actor=operator, started_on=OPENED, template=template_a)


@pytest.fixture
def record(operator: User) -> Callable[..., Intervention]:
    """Log an intervention through the service other parts of Percorsi call."""

    def add(person: Person, **fields: Any) -> Intervention:
        fields.setdefault("service", "legal")
        fields.setdefault("actor", operator)
        with scope(site=person.site):
            return services.record_intervention(person=person, **fields)

    return add


def stored(site: Site, **filters: Any) -> list[Intervention]:
    with scope(site=site):
        return list(Intervention.objects.filter(**filters))


TODAY = timezone.localdate


def quick(**changes: Any) -> dict[str, Any]:
    data = {
        "happened_on": TODAY().isoformat(),
        "service": "housing",
        "kind": "emergency",
        "duration_minutes": "20",
        "notes": "Sfratto annunciato per fine mese",
    }
    return data | changes


# Quick entry and the case file


def test_quick_entry_from_the_case_file_records_it_and_shows_it(
    operator_client: Client, site_a: Site, person: Person, plan: Plan, operator: User
) -> None:
    page = operator_client.get(case_file(site_a, person))
    assert shows(page, "Quick entry")
    assert shows(page, "No interventions recorded yet.")
    add = url("intervention_add", site_a, pk=person.pk)
    assert f'action="{add}"' in page.content.decode()
    with scope(site=site_a):
        goal = plan.goals.order_by("pk").first()

    response = operator_client.post(add, quick(goal=goal.pk))
    assert response.status_code == 302
    assert response["Location"] == case_file(site_a, person) + "#interventions"
    [entry] = stored(site_a, person=person)
    assert (entry.service, entry.kind, entry.duration_minutes) == ("housing", "emergency", 20)
    assert (entry.goal, entry.plan, entry.operator, entry.recorded_by) == (goal, plan, operator, operator)
    assert entry.happened_on == TODAY()

    page = operator_client.get(response["Location"])
    assert shows(page, "The intervention was recorded.")
    text = page_text(page)
    assert "Sfratto annunciato per fine mese" in text
    assert capfirst(italian("housing")) in text
    assert goal.description in text
    # The timeline has it, the emergency marked.
    assert italian("Emergency intervention: %(service)s") % {"service": italian("housing")} in text


def test_a_planned_intervention_on_the_timeline(
    operator_client: Client, site_a: Site, person: Person, record: Callable[..., Intervention]
) -> None:
    record(person, service="job_desk", kind="planned", happened_on=date(2026, 2, 3))
    text = page_text(operator_client.get(case_file(site_a, person)))
    assert italian("Intervention: %(service)s") % {"service": italian("job desk")} in text
    assert italian("planned (part of the plan)") in text


def test_the_case_file_shows_the_last_five(
    operator_client: Client, site_a: Site, person: Person, record: Callable[..., Intervention]
) -> None:
    for day in range(1, 8):
        record(person, happened_on=date(2026, 3, day), outcome=f"esito del {day} marzo")
    text = page_text(operator_client.get(case_file(site_a, person)))
    shown = [day for day in range(1, 8) if f"esito del {day} marzo" in text]
    assert shown == [3, 4, 5, 6, 7]
    assert f"{url('interventions', site_a)}?person={person.pk}" in text


def test_the_full_form_records_who_did_it_and_the_outcome(
    operator_client: Client, site_a: Site, person: Person, personas: dict[str, Persona]
) -> None:
    add = url("intervention_add", site_a, pk=person.pk)
    form = operator_client.get(add)
    assert form.status_code == 200
    coordinator = personas["coordinator_a"].user
    assert str(coordinator) in page_text(form)
    data = quick(kind="planned", operator=coordinator.pk, outcome="Domanda presentata", notes="Lunga nota")
    assert operator_client.post(add, data).status_code == 302
    [entry] = stored(site_a, person=person)
    assert (entry.operator, entry.outcome, entry.kind) == (coordinator, "Domanda presentata", "planned")
    assert entry.plan is None  # no plan yet


def test_the_full_form_offers_the_goals_of_every_plan_of_the_person(
    operator_client: Client, site_a: Site, person: Person, plan: Plan, operator: User
) -> None:
    with scope(site=site_a):
        services.plan_close(
            plan=plan,
            actor=operator,
            version=plan.version,
            outcome="interrupted",
            closed_on=date(2026, 1, 31),
        )
        goal = plan.goals.order_by("pk").first()
    text = page_text(operator_client.get(url("intervention_add", site_a, pk=person.pk)))
    assert italian("Plan from %(day)s") % {"day": "01/09/2025"} in text
    assert goal.description in text
    response = operator_client.post(
        url("intervention_add", site_a, pk=person.pk), quick(happened_on="2026-01-15", goal=goal.pk)
    )
    assert response.status_code == 302
    [entry] = stored(site_a, person=person)
    assert (entry.goal, entry.plan) == (goal, plan)
    # After the plan closed, an entry without a goal belongs to no plan.
    assert operator_client.post(url("intervention_add", site_a, pk=person.pk), quick()).status_code == 302
    assert stored(site_a, person=person, happened_on=TODAY())[0].plan is None


def test_without_a_goal_the_entry_belongs_to_the_plan_running_that_day(
    site_a: Site, person: Person, plan: Plan, record: Callable[..., Intervention]
) -> None:
    assert record(person, happened_on=date(2026, 1, 10)).plan == plan
    assert record(person, happened_on=date(2025, 9, 1)).plan == plan  # the day it started


# Bad input: a message, 400, nothing stored


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"happened_on": "tomorrow"}, "happened_on", "The date cannot be in the future."),
        ({"happened_on": "2025-08-31"}, "happened_on", None),  # before the case was opened
        ({"happened_on": "2026-02-30"}, "happened_on", None),
        ({"duration_minutes": "0"}, "duration_minutes", None),
        ({"duration_minutes": "601"}, "duration_minutes", None),
        ({"duration_minutes": ""}, "duration_minutes", None),
        ({"service": ""}, "service", None),
        ({"service": "astrology"}, "service", None),
        ({"kind": "whim"}, "kind", None),
        ({"notes": "x" * 5001}, "notes", None),
    ],
)
def test_bad_input_is_a_message_and_nothing_is_stored(
    operator_client: Client,
    site_a: Site,
    person: Person,
    changes: dict[str, str],
    field: str,
    message: str | None,
) -> None:
    if changes.get("happened_on") == "tomorrow":
        changes = {"happened_on": (TODAY() + timedelta(days=1)).isoformat()}
    response = operator_client.post(url("intervention_add", site_a, pk=person.pk), quick(**changes))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    if message:
        assert shows(response, message)
    # What was typed is still there.
    assert quick(**changes)["notes"] in page_text(response)
    assert stored(site_a, person=person) == []


def test_a_date_before_the_case_was_opened_says_when_it_was(
    operator_client: Client, site_a: Site, person: Person
) -> None:
    response = operator_client.post(
        url("intervention_add", site_a, pk=person.pk), quick(happened_on="2025-08-31")
    )
    assert response.status_code == 400
    assert "01/09/2025" in page_text(response)


def test_a_goal_of_another_person_is_refused(
    operator_client: Client,
    site_a: Site,
    person: Person,
    make_person: Callable[..., Person],
    operator: User,
    template_a: PlanTemplate,
) -> None:
    other = opened_on(make_person(site_a, "Mamadou", "Diallo"))
    with scope(site=site_a):
        other_plan = services.plan_start(person=other, actor=operator, started_on=OPENED, template=template_a)
        their_goal = other_plan.goals.order_by("pk").first()
    response = operator_client.post(url("intervention_add", site_a, pk=person.pk), quick(goal=their_goal.pk))
    assert response.status_code == 400
    assert 'id="id_goal_error"' in response.content.decode()
    assert stored(site_a) == []
    # The service refuses it too, whoever calls it.
    with scope(site=site_a), pytest.raises(DomainError) as refused:
        services.record_intervention(person=person, actor=operator, service="legal", goal=their_goal)
    assert refused.value.field == "goal"


def test_a_closed_case_takes_no_new_intervention(
    operator_client: Client, site_a: Site, person: Person, operator: User
) -> None:
    from percorsi.people import services as people_services

    with scope(site=site_a):
        people_services.case_status_set(
            person=person,
            actor=operator,
            version=person.version,
            status="closed",
            since=TODAY(),
            closure_reason="autonomy",
        )
    assert not shows(operator_client.get(case_file(site_a, person)), "Quick entry")
    response = operator_client.post(url("intervention_add", site_a, pk=person.pk), quick())
    assert response.status_code == 400
    assert shows(response, "The case is closed: reopen it before recording an intervention.")
    assert stored(site_a) == []


def test_another_sites_person_is_a_404_and_nothing_is_stored(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, person: Person
) -> None:
    client = client_for("operator_b")
    assert client.post(url("intervention_add", site_b, pk=person.pk), quick()).status_code == 404
    assert client.post(url("intervention_add", site_a, pk=person.pk), quick()).status_code == 404
    assert stored(site_a) == []
    assert AuditEntry.objects.filter(
        action="people.person.accessed", outcome="denied", site_id=site_a.pk
    ).exists()


def test_another_sites_intervention_is_a_404_and_audited(
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    person: Person,
    make_person: Callable[..., Person],
    record: Callable[..., Intervention],
) -> None:
    theirs = record(person)
    mine = make_person(site_b, "Luca", "Bianchi")
    client = client_for("operator_b")
    edit = url("intervention_edit", site_b, pk=mine.pk, intervention_id=theirs.pk)
    assert client.get(edit).status_code == 404
    assert client.post(edit, quick(version=1)).status_code == 404
    assert AuditEntry.objects.filter(
        action="plans.intervention.accessed", outcome="denied", site_id=site_a.pk
    ).exists()
    theirs.refresh_from_db()
    assert theirs.service == "legal"


def test_another_persons_intervention_through_this_persons_address_is_a_404(
    operator_client: Client,
    site_a: Site,
    person: Person,
    make_person: Callable[..., Person],
    record: Callable[..., Intervention],
) -> None:
    other = opened_on(make_person(site_a, "Mamadou", "Diallo"))
    entry = record(other)
    assert (
        operator_client.get(
            url("intervention_edit", site_a, pk=person.pk, intervention_id=entry.pk)
        ).status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a", "accountant_a", "auditor_a"])
def test_roles_without_plans_get_403(
    client_for: Callable[[str], Client], site_a: Site, person: Person, persona: str
) -> None:
    client = client_for(persona)
    assert client.get(url("interventions", site_a)).status_code == 403
    assert client.post(url("interventions_export", site_a)).status_code == 403
    assert client.post(url("intervention_add", site_a, pk=person.pk), quick()).status_code == 403
    assert stored(site_a) == []


def test_a_desk_volunteer_sees_no_interventions_on_the_case_file(
    client_for: Callable[[str], Client], site_a: Site, person: Person, record: Callable[..., Intervention]
) -> None:
    record(person, outcome="Permesso rinnovato")
    page = client_for("volunteer_a").get(case_file(site_a, person))
    assert page.status_code == 200
    assert "Permesso rinnovato" not in page_text(page)
    assert not shows(page, "Quick entry")


# Corrections and removals


def test_a_correction_and_a_stale_one(
    client_for: Callable[[str], Client], site_a: Site, person: Person, record: Callable[..., Intervention]
) -> None:
    entry = record(person, happened_on=date(2026, 1, 12), duration_minutes=30, notes="Prima nota")
    edit = url("intervention_edit", site_a, pk=person.pk, intervention_id=entry.pk)
    first, second = client_for("operator_a"), client_for("coordinator_a")
    page = first.get(edit)
    assert "Prima nota" in page_text(page)
    base = {
        "happened_on": "2026-01-12",
        "service": "legal",
        "kind": "planned",
        "duration_minutes": "30",
        "version": entry.version,
    }
    assert first.post(edit, base | {"duration_minutes": "45", "notes": "Corretta"}).status_code == 302
    refused = second.post(edit, base | {"notes": "Scritta in un'altra scheda"})
    assert refused.status_code == 400
    assert shows(
        refused,
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again.",
    )
    assert "Scritta in un'altra scheda" in page_text(refused)
    entry.refresh_from_db()
    assert (entry.duration_minutes, entry.notes, entry.version) == (45, "Corretta", 2)
    audit = AuditEntry.objects.get(action="plans.intervention.updated")
    assert audit.data == {"person": person.pk, "fields": "duration_minutes,notes"}


def test_removing_an_entry_recorded_by_mistake_keeps_it_in_the_history(
    operator_client: Client, site_a: Site, person: Person, record: Callable[..., Intervention]
) -> None:
    entry = record(person, notes="Sulla persona sbagliata")
    remove = url("intervention_remove", site_a, pk=person.pk, intervention_id=entry.pk)
    assert operator_client.get(remove).status_code == 200
    refused = operator_client.post(remove, {"reason": "  "})
    assert refused.status_code == 400
    assert stored(site_a) == [entry]
    response = operator_client.post(remove, {"reason": "Registrato due volte"})
    assert response.status_code == 302
    assert stored(site_a) == []
    with scope(site=site_a):
        last = Intervention.history.filter(id=entry.pk).order_by("history_id").last()
    assert (last.history_type, last.history_change_reason) == ("-", "Registrato due volte")
    audit = AuditEntry.objects.get(action="plans.intervention.removed")
    assert (audit.object_id, audit.data) == (str(entry.pk), {"person": person.pk})


def test_an_entry_made_by_another_part_links_its_object_and_cannot_be_removed_here(
    operator_client: Client, site_a: Site, person: Person, plan: Plan, record: Callable[..., Intervention]
) -> None:
    with scope(site=site_a):
        goal = plan.goals.order_by("pk").first()
    entry = record(person, service="contributions", linked_object=goal)
    assert (entry.content_type.model, entry.object_id) == ("goal", goal.pk)
    audit = AuditEntry.objects.get(action="plans.intervention.added")
    assert audit.data["linked"] == "plans.goal"
    # Its service stays the one of the part that recorded it; the rest can be corrected.
    edit = url("intervention_edit", site_a, pk=person.pk, intervention_id=entry.pk)
    data = {
        "happened_on": TODAY().isoformat(),
        "service": "legal",
        "kind": "emergency",
        "duration_minutes": "15",
    }
    assert operator_client.post(edit, data | {"version": entry.version}).status_code == 302
    entry.refresh_from_db()
    assert (entry.service, entry.kind, entry.duration_minutes) == ("contributions", "emergency", 15)
    remove = url("intervention_remove", site_a, pk=person.pk, intervention_id=entry.pk)
    response = operator_client.post(remove, {"reason": "Per prova"})
    assert response.status_code == 400
    assert shows(
        response, "This intervention was recorded by another part of Percorsi: it cannot be removed here."
    )
    assert stored(site_a) == [entry]


# The site's list


@pytest.fixture
def log(
    site_a: Site,
    person: Person,
    make_person: Callable[..., Person],
    record: Callable[..., Intervention],
    personas: dict[str, Persona],
) -> dict[str, Intervention]:
    """Eight interventions, three of them emergencies, by two people of staff, for two people."""
    other = opened_on(make_person(site_a, "Mamadou", "Diallo"))
    coordinator = personas["coordinator_a"].user
    rows = {
        "a1": record(person, service="legal", kind="emergency", happened_on=date(2026, 1, 5)),
        "a2": record(person, service="legal", kind="planned", happened_on=date(2026, 2, 5)),
        "a3": record(person, service="housing", kind="emergency", happened_on=date(2026, 3, 5)),
        "a4": record(person, service="job_desk", kind="planned", happened_on=date(2026, 4, 5)),
        "b1": record(
            other, service="legal", kind="planned", happened_on=date(2026, 1, 20), operator=coordinator
        ),
        "b2": record(
            other, service="housing", kind="emergency", happened_on=date(2026, 2, 20), operator=coordinator
        ),
        "b3": record(
            other, service="job_desk", kind="planned", happened_on=date(2026, 3, 20), operator=coordinator
        ),
        "b4": record(
            other, service="language", kind="planned", happened_on=date(2026, 4, 20), operator=coordinator
        ),
    }
    for key, entry in rows.items():
        with scope(site=site_a):
            Intervention.objects.filter(pk=entry.pk).update(outcome=f"esito-{key}")
    return rows


def listed(response: Any) -> list[str]:
    text = page_text(response)
    return sorted(key for key in ("a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4") if f"esito-{key}" in text)


def share_text(percent: int) -> str:
    return italian("%(percent)s%% emergency or assistance") % {"percent": percent}


def test_the_list_shows_every_entry_newest_first_with_the_emergency_share(
    operator_client: Client, site_a: Site, log: dict[str, Intervention]
) -> None:
    response = operator_client.get(url("interventions", site_a))
    assert response.status_code == 200
    assert listed(response) == sorted(log)
    text = page_text(response)
    assert text.index("esito-b4") < text.index("esito-a4") < text.index("esito-a1")
    assert share_text(38) in text  # 3 of 8: 37.5%, rounded half up


@pytest.mark.parametrize(
    ("filters", "expected", "percent"),
    [
        ({"service": "legal"}, ["a1", "a2", "b1"], 33),
        ({"kind": "emergency"}, ["a1", "a3", "b2"], 100),
        ({"kind": "planned"}, ["a2", "a4", "b1", "b3", "b4"], 0),
        ({"date_from": "2026-02-01", "date_to": "2026-03-31"}, ["a2", "a3", "b2", "b3"], 50),
        ({"date_from": "2026-04-01"}, ["a4", "b4"], 0),
        ({"service": "housing", "date_to": "2026-02-28"}, ["b2"], 100),
    ],
)
def test_filters_and_the_share_of_the_filtered_set(
    operator_client: Client,
    site_a: Site,
    log: dict[str, Intervention],
    filters: dict[str, str],
    expected: list[str],
    percent: int,
) -> None:
    response = operator_client.get(url("interventions", site_a), filters)
    assert response.status_code == 200
    assert listed(response) == expected
    assert share_text(percent) in page_text(response)


def test_filter_by_operator_and_by_case_number(
    operator_client: Client,
    site_a: Site,
    person: Person,
    log: dict[str, Intervention],
    personas: dict[str, Persona],
) -> None:
    coordinator = personas["coordinator_a"].user
    by_coordinator = operator_client.get(url("interventions", site_a), {"operator": coordinator.pk})
    assert listed(by_coordinator) == ["b1", "b2", "b3", "b4"]
    assert share_text(25) in page_text(by_coordinator)
    by_person = operator_client.get(url("interventions", site_a), {"person": person.pk})
    assert listed(by_person) == ["a1", "a2", "a3", "a4"]
    assert share_text(50) in page_text(by_person)


def test_bad_filters_are_a_message_and_a_400(
    operator_client: Client, site_a: Site, log: dict[str, Intervention]
) -> None:
    response = operator_client.get(
        url("interventions", site_a), {"date_from": "2026-04-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert shows(response, "The end of the period is before its start.")
    assert operator_client.get(url("interventions", site_a), {"person": "abc"}).status_code == 400
    assert operator_client.get(url("interventions", site_a), {"person": "9" * 30}).status_code == 400
    assert listed(operator_client.get(url("interventions", site_a), {"person": 2**63 - 1})) == []
    assert operator_client.get(url("interventions", site_a), {"operator": "999999"}).status_code == 400


def test_another_sites_interventions_are_not_listed(
    client_for: Callable[[str], Client], site_b: Site, log: dict[str, Intervention]
) -> None:
    response = client_for("operator_b").get(url("interventions", site_b))
    assert response.status_code == 200
    assert listed(response) == []


def test_the_list_is_paginated_by_fifty(
    operator_client: Client, site_a: Site, person: Person, record: Callable[..., Intervention]
) -> None:
    for n in range(55):
        record(person, happened_on=OPENED + timedelta(days=n), outcome=f"riga-{n:02d}")
    first = page_text(operator_client.get(url("interventions", site_a), {"service": "legal"}))
    assert "riga-54" in first and "riga-05" in first and "riga-04" not in first
    second = page_text(operator_client.get(url("interventions", site_a), {"service": "legal", "page": 2}))
    assert "riga-04" in second and "riga-05" not in second


def test_the_plans_page_leads_to_the_list(operator_client: Client, site_a: Site) -> None:
    response = operator_client.get(url("list", site_a))
    assert url("interventions", site_a) in response.content.decode()
    assert shows(response, "Interventions of the site")


def test_the_list_is_audited_without_personal_data(
    operator_client: Client, site_a: Site, log: dict[str, Intervention]
) -> None:
    operator_client.get(url("interventions", site_a), {"service": "legal"})
    entry = AuditEntry.objects.get(action="plans.intervention.listed")
    assert entry.data == {"page": 1, "shown": 3, "filtered": True}


# Query budgets


def _queries(client: Client, address: str, params: dict[str, Any] | None = None) -> int:
    client.get(address, params)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as context:
        assert client.get(address, params).status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_with_10_and_60_interventions(
    operator_client: Client,
    site_a: Site,
    person: Person,
    make_person: Callable[..., Person],
    record: Callable[..., Intervention],
    plan: Plan,
) -> None:
    people = [person] + [opened_on(make_person(site_a, f"Nome{n}", f"Cognome{n}")) for n in range(5)]
    with scope(site=site_a):
        goal = plan.goals.order_by("pk").first()
    for n in range(10):
        record(people[n % 6], happened_on=OPENED + timedelta(days=n), goal=goal if n % 6 == 0 else None)
    address = url("interventions", site_a)
    few = _queries(operator_client, address)
    for n in range(50):
        record(people[n % 6], happened_on=OPENED + timedelta(days=n), goal=goal if n % 6 == 0 else None)
    assert _queries(operator_client, address) == few
    assert _queries(operator_client, address, {"page": 2}) == few
    assert few <= 15


def test_the_case_file_costs_the_same_with_few_and_many_interventions(
    operator_client: Client, site_a: Site, person: Person, plan: Plan, record: Callable[..., Intervention]
) -> None:
    with scope(site=site_a):
        goal = plan.goals.order_by("pk").first()
    record(person, goal=goal)
    address = case_file(site_a, person)
    few = _queries(operator_client, address)
    for n in range(30):
        record(person, happened_on=OPENED + timedelta(days=n), goal=goal)
    assert _queries(operator_client, address) == few


# The XLSX export


def _workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"] == interventions.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="interventi-roma-')
    assert "no-store" in response["Cache-Control"]
    return load_workbook(io.BytesIO(response.content)).active


HEADERS = (
    "date",
    "Case number",
    "family names",
    "given names",
    "service",
    "kind",
    "goal it serves",
    "duration (minutes)",
    "operator",
    "outcome",
    "notes",
)


def test_the_export_has_the_filtered_rows_with_italian_headers_and_real_dates(
    operator_client: Client, site_a: Site, person: Person, log: dict[str, Intervention]
) -> None:
    response = operator_client.post(url("interventions_export", site_a), {"service": "legal"})
    sheet = _workbook(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [capfirst(italian(header)) for header in HEADERS]
    assert len(rows) == 4  # the header and the three legal interventions, newest first
    outcomes = [row[9] for row in rows[1:]]
    assert outcomes == ["esito-a2", "esito-b1", "esito-a1"]
    first = rows[1]
    assert isinstance(first[0], datetime)
    assert first[0].date() == date(2026, 2, 5)
    assert sheet["A2"].is_date
    assert (first[1], first[2], first[3]) == (person.pk, "Yusuf", "Amina")
    assert first[4] == italian("legal orientation")
    assert first[5] == italian("planned (part of the plan)")
    audit = AuditEntry.objects.get(action="plans.intervention.exported")
    assert audit.data == {"rows": 3, "filtered": True, "notes": True}


def test_the_export_neutralises_formulas_and_drops_control_characters(
    operator_client: Client, site_a: Site, person: Person, record: Callable[..., Intervention]
) -> None:
    record(person, notes='=HYPERLINK("http://example.com","clic")', outcome="+39 cmd|' /C calc'!A0")
    record(person, notes="prima\x0briga", outcome="@SUM(1,2)", happened_on=OPENED)
    sheet = _workbook(operator_client.post(url("interventions_export", site_a)))
    notes, outcome = sheet["K2"], sheet["J2"]
    assert notes.value == '=HYPERLINK("http://example.com","clic")'
    assert notes.data_type == "s"  # text, not a formula
    assert notes.quotePrefix
    assert outcome.data_type == "s"
    assert outcome.quotePrefix
    assert sheet["K3"].value == "primariga"
    assert sheet["J3"].quotePrefix


def test_the_notes_column_needs_people_sensitive() -> None:
    without = interventions.columns_for(lambda permission: permission != "people:sensitive")
    assert "notes" not in [str(column.header) for column in without]
    assert len(without) == len(interventions.COLUMNS) - 1


def test_coordinators_export_too_and_bad_filters_are_a_400(
    client_for: Callable[[str], Client], site_a: Site, log: dict[str, Intervention]
) -> None:
    coordinator = client_for("coordinator_a")
    sheet = _workbook(coordinator.post(url("interventions_export", site_a), {"kind": "emergency"}))
    assert sheet.max_row == 4
    refused = coordinator.post(url("interventions_export", site_a), {"date_from": "nonsense"})
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("text/html")
    assert AuditEntry.objects.filter(action="plans.intervention.exported").count() == 1


def test_the_list_offers_the_export_with_its_filters(
    operator_client: Client, site_a: Site, log: dict[str, Intervention]
) -> None:
    text = operator_client.get(url("interventions", site_a), {"service": "housing"}).content.decode()
    assert f'action="{url("interventions_export", site_a)}"' in text
    assert '<input type="hidden" name="service" value="housing">' in text


# Audit


def test_recording_is_audited_with_ids_only(
    operator_client: Client, site_a: Site, person: Person, plan: Plan
) -> None:
    with scope(site=site_a):
        goal = plan.goals.order_by("pk").first()
    operator_client.post(url("intervention_add", site_a, pk=person.pk), quick(goal=goal.pk))
    [entry] = stored(site_a)
    audit = AuditEntry.objects.get(action="plans.intervention.added")
    assert (audit.object_type, audit.object_id, audit.site_id) == (
        "plans.intervention",
        str(entry.pk),
        site_a.pk,
    )
    assert audit.data == {"person": person.pk, "goal": goal.pk, "linked": None, "linked_id": None}
