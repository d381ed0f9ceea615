"""`percorsi remind`: what is reminded and to whom, in-app and by e-mail; nothing twice the same day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Site
from percorsi.people.models import Person
from percorsi.people.services import person_delete
from percorsi.plans import reminders, services
from percorsi.plans.models import Notification, Plan, Task
from tests.helpers import page_text, shows


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def situation(
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., Any],
    operator: User,
    personas: dict[str, Any],
) -> dict[str, Any]:
    """An operator's person with a review due, a goal past its date, a task due and a permit expiring."""
    person = make_person(site_a, "Amina", "Yusuf")
    with scope(site=site_a):
        person.operator = operator
        person.save()
        plan = services.plan_start(person=person, actor=operator, started_on=days(-100), operator=operator)
        goal = services.goal_add(
            plan=plan, actor=operator, fields={"area": "work", "description": "CV", "target_date": days(-3)}
        )
        task = Task.objects.create(
            site=site_a, title="Chiamare la Questura", due_on=days(0), assignee=operator
        )
    add_status(person, status="subsidiary", expires_on=days(20))
    # Someone without an operator: the coordinators are reminded.
    orphan = make_person(site_a, "Bola", "Adeyemi", nationality="NG")
    with scope(site=site_a):
        Person.objects.filter(pk=orphan.pk).update(operator=None)
    add_status(orphan, status="subsidiary", expires_on=days(-5))
    return {"person": person, "plan": plan, "goal": goal, "task": task, "orphan": orphan}


def notifications_of(user: User) -> list[Notification]:
    with scopes_disabled():
        return list(Notification.objects.filter(user=user).order_by("kind", "pk"))


def test_everything_due_is_reminded_to_the_right_people(
    situation: dict[str, Any], operator: User, personas: dict[str, Any]
) -> None:
    reminders.run()
    kinds = {n.kind for n in notifications_of(operator)}
    assert kinds == {"review_due", "goal_overdue", "task_due", "permit_expiring"}
    coordinator = personas["coordinator_a"].user
    [orphan_reminder] = notifications_of(coordinator)
    assert (orphan_reminder.kind, orphan_reminder.person_id) == ("permit_expiring", situation["orphan"].pk)
    # Vicenza's operator has nothing of Roma's.
    assert notifications_of(personas["operator_b"].user) == []


def test_one_email_per_person_with_counts_and_no_names(situation: dict[str, Any], operator: User) -> None:
    reminders.run()
    mine = [m for m in mail.outbox if m.to == [operator.email]]
    assert len(mine) == 1
    body = mine[0].body
    assert "Amina" not in body and "Yusuf" not in body and "Questura" not in body
    assert reverse("plans:notifications", kwargs={"site": "roma"}) in body
    assert "4" in mine[0].subject


def test_running_twice_the_same_day_or_the_next_makes_and_sends_nothing_twice(
    situation: dict[str, Any], operator: User
) -> None:
    first = reminders.run()
    sent = len(mail.outbox)
    assert first["roma"].created == 5 and sent == 2
    again = reminders.run()
    assert (again["roma"].created, again["roma"].emails) == (0, 0)
    tomorrow = reminders.run(today=days(1))
    assert tomorrow["roma"].created == 0  # the same due dates: already reminded
    assert len(mail.outbox) == sent
    assert len(notifications_of(operator)) == 4


def test_a_new_due_date_is_a_new_reminder(situation: dict[str, Any], operator: User, site_a: Site) -> None:
    reminders.run()
    with scope(site=site_a):
        task = situation["task"]
        task.due_on = days(2)
        task.save()
    assert reminders.run(today=days(2))["roma"].created >= 1


def test_a_task_about_a_deleted_record_is_not_reminded(
    situation: dict[str, Any], operator: User, site_a: Site
) -> None:
    person = situation["person"]
    with scope(site=site_a):
        Task.objects.filter(pk=situation["task"].pk).update(person=person)
        person_delete(person=person, actor=operator)
    reminders.run()
    # The deleted person's plan and permit are not reminded either; their task was (with their name).
    assert [n.kind for n in notifications_of(operator)] == []


