"""Plan templates: coordinators and administrators shape the path new plans start from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.models import Site
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.models import PlanTemplate, TemplateGoal, TemplatePhase
from tests.helpers import italian, page_text, shows


def url(name: str, site: Site, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"site": site.slug, **kwargs})


@pytest.fixture
def coordinator(client_for: Callable[[str], Client]) -> Client:
    return client_for("coordinator_a")


def test_a_coordinator_creates_a_template_from_the_suggested_path(coordinator: Client, site_a: Site) -> None:
    response = coordinator.post(
        url("template_new", site_a), {"name": "Percorso breve", "description": "", "start": "suggested"}
    )
    with scope(site=site_a):
        template = PlanTemplate.objects.get(name="Percorso breve")
        assert template.phases.count() == 5
    assert response["Location"] == url("template_detail", site_a, template_id=template.pk)
    page = coordinator.get(response["Location"])
    assert italian("Reception and orientation") in page_text(page)
    listing = coordinator.get(url("templates", site_a))
    assert "Percorso breve" in page_text(listing)


def test_an_empty_template_and_its_phases_and_goals(coordinator: Client, site_a: Site) -> None:
    coordinator.post(url("template_new", site_a), {"name": "Solo lavoro", "start": "blank"})
    with scope(site=site_a):
        template = PlanTemplate.objects.get(name="Solo lavoro")
    add = url("template_phase_add", site_a, template_id=template.pk)
    bad = coordinator.post(
        add, {"version": template.version, "name": "Lavoro", "start_month": 6, "end_month": 3}
    )
    assert bad.status_code == 400
    assert shows(bad, "A phase must end at a later month than it starts.")
    ok = coordinator.post(
        add, {"version": template.version, "name": "Lavoro", "start_month": 0, "end_month": 6}
    )
    assert ok.status_code == 302
    with scope(site=site_a):
        phase = TemplatePhase.objects.get(template=template)
        template.refresh_from_db()
    goal_add = url("template_goal_add", site_a, template_id=template.pk, phase_id=phase.pk)
    assert coordinator.post(goal_add, {"area": "", "description": ""}).status_code == 400
    coordinator.post(goal_add, {"area": "work", "description": "Tirocinio", "owner": "person"})
    with scope(site=site_a):
        goal = TemplateGoal.objects.get(phase=phase)
    assert (goal.description, goal.owner) == ("Tirocinio", "person")
    coordinator.post(url("template_goal_remove", site_a, template_id=template.pk, goal_id=goal.pk))
    coordinator.post(url("template_phase_remove", site_a, template_id=template.pk, phase_id=phase.pk))
    with scope(site=site_a):
        assert not TemplatePhase.objects.filter(template=template).exists()
        assert not TemplateGoal.objects.filter(pk=goal.pk).exists()


def test_changing_a_template_leaves_started_plans_and_a_stale_save_is_refused(
    coordinator: Client,
    site_a: Site,
    template_a: PlanTemplate,
    make_person: Callable[..., Person],
    operator: User,
) -> None:
    person = make_person(site_a)
    with scope(site=site_a):
        plan = services.plan_start(
            person=person, actor=operator, started_on=date(2026, 1, 1), template=template_a
        )
        first = template_a.phases.order_by("position").first()
    opened = template_a.version
    edit = url("template_phase", site_a, template_id=template_a.pk, phase_id=first.pk)
    data = {"version": opened, "name": "Accoglienza", "start_month": 0, "end_month": 2}
    assert coordinator.post(edit, data).status_code == 302
    stale = coordinator.post(edit, data | {"name": "Primo mese"})
    assert stale.status_code == 400
    assert "Primo mese" in page_text(stale)  # what was typed stays in the form
    with scope(site=site_a):
        first.refresh_from_db()
        assert first.name == "Accoglienza"
        assert plan.phases.order_by("position").first().name == italian("Reception and orientation")


def test_a_template_no_longer_offered_is_not_in_the_start_form(
    coordinator: Client,
    client_for: Callable[[str], Client],
    site_a: Site,
    template_a: PlanTemplate,
    make_person: Callable[..., Person],
) -> None:
    detail = url("template_detail", site_a, template_id=template_a.pk)
    coordinator.post(detail, {"version": template_a.version, "name": template_a.name, "description": ""})
    template_a.refresh_from_db()
    assert not template_a.is_active
    person = make_person(site_a)
    start = client_for("operator_a").get(url("start", site_a, pk=person.pk))
    assert template_a.name not in page_text(start)


def test_two_templates_cannot_share_a_name(
    coordinator: Client, site_a: Site, template_a: PlanTemplate
) -> None:
    response = coordinator.post(
        url("template_new", site_a), {"name": template_a.name.upper(), "start": "blank"}
    )
    assert response.status_code == 400
    assert shows(response, "The site already has a template with this name.")


@pytest.mark.parametrize("persona", ["operator_a", "volunteer_a", "teacher_a"])
def test_only_coordinators_and_administrators_edit_templates(
    client_for: Callable[[str], Client], site_a: Site, template_a: PlanTemplate, persona: str
) -> None:
    client = client_for(persona)
    assert client.get(url("templates", site_a)).status_code == 403
    assert client_for("admin_a").get(url("templates", site_a)).status_code == 200


def test_another_sites_template_is_a_404(
    client_for: Callable[[str], Client], site_b: Site, template_a: PlanTemplate
) -> None:
    client = client_for("admin_all")
    assert client.get(url("template_detail", site_b, template_id=template_a.pk)).status_code == 404
