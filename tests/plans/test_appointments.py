"""Appointments as the desk uses them: booking from the case file, overlaps and "book anyway",
walk-ins, held / missed / cancelled, the day and week calendar of an operator and of the site, and
what other roles and sites get."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Site
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.calendar import local_midnight
from percorsi.plans.models import Appointment, Plan, PlanTemplate
from tests.conftest import Persona
from tests.helpers import italian, page_text, shows

STALE = (
    "Someone else changed this record after you opened it. Your changes were not saved: "
    "reload the page to see the current version, then make your changes again."
)


def slot(start: str, end: str) -> str:
    """How a page shows the time of an appointment: start and end with an en dash between."""
    return f"{start}\N{EN DASH}{end}"


def url(name: str, site: Site, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"site": site.slug, **kwargs})


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Italy (the time zone of the pages)."""
    return local_midnight(day).replace(hour=hour, minute=minute)


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def operator_client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def person(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Amina", "Yusuf")


@pytest.fixture
def book(site_a: Site, operator: User) -> Callable[..., Appointment]:
    """Book through the service, as the booking page does; `now` lets a test book in the past."""

    def make(
        person: Person,
        starts_at: datetime,
        minutes: int = 30,
        *,
        who: User | None = None,
        now: datetime | None = None,
        **fields: Any,
    ) -> Appointment:
        with scope(site=person.site):
            return services.appointment_add(
                person=person,
                actor=operator,
                fields={
                    "starts_at": starts_at,
                    "duration_minutes": minutes,
                    "operator": who or operator,
                    **fields,
                },
                book_anyway=True,
                now=now,
            )

    return make


def booking(day: date, start: str, end: str, operator: User, **extra: Any) -> dict[str, Any]:
    return {"day": day.isoformat(), "start_time": start, "end_time": end, "operator": operator.pk, **extra}


def test_an_operator_books_an_appointment_from_the_case_file(
    operator_client: Client, site_a: Site, person: Person, operator: User
) -> None:
    case_file = operator_client.get(reverse("people:detail", args=[site_a.slug, person.pk]))
    assert shows(case_file, "Book an appointment")
    assert shows(case_file, "Record a walk-in")
    add = url("appointment_add", site_a, pk=person.pk)
    assert operator_client.get(add).status_code == 200
    day = tomorrow()
    response = operator_client.post(
        add,
        booking(
            day,
            "09:00",
            "09:45",
            operator,
            place="Stanza 2",
            reason="Preparare il CV",
            interpreter_needed="on",
            interpreter_language="ti",
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[site_a.slug, person.pk])
    with scope(site=site_a):
        appointment = Appointment.objects.get(person=person)
    assert appointment.starts_at == at(day, 9)
    assert appointment.duration_minutes == 45
    assert appointment.operator == operator
    assert (appointment.interpreter_needed, appointment.interpreter_language) == (True, "ti")
    text = page_text(response)
    assert slot("09:00", "09:45") in text
    assert "Stanza 2" in text
    assert "Preparare il CV" in text
    entry = AuditEntry.objects.get(action="plans.appointment.booked")
    assert entry.object_id == str(appointment.pk)
    assert entry.data == {
        "person": person.pk,
        "operator": operator.pk,
        "goal": None,
        "overlap_accepted": False,
    }


@pytest.mark.parametrize("month", [1, 7])
def test_nine_in_rome_is_stored_in_utc_and_shown_at_nine(
    operator_client: Client, site_a: Site, person: Person, operator: User, month: int
) -> None:
    # January is UTC+1 in Italy, July UTC+2 (summer time).
    day = date(timezone.localdate().year + 1, month, 12)
    operator_client.post(
        url("appointment_add", site_a, pk=person.pk), booking(day, "09:00", "09:30", operator)
    )
    with scope(site=site_a):
        appointment = Appointment.objects.get(person=person)
    assert appointment.starts_at.astimezone(UTC).time() == time(8 if month == 1 else 7, 0)
    calendar = operator_client.get(url("calendar", site_a), {"day": day.isoformat(), "view": "day"})
    assert slot("09:00", "09:30") in page_text(calendar)
    week = operator_client.get(url("calendar", site_a), {"day": day.isoformat(), "view": "week"})
    assert slot("09:00", "09:30") in page_text(week)
    edit = operator_client.get(url("appointment_edit", site_a, appointment_id=appointment.pk))
    assert 'value="09:00"' in edit.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"start_time": "10:00", "end_time": "09:30"},
            "end_time",
            "The appointment must end after it starts.",
        ),
        (
            {"start_time": "10:00", "end_time": "10:00"},
            "end_time",
            "The appointment must end after it starts.",
        ),
        ({"day": "2026-02-30"}, "day", None),
        ({"start_time": "25:00"}, "start_time", None),
        (
            {"interpreter_needed": "on", "interpreter_language": ""},
            "interpreter_language",
            "Say which language the interpreter is needed for.",
        ),
        ({"interpreter_needed": "on", "interpreter_language": "xx"}, "interpreter_language", None),
        ({"operator": "999999"}, "operator", None),
        ({"goal": "999999"}, "goal", None),
        ({"reason": "x" * 301}, "reason", None),
    ],
)
def test_bad_input_is_a_message_and_no_appointment(
    operator_client: Client,
    site_a: Site,
    person: Person,
    operator: User,
    data: dict[str, str],
    field: str,
    message: str | None,
) -> None:
    response = operator_client.post(
        url("appointment_add", site_a, pk=person.pk),
        {**booking(tomorrow(), "09:00", "09:30", operator), **data},
    )
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    if message:
        assert shows(response, message)
    with scope(site=site_a):
        assert not Appointment.objects.exists()


