"""The audit log page: the auditor browses and filters the site's entries; nobody else sees it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from percorsi.core import audit
from percorsi.core.models import AuditEntry, Site
from tests.conftest import PERSONA_ROLES, Persona
from tests.helpers import page_text, shows

URL = reverse("core:audit_log", kwargs={"site": "roma"})
ROW_ID = re.compile(r"<tr>\s*<td>(\d+)</td>")


def _shown_ids(response: object) -> list[int]:
    return [int(n) for n in ROW_ID.findall(page_text(response))]  # type: ignore[arg-type]


@pytest.fixture
def entries(personas: dict[str, Persona], site_a: Site, site_b: Site) -> dict[str, list[int]]:
    """Entries at Roma by the coordinator and the operator, denied ones, and one at Vicenza."""
    coordinator, operator = personas["coordinator_a"].user, personas["operator_a"].user
    ids: dict[str, list[int]] = {"coordinator": [], "operator": [], "denied": [], "vicenza": []}
    with audit.audit_context(site_id=site_a.pk, request_id="fixture"):
        for n in range(3):
            ids["coordinator"].append(
                audit.record(
                    action="core.membership.updated", actor_id=coordinator.pk, role="coordinator", object_id=n
                ).id
            )
            ids["operator"].append(
                audit.record(
                    action="people.person.viewed", actor_id=operator.pk, role="operator", object_id=n
                ).id
            )
        ids["denied"].append(audit.record_denied(action="core.permission.denied", actor_id=operator.pk).id)
    ids["vicenza"].append(audit.record(action="core.site.updated", site_id=site_b.pk).id)
    return ids


def test_auditor_sees_the_sites_entries_newest_first(
    client_for: Callable[[str], Client], entries: dict[str, list[int]], personas: dict[str, Persona]
) -> None:
    response = client_for("auditor_a").get(URL)
    assert response.status_code == 200
    shown = _shown_ids(response)
    roma = sorted(entries["coordinator"] + entries["operator"] + entries["denied"], reverse=True)
    assert [i for i in shown if i in roma] == roma
    # The rest are the Roma staff's own account events outside any site (here the auditor's login).
    others = AuditEntry.objects.filter(id__in=set(shown) - set(roma))
    assert {e.action for e in others} == {"accounts.login"}
    assert entries["vicenza"][0] not in shown
    # The auditor reads names; the log itself holds only ids.
    assert personas["coordinator_a"].user.full_name in page_text(response)


def test_viewing_the_log_is_itself_audited(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    client = client_for("auditor_a")
    client.get(URL)
    viewed = AuditEntry.objects.get(action="core.audit.viewed")
    assert (viewed.actor_id, viewed.site_id) == (personas["auditor_a"].user.pk, site_a.pk)
    assert viewed.id in _shown_ids(client.get(URL))


def test_filter_by_action(client_for: Callable[[str], Client], entries: dict[str, list[int]]) -> None:
    response = client_for("auditor_a").get(URL, {"action": "core.membership.updated"})
    assert sorted(_shown_ids(response)) == entries["coordinator"]


def test_filter_by_outcome(client_for: Callable[[str], Client], entries: dict[str, list[int]]) -> None:
    response = client_for("auditor_a").get(URL, {"outcome": "denied"})
    assert _shown_ids(response) == entries["denied"]


def test_filter_by_who(
    client_for: Callable[[str], Client], entries: dict[str, list[int]], personas: dict[str, Persona]
) -> None:
    response = client_for("auditor_a").get(URL, {"actor": personas["operator_a"].user.pk})
    assert sorted(_shown_ids(response)) == sorted(entries["operator"] + entries["denied"])


def test_filter_by_date(client_for: Callable[[str], Client], entries: dict[str, list[int]]) -> None:
    client = client_for("auditor_a")
    today = timezone.localdate()
    fixture_ids = {n for ids in entries.values() for n in ids} - set(entries["vicenza"])
    assert fixture_ids <= set(_shown_ids(client.get(URL, {"date_from": today, "date_to": today})))
    assert _shown_ids(client.get(URL, {"date_from": today + timedelta(days=1)})) == []
    assert _shown_ids(client.get(URL, {"date_to": today - timedelta(days=1)})) == []


def test_filters_combine(
    client_for: Callable[[str], Client], entries: dict[str, list[int]], personas: dict[str, Persona]
) -> None:
    response = client_for("auditor_a").get(
        URL, {"actor": personas["operator_a"].user.pk, "outcome": "allowed", "action": "people.person.viewed"}
    )
    assert sorted(_shown_ids(response)) == entries["operator"]


def test_dates_the_wrong_way_round_are_explained(
    client_for: Callable[[str], Client], entries: dict[str, list[int]]
) -> None:
    today = timezone.localdate()
    response = client_for("auditor_a").get(URL, {"date_from": today, "date_to": today - timedelta(days=3)})
    assert response.status_code == 200
    assert shows(response, "The start date is after the end date.")


def test_the_log_is_paginated_and_keeps_the_filters(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    with audit.audit_context(site_id=site_a.pk):
        ids = [audit.record(action="core.site.updated", object_id=n).id for n in range(120)]
    client = client_for("auditor_a")
    first = client.get(URL, {"action": "core.site.updated"})
    assert _shown_ids(first) == sorted(ids, reverse=True)[:50]
    assert "action=core.site.updated&amp;page=2" in first.content.decode()
    third = client.get(URL, {"action": "core.site.updated", "page": 3})
    assert _shown_ids(third) == sorted(ids, reverse=True)[100:]
    beyond = client.get(URL, {"action": "core.site.updated", "page": 99})
    assert _shown_ids(beyond) == _shown_ids(third)


@pytest.mark.parametrize("persona", sorted(set(PERSONA_ROLES) - {"auditor_a", "operator_b"}))
def test_every_other_role_gets_403(
    persona: str, client_for: Callable[[str], Client], entries: object
) -> None:
    response = client_for(persona).get(URL)
    assert response.status_code == 403
    assert "core.membership.updated" not in page_text(response)


def test_another_sites_user_gets_404(client_for: Callable[[str], Client], entries: object) -> None:
    assert client_for("operator_b").get(URL).status_code == 404


def test_account_events_of_the_sites_staff_appear_in_its_log_only(
    client: Client, client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    """Logins and failed logins belong to no site; each site's auditor sees those of its own staff."""
    roma_operator = personas["operator_a"].user
    vicenza_operator = personas["operator_b"].user
    login = reverse("accounts:login")
    client.post(login, {"username": roma_operator.email, "password": "wrong password"})
    client.post(login, {"username": vicenza_operator.email, "password": "wrong password"})
    failed_roma = AuditEntry.objects.get(action="accounts.login", object_id=str(roma_operator.pk))
    failed_vicenza = AuditEntry.objects.get(action="accounts.login", object_id=str(vicenza_operator.pk))
    assert failed_roma.outcome == failed_vicenza.outcome == "denied"
    assert failed_roma.site_id is None

    shown = _shown_ids(client_for("auditor_a").get(URL, {"outcome": "denied"}))
    assert failed_roma.id in shown
    assert failed_vicenza.id not in shown


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_a_date_out_of_range_is_a_message_not_an_error(
    client_for: Callable[[str], Client], entries: dict[str, list[int]], params: dict[str, str]
) -> None:
    response = client_for("auditor_a").get(URL, params)
    assert response.status_code == 200
    assert shows(response, "Choose a date between 2000 and 2100.")


def test_a_filter_that_cannot_be_applied_shows_nothing_rather_than_everything(
    client_for: Callable[[str], Client], entries: dict[str, list[int]], personas: dict[str, Persona]
) -> None:
    operator = personas["operator_a"].user.pk
    response = client_for("auditor_a").get(URL, {"actor": operator, "date_from": "2024-02-30"})
    assert _shown_ids(response) == []


def test_every_action_written_in_the_code_has_a_label_for_the_auditor() -> None:
    from pathlib import Path

    from percorsi.core.audit_labels import ACTION_LABELS

    source = Path(__file__).resolve().parents[2] / "src" / "percorsi"
    written = {
        match
        for path in source.rglob("*.py")
        for match in re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', path.read_text())
    }
    assert written, "no audit actions found in the code"
    assert sorted(written - ACTION_LABELS.keys()) == []


def test_the_log_shows_what_happened_in_words(
    client_for: Callable[[str], Client], entries: dict[str, list[int]]
) -> None:
    response = client_for("auditor_a").get(URL)
    assert shows(response, "Case file consulted")
    assert shows(response, "Role changed")