@override_settings(
    MAILERS={
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
)
def test_emails_not_sent_are_sent_at_the_next_run(situation: dict[str, Any], operator: User) -> None:
    result = reminders.run()["roma"]
    assert (result.created, result.emails, result.failed_emails) == (5, 0, 2)
    assert all(n.emailed_at is None for n in notifications_of(operator))


def test_the_mail_server_back_the_pending_emails_go(situation: dict[str, Any], operator: User) -> None:
    reminders.run(send_email=False)
    assert mail.outbox == []
    reminders.run()
    assert [m.to for m in mail.outbox if m.to == [operator.email]] == [[operator.email]]


def test_the_command_says_what_it_did(situation: dict[str, Any]) -> None:
    out = StringIO()
    call_command("remind", stdout=out)
    assert "roma: 5 new notifications, 2 e-mails" in out.getvalue()
    call_command("remind", stdout=out)
    assert "roma: 0 new notifications, 0 e-mails" in out.getvalue()
    assert AuditEntry.objects.filter(action="plans.reminders.sent").count() == 1


def test_a_bad_date_is_a_clear_error(situation: dict[str, Any]) -> None:
    with pytest.raises(Exception, match="--date"):
        call_command("remind", "--date", "2026-02-30")


def test_the_reminders_page_shows_them_with_names_and_links(
    situation: dict[str, Any], client_for: Callable[[str], Client], site_a: Site
) -> None:
    reminders.run(send_email=False)
    client = client_for("operator_a")
    page = client.get(reverse("plans:notifications", kwargs={"site": site_a.slug}))
    assert page.status_code == 200
    text = page_text(page)
    assert "Amina Yusuf" in text
    plan: Plan = situation["plan"]
    assert reverse("plans:detail", kwargs={"site": site_a.slug, "plan_id": plan.pk}) in text
    assert reverse("people:detail", kwargs={"site": site_a.slug, "pk": situation["person"].pk}) in text
    done = client.post(reverse("plans:notifications_read", kwargs={"site": site_a.slug}), follow=True)
    assert shows(done, "No new reminders.")
    with scopes_disabled():
        assert not Notification.objects.filter(user=situation["plan"].operator, read_at__isnull=True).exists()


def test_the_reminders_page_leaves_out_a_record_deleted_since(
    situation: dict[str, Any], client_for: Callable[[str], Client], site_a: Site, operator: User
) -> None:
    reminders.run(send_email=False)
    with scope(site=site_a):
        person_delete(person=situation["person"], actor=operator)
    page = client_for("operator_a").get(reverse("plans:notifications", kwargs={"site": site_a.slug}))
    assert page.status_code == 200
    assert "Yusuf" not in page_text(page)


def test_every_member_has_a_reminders_page_with_only_their_own_reminders(
    situation: dict[str, Any], client_for: Callable[[str], Client], site_a: Site
) -> None:
    # A desk volunteer has no plans:read, but may follow the recognition of a qualification and be
    # reminded of it: the e-mail's link must open.
    reminders.run(send_email=False)
    for persona in ("volunteer_a", "teacher_a"):
        response = client_for(persona).get(reverse("plans:notifications", kwargs={"site": site_a.slug}))
        assert response.status_code == 200
        assert "alert-success" in page_text(response)  # "No new reminders": the operator's are not theirs


def test_a_closed_case_is_not_reminded_of_its_plan(
    situation: dict[str, Any], operator: User, site_a: Site
) -> None:
    from percorsi.people import services as people_services

    with scope(site=site_a):
        person = Person.objects.get(pk=situation["person"].pk)
        people_services.case_status_set(
            person=person,
            actor=operator,
            version=None,
            status="closed",
            since=timezone.localdate(),
            closure_reason="autonomy",
        )
    reminders.run(send_email=False)
    kinds = {n.kind for n in notifications_of(operator)}
    assert "review_due" not in kinds and "goal_overdue" not in kinds
    assert "task_due" in kinds  # the operator's own task still is


def test_the_reminders_page_is_linked_from_my_work_and_the_plans(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    client = client_for("operator_a")
    link = reverse("plans:notifications", kwargs={"site": site_a.slug})
    assert link in client.get(reverse("plans:my_work", kwargs={"site": site_a.slug})).content.decode()
    assert link in client.get(reverse("plans:list", kwargs={"site": site_a.slug})).content.decode()