def test_a_time_already_past_is_refused_and_a_walk_in_suggested(
    operator_client: Client, site_a: Site, person: Person, operator: User
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    response = operator_client.post(
        url("appointment_add", site_a, pk=person.pk), booking(yesterday, "09:00", "09:30", operator)
    )
    assert response.status_code == 400
    assert shows(response, "This time is already past. For someone who is at the desk now, record a walk-in.")
    far = date(timezone.localdate().year + 3, 1, 10)
    response = operator_client.post(
        url("appointment_add", site_a, pk=person.pk), booking(far, "09:00", "09:30", operator)
    )
    assert response.status_code == 400
    assert shows(response, "The date is more than two years away: check the year.")
    with scope(site=site_a):
        assert not Appointment.objects.exists()


def test_an_operator_booked_at_an_overlapping_time_is_refused_unless_booked_anyway(
    operator_client: Client,
    site_a: Site,
    person: Person,
    operator: User,
    personas: dict[str, Persona],
    make_person: Callable[..., Person],
    book: Callable[..., Appointment],
) -> None:
    day = tomorrow()
    other = make_person(site_a, "Mamadou", "Diallo", sex="M", nationality="GN")
    first = book(other, at(day, 10), 60)
    add = url("appointment_add", site_a, pk=person.pk)
    response = operator_client.post(add, booking(day, "10:30", "11:00", operator, reason="Rinnovo"))
    assert response.status_code == 400
    with translation.override("it"):
        expected = italian(
            "%(operator)s already has an appointment from %(starts)s to %(ends)s. Choose another "
            "time, or tick “Book anyway” to book this one too."
        ) % {
            "operator": operator,
            "starts": formats.date_format(timezone.localtime(first.starts_at), "SHORT_DATETIME_FORMAT"),
            "ends": "11:00",
        }
    text = page_text(response)
    assert expected in text
    assert 'name="book_anyway"' in text
    assert 'value="Rinnovo"' in text  # what was typed is still there
    with scope(site=site_a):
        assert Appointment.objects.count() == 1
    # An appointment ending when the other starts does not overlap; another operator is free.
    assert operator_client.post(add, booking(day, "09:00", "10:00", operator)).status_code == 302
    coordinator = personas["coordinator_a"].user
    assert operator_client.post(add, booking(day, "10:30", "11:00", coordinator)).status_code == 302
    # Booked anyway: both stay in the calendar.
    response = operator_client.post(
        add, booking(day, "10:30", "11:00", operator, book_anyway="on", reason="Rinnovo")
    )
    assert response.status_code == 302
    with scope(site=site_a):
        assert Appointment.objects.filter(operator=operator).count() == 3
    assert (
        AuditEntry.objects.filter(action="plans.appointment.booked")
        .order_by("id")
        .last()
        .data["overlap_accepted"]
        is True
    )


def test_a_cancelled_appointment_leaves_its_time_free(
    operator_client: Client, site_a: Site, person: Person, operator: User, book: Callable[..., Appointment]
) -> None:
    day = tomorrow()
    first = book(person, at(day, 10), 60)
    response = operator_client.post(
        url("appointment_status", site_a, appointment_id=first.pk),
        {"status": "cancelled", "version": first.version},
    )
    assert response.status_code == 302
    add = url("appointment_add", site_a, pk=person.pk)
    assert operator_client.post(add, booking(day, "10:00", "11:00", operator)).status_code == 302


def test_a_walk_in_is_recorded_in_one_click(
    operator_client: Client, site_a: Site, person: Person, operator: User
) -> None:
    before = timezone.now()
    response = operator_client.post(url("walk_in", site_a, pk=person.pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[site_a.slug, person.pk])
    with scope(site=site_a):
        walk_in = Appointment.objects.get(person=person)
    assert walk_in.walk_in is True
    assert walk_in.status == "done"
    assert walk_in.operator == operator
    assert before - timedelta(minutes=1) <= walk_in.starts_at <= timezone.now()
    text = page_text(response)
    assert italian("walk-in") in text
    assert timezone.localtime(walk_in.starts_at).strftime("%H:%M") in text
    assert AuditEntry.objects.filter(action="plans.appointment.walk_in", object_id=str(walk_in.pk)).exists()
    # On the case file's timeline too.
    assert shows(response, "At the desk without an appointment")


def test_held_missed_and_cancelled(
    operator_client: Client, site_a: Site, person: Person, book: Callable[..., Appointment]
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    past = book(person, at(yesterday, 9), now=at(yesterday, 8))
    coming = book(person, at(tomorrow(), 9))
    status = url("appointment_status", site_a, appointment_id=coming.pk)
    # Not yet started: it cannot be held.
    response = operator_client.post(status, {"status": "done", "version": coming.version})
    assert response.status_code == 400
    assert shows(response, "This appointment has not started yet: it cannot be marked as held or missed.")
    held = operator_client.post(
        url("appointment_status", site_a, appointment_id=past.pk), {"status": "done", "version": past.version}
    )
    assert held.status_code == 302
    missed = operator_client.post(
        url("appointment_status", site_a, appointment_id=past.pk),
        {"status": "missed", "version": past.version + 1},
    )
    assert missed.status_code == 302
    cancelled = operator_client.post(status, {"status": "cancelled", "version": coming.version, "next": "/"})
    assert cancelled["Location"] == "/"
    with scope(site=site_a):
        past.refresh_from_db()
        coming.refresh_from_db()
    assert (past.status, coming.status) == ("missed", "cancelled")
    entries = AuditEntry.objects.filter(action="plans.appointment.status_changed").order_by("id")
    assert [e.data["status"] for e in entries] == ["done", "missed", "cancelled"]
    # A form opened before the last change is stale: refused, nothing changed.
    stale = operator_client.post(
        url("appointment_status", site_a, appointment_id=past.pk),
        {"status": "done", "version": past.version - 1},
    )
    assert stale.status_code == 400
    assert shows(stale, STALE)
    # An unknown status or an address outside Percorsi: a message, or back to the calendar.
    assert operator_client.post(status, {"status": "lost", "version": coming.version}).status_code == 400
    outside = operator_client.post(
        url("appointment_status", site_a, appointment_id=coming.pk),
        {"status": "scheduled", "version": coming.version, "next": "https://example.com/"},
    )
    assert outside["Location"].startswith(url("calendar", site_a))


def test_changing_an_appointment_and_a_stale_form(
    operator_client: Client, site_a: Site, person: Person, operator: User, book: Callable[..., Appointment]
) -> None:
    day = tomorrow()
    appointment = book(person, at(day, 9), 30, place="Stanza 1")
    edit = url("appointment_edit", site_a, appointment_id=appointment.pk)
    form = {
        **booking(day, "11:00", "12:00", operator, place="Stanza 3"),
        "version": appointment.version,
    }
    assert operator_client.post(edit, form).status_code == 302
    with scope(site=site_a):
        appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.duration_minutes, appointment.place) == (
        at(day, 11),
        60,
        "Stanza 3",
    )
    # The second tab still has the first version: refused, and what it typed is kept.
    stale = operator_client.post(edit, {**form, "place": "Sala riunioni", "version": 1})
    assert stale.status_code == 400
    assert shows(stale, STALE)
    assert 'value="Sala riunioni"' in page_text(stale)
    with scope(site=site_a):
        appointment.refresh_from_db()
    assert appointment.place == "Stanza 3"
    audit = AuditEntry.objects.get(action="plans.appointment.updated")
    assert audit.data["fields"] == "duration_minutes,place,starts_at"


def test_the_goal_of_an_appointment_is_one_of_the_active_plan(
    operator_client: Client,
    site_a: Site,
    person: Person,
    operator: User,
    template_a: PlanTemplate,
) -> None:
    with scope(site=site_a):
        plan = services.plan_start(
            person=person, actor=operator, started_on=timezone.localdate(), template=template_a
        )
        goal = plan.goals.order_by("pk").first()
    add = url("appointment_add", site_a, pk=person.pk)
    assert goal.description in page_text(operator_client.get(add))
    response = operator_client.post(add, booking(tomorrow(), "09:00", "09:30", operator, goal=goal.pk))
    assert response.status_code == 302
    with scope(site=site_a):
        assert Appointment.objects.get(person=person).goal == goal


@pytest.fixture
def week(
    site_a: Site,
    site_b: Site,
    person: Person,
    personas: dict[str, Persona],
    make_person: Callable[..., Person],
    book: Callable[..., Appointment],
) -> dict[str, Appointment]:
    """Next week: the operator on Monday and Wednesday, the coordinator on Monday, Vicenza on Monday."""
    monday = next_monday()
    coordinator = personas["coordinator_a"].user
    other = make_person(site_a, "Mamadou", "Diallo", sex="M", nationality="GN")
    vicenza = make_person(site_b, "Tesfay", "Haile", sex="M", nationality="ER")
    with scope(site=site_b):
        far = services.appointment_add(
            person=vicenza,
            actor=personas["operator_b"].user,
            fields={
                "starts_at": at(monday, 9),
                "duration_minutes": 30,
                "operator": personas["operator_b"].user,
            },
        )
    return {
        "monday": book(person, at(monday, 9), 30, place="Stanza 1"),
        "wednesday": book(person, at(monday + timedelta(days=2), 15, 30), 45),
        "coordinator": book(other, at(monday, 11), 60, who=coordinator),
        "next_week": book(other, at(monday + timedelta(days=7), 9), 30),
        "vicenza": far,
    }


def test_the_week_of_an_operator_and_of_the_site(
    operator_client: Client, site_a: Site, week: dict[str, Appointment], personas: dict[str, Persona]
) -> None:
    monday = next_monday()
    calendar = url("calendar", site_a)
    # Without an operator in the address, an operator sees their own week.
    mine = operator_client.get(calendar, {"day": (monday + timedelta(days=3)).isoformat()})
    assert mine.status_code == 200
    text = page_text(mine)
    assert slot("09:00", "09:30") in text and slot("15:30", "16:15") in text
    assert "DIALLO" not in text  # the coordinator's appointment, and the next week's
    assert "HAILE" not in text  # Vicenza's
    # Monday's column comes before Wednesday's.
    assert text.index(slot("09:00", "09:30")) < text.index(slot("15:30", "16:15"))
    # The whole site: the coordinator's too, never Vicenza's.
    site = page_text(
        operator_client.get(calendar, {"day": monday.isoformat(), "view": "week", "operator": ""})
    )
    assert slot("09:00", "09:30") in site and slot("11:00", "12:00") in site and "DIALLO" in site
    assert "HAILE" not in site
    # The coordinator's week only.
    coordinator = personas["coordinator_a"].user
    theirs = page_text(operator_client.get(calendar, {"day": monday.isoformat(), "operator": coordinator.pk}))
    assert slot("11:00", "12:00") in theirs and slot("09:00", "09:30") not in theirs
    # The next week, through the "next" link.
    after = page_text(
        operator_client.get(calendar, {"day": (monday + timedelta(days=7)).isoformat(), "operator": ""})
    )
    assert "DIALLO" in after and slot("11:00", "12:00") not in after
    entry = AuditEntry.objects.filter(action="plans.calendar.viewed").order_by("id").first()
    assert entry.data["view"] == "week" and entry.data["shown"] == 2


def test_the_day_view_with_previous_next_and_today(
    operator_client: Client, site_a: Site, week: dict[str, Appointment]
) -> None:
    monday = next_monday()
    response = operator_client.get(
        url("calendar", site_a), {"day": monday.isoformat(), "view": "day", "operator": ""}
    )
    text = page_text(response)
    assert (
        slot("09:00", "09:30") in text
        and slot("11:00", "12:00") in text
        and slot("15:30", "16:15") not in text
    )
    assert "Stanza 1" in text
    assert f"day={(monday - timedelta(days=1)).isoformat()}" in text
    assert f"day={(monday + timedelta(days=1)).isoformat()}" in text
    assert f"day={timezone.localdate().isoformat()}" in text
    assert shows(response, "Today")
    assert shows(response, "Previous day") and shows(response, "Next day")
    empty = operator_client.get(
        url("calendar", site_a), {"day": (monday + timedelta(days=1)).isoformat(), "view": "day"}
    )
    assert shows(empty, "No appointments on this day.")


@pytest.mark.parametrize(
    "query",
    [
        {"day": "2026-13-01"},
        {"view": "month"},
        {"operator": "999999"},
        {"operator": "abc"},
        # The first and last days Python knows: the week around them, or the day after, do not exist.
        {"day": "0001-01-01"},
        {"day": "9999-12-31", "view": "day"},
        {"day": "9999-12-31"},
    ],
)
def test_a_calendar_address_that_cannot_be_read_is_a_message(
    operator_client: Client, site_a: Site, week: dict[str, Appointment], query: dict[str, str]
) -> None:
    response = operator_client.get(url("calendar", site_a), query)
    assert response.status_code == 400
    assert shows(response, "Check the highlighted fields: the calendar is shown once they are right.")
    assert slot("09:00", "09:30") not in page_text(response)


def test_roles_and_sites(
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    week: dict[str, Appointment],
    person: Person,
) -> None:
    volunteer = client_for("volunteer_a")
    assert volunteer.get(url("calendar", site_a)).status_code == 403
    assert volunteer.get(url("appointment_add", site_a, pk=person.pk)).status_code == 403
    assert volunteer.post(url("walk_in", site_a, pk=person.pk)).status_code == 403
    case_file = volunteer.get(reverse("people:detail", args=[site_a.slug, person.pk]))
    assert not shows(case_file, "Book an appointment")
    accountant = client_for("accountant_a")
    assert accountant.get(url("calendar", site_a)).status_code == 403
    # Vicenza's operator: Roma's addresses do not exist for them, and Roma's appointment through
    # Vicenza's addresses is a 404.
    vicenza = client_for("operator_b")
    roma_appointment = week["monday"]
    assert vicenza.get(url("calendar", site_a)).status_code == 404
    assert vicenza.get(url("appointment_edit", site_b, appointment_id=roma_appointment.pk)).status_code == 404
    assert (
        vicenza.post(url("appointment_status", site_b, appointment_id=roma_appointment.pk)).status_code == 404
    )
    assert vicenza.post(url("walk_in", site_b, pk=person.pk)).status_code == 404
    denied = AuditEntry.objects.filter(action="plans.appointment.accessed", outcome="denied")
    assert denied.count() == 2
    assert {e.site_id for e in denied} == {site_a.pk}


def test_the_case_file_shows_the_coming_appointments(
    operator_client: Client, site_a: Site, person: Person, book: Callable[..., Appointment]
) -> None:
    book(person, at(next_monday(), 9), place="Stanza 1", interpreter_needed=True, interpreter_language="so")
    yesterday = timezone.localdate() - timedelta(days=1)
    book(person, at(yesterday, 9), now=at(yesterday, 8), place="Sala vecchia")
    response = operator_client.get(reverse("people:detail", args=[site_a.slug, person.pk]))
    text = page_text(response)
    assert "Stanza 1" in text
    assert "Sala vecchia" not in text  # past ones are not "coming"
    assert shows(response, "Appointments and tasks")


def test_the_week_has_a_fixed_number_of_queries(
    operator_client: Client,
    site_a: Site,
    operator: User,
    make_person: Callable[..., Person],
    book: Callable[..., Appointment],
    template_a: PlanTemplate,
) -> None:
    monday = next_monday()
    query = {"day": monday.isoformat(), "operator": ""}

    def count() -> int:
        operator_client.get(url("calendar", site_a), query)
        with CaptureQueriesContext(connection) as context:
            assert operator_client.get(url("calendar", site_a), query).status_code == 200
        return len(context.captured_queries)

    first = make_person(site_a, "Amina", "Yusuf")
    book(first, at(monday, 9))
    few = count()
    for n in range(30):
        someone = make_person(site_a, f"Persona{n}", "Rossi", birth_date=date(1990, 1, 1) + timedelta(n))
        with scope(site=site_a):
            plan: Plan = services.plan_start(
                person=someone, actor=operator, started_on=timezone.localdate(), template=template_a
            )
            goal = plan.goals.order_by("pk").first()
        book(someone, at(monday + timedelta(days=n % 7), 8 + n % 10), goal=goal)
    assert count() == few
    assert few <= 15
