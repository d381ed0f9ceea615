"""The "my work" page: exactly the operator's own day (appointments today, goals past their date in
their plans, their open tasks, reviews due, expiring permits of their people), the link and the
figures on the home page, and what other roles and sites get."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
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
from percorsi.people.models import LegalStatus, Person
from percorsi.plans import services
from percorsi.plans.calendar import local_midnight
from percorsi.plans.models import Appointment, Plan, PlanTemplate, Task
from tests.conftest import Persona
from tests.helpers import page_text, shows


def url(name: str, site: Site, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"site": site.slug, **kwargs})


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def today_at(hour: int, minute: int = 0) -> datetime:
    return local_midnight(timezone.localdate()).replace(hour=hour, minute=minute)


@pytest.fixture
def follow(
    site_a: Site,
    template_a: PlanTemplate,
    add_status: Callable[..., LegalStatus],
    make_person: Callable[..., Person],
) -> Callable[..., Person]:
    """A person followed by `who`: their case and their plan (started 400 days ago, so goals are past
    their date and a review is due), an appointment today, an open task, a permit expiring in 20 days."""

    def make(who: User, given: str, family: str, *, hour: int = 9, n: int = 0) -> Person:
        person = make_person(site_a, given, family, actor=who, birth_date=date(1990, 1, 1) + timedelta(n))
        add_status(person, expires_on=in_days(20))
        with scope(site=site_a):
            services.plan_start(
                person=person, actor=who, started_on=in_days(-400), template=template_a, operator=who
            )
            services.appointment_add(
                person=person,
                actor=who,
                fields={"starts_at": today_at(hour), "duration_minutes": 30, "operator": who},
                book_anyway=True,
                now=local_midnight(timezone.localdate()),
            )
            services.task_add(
                site=site_a,
                actor=who,
                fields={"title": f"Chiamare {family}", "due_on": in_days(1), "assignee": who},
                person=person,
            )
        return person

    return make


@pytest.fixture
def day(
    site_a: Site,
    personas: dict[str, Persona],
    follow: Callable[..., Person],
    make_person: Callable[..., Person],
    operator: User,
) -> dict[str, Person]:
    """The operator follows Amina Yusuf; the coordinator follows Mamadou Diallo. The operator also
    has an appointment tomorrow with Tesfay Haile, a cancelled one today with him, and a done task."""
    coordinator = personas["coordinator_a"].user
    mine = follow(operator, "Amina", "Yusuf", hour=9)
    theirs = follow(coordinator, "Mamadou", "Diallo", hour=9, n=1)
    other = make_person(site_a, "Tesfay", "Haile", sex="M", nationality="ER", actor=coordinator)
    with scope(site=site_a):
        services.appointment_add(
            person=other,
            actor=operator,
            fields={
                "starts_at": today_at(0) + timedelta(days=1, hours=10),
                "duration_minutes": 30,
                "operator": operator,
            },
        )
        cancelled = services.appointment_add(
            person=other,
            actor=operator,
            fields={"starts_at": today_at(11), "duration_minutes": 30, "operator": operator},
            book_anyway=True,
            now=local_midnight(timezone.localdate()),
        )
        services.appointment_set_status(appointment=cancelled, actor=operator, version=1, status="cancelled")
        done = services.task_add(
            site=site_a,
            actor=operator,
            fields={"title": "Compito finito", "due_on": in_days(1), "assignee": operator},
            person=other,
        )
        services.task_done(task=done, actor=operator)
    return {"mine": mine, "theirs": theirs, "other": other}


def test_my_work_shows_exactly_the_operators_day(
    client_for: Callable[[str], Client], site_a: Site, day: dict[str, Person]
) -> None:
    response = client_for("operator_a").get(url("my_work", site_a))
    assert response.status_code == 200
    text = page_text(response)
    assert shows(response, "Today's appointments")
    assert "09:00\N{EN DASH}09:30" in text
    assert "YUSUF" in text
    assert "Chiamare Yusuf" in text
    assert "DIALLO" not in text and "Chiamare Diallo" not in text  # the coordinator's
    assert "HAILE" not in text and "Compito finito" not in text  # tomorrow, cancelled, done
    with scope(site=site_a):
        plan = Plan.objects.get(person=day["mine"])
        overdue = plan.goals.filter(target_date__lt=timezone.localdate()).count()
        first_overdue = plan.goals.order_by("target_date", "pk").first()
    assert overdue > 0
    assert first_overdue.description in text
    assert url("detail", site_a, plan_id=plan.pk) in text  # the goals and the review lead to the plan
    with translation.override("it"):
        expires = formats.date_format(in_days(20), "SHORT_DATE_FORMAT")
    assert shows(response, "Permits and documents of my people expiring")
    assert text.count(expires) == 1  # Yusuf's permit, not Diallo's
    entry = AuditEntry.objects.get(action="plans.my_work.viewed")
    assert entry.data == {"appointments": 1, "goals": overdue, "tasks": 1, "reviews": 1, "expiries": 1}


def test_the_coordinators_page_has_their_own_day(
    client_for: Callable[[str], Client], site_a: Site, day: dict[str, Person]
) -> None:
    text = page_text(client_for("coordinator_a").get(url("my_work", site_a)))
    assert "DIALLO" in text and "Chiamare Diallo" in text
    assert "YUSUF" not in text


def test_an_overdue_task_comes_first(
    client_for: Callable[[str], Client], site_a: Site, day: dict[str, Person], operator: User
) -> None:
    with scope(site=site_a):
        services.task_add(
            site=site_a,
            actor=operator,
            fields={"title": "Compito in ritardo", "due_on": in_days(-2), "assignee": operator},
            today=in_days(-5),
        )
    response = client_for("operator_a").get(url("my_work", site_a))
    text = page_text(response)
    assert text.index("Compito in ritardo") < text.index("Chiamare Yusuf")
    assert shows(response, "past its date")


def test_the_home_page_leads_to_my_work(
    client_for: Callable[[str], Client], site_a: Site, day: dict[str, Person]
) -> None:
    home = client_for("operator_a").get(reverse("core:home", args=[site_a.slug]))
    text = page_text(home)
    assert f'href="{url("my_work", site_a)}"' in text
    assert shows(home, "My work")
    assert shows(home, "my appointments today")
    assert shows(home, "my open tasks")
    assert shows(home, "goals past their date in my plans")
    # A volunteer, an accountant and an administrator do not follow cases.
    for key in ("volunteer_a", "accountant_a", "admin_a"):
        other = client_for(key).get(reverse("core:home", args=[site_a.slug]))
        assert url("my_work", site_a) not in page_text(other)
        assert not shows(other, "my open tasks")


def test_roles_and_sites(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, day: dict[str, Person]
) -> None:
    assert client_for("volunteer_a").get(url("my_work", site_a)).status_code == 403
    assert client_for("auditor_a").get(url("my_work", site_a)).status_code == 403
    vicenza = client_for("operator_b")
    assert vicenza.get(url("my_work", site_a)).status_code == 404
    own = vicenza.get(url("my_work", site_b))
    assert own.status_code == 200
    assert "YUSUF" not in page_text(own) and "DIALLO" not in page_text(own)


def test_my_work_has_a_fixed_number_of_queries(
    client_for: Callable[[str], Client], site_a: Site, operator: User, follow: Callable[..., Person]
) -> None:
    client = client_for("operator_a")

    def count() -> int:
        client.get(url("my_work", site_a))
        with CaptureQueriesContext(connection) as context:
            assert client.get(url("my_work", site_a)).status_code == 200
        return len(context.captured_queries)

    follow(operator, "Amina", "Yusuf")
    few = count()
    for n in range(1, 25):
        follow(operator, f"Persona{n}", "Rossi", hour=n % 20, n=n)
    with scope(site=site_a):
        assert Appointment.objects.count() == 25 and Task.objects.count() == 25
    assert count() == few
    assert few <= 20
