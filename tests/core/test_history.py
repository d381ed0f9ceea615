"""History pages: who changed what, with the value before and after."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import translation

from percorsi.core.models import AuditEntry, Membership, Site
from percorsi.core.permissions import Role
from tests.conftest import Persona
from tests.helpers import italian, page_text


def _field_label(model: type, field: str) -> str:
    with translation.override("it"):
        return str(model._meta.get_field(field).verbose_name)  # type: ignore[attr-defined]


def _role_label(role: Role) -> str:
    with translation.override("it"):
        return str(role.label)


def test_site_history_shows_who_changed_what(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    client_for("admin_a").post(
        reverse("core:site_settings", kwargs={"site": "roma"}),
        {"name": "Roma Est", "city": "Roma", "address": site_a.address, "version": site_a.version},
    )
    response = client_for("admin_a").get(reverse("core:site_history", kwargs={"site": "roma"}))
    assert response.status_code == 200
    text = page_text(response)
    assert personas["admin_a"].user.full_name in text
    assert f"{_field_label(Site, 'name')}</strong>: Roma → Roma Est" in text
    # Unchanged fields are not listed as changes; the creation by the test set-up has no author.
    assert f"{_field_label(Site, 'city')}</strong>" not in text
    assert italian("the system") in text
    rows = response.context["rows"]
    assert [row.who for row in rows] == [personas["admin_a"].user, None]


def test_staff_history_shows_role_changes(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = Membership.objects.get(user=personas["operator_a"].user)
    coordinator = client_for("coordinator_a")
    coordinator.post(
        reverse("core:staff_edit", kwargs={"site": "roma", "pk": target.pk}),
        {"role": "teacher", "is_active": "on", "version": target.version},
    )
    url = reverse("core:staff_history", kwargs={"site": "roma", "pk": target.pk})
    response = coordinator.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert personas["coordinator_a"].user.full_name in text
    role_change = (
        f"{_field_label(Membership, 'role')}</strong>: "
        f"{_role_label(Role.OPERATOR)} → {_role_label(Role.TEACHER)}"
    )
    assert role_change in text
    # Looking at someone's history is itself recorded.
    viewed = AuditEntry.objects.get(action="core.membership.history_viewed")
    assert (viewed.actor_id, viewed.object_id) == (personas["coordinator_a"].user.pk, str(target.pk))


def test_staff_history_is_readable_by_staff_readers_only(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = Membership.objects.get(user=personas["teacher_a"].user)
    url = reverse("core:staff_history", kwargs={"site": "roma", "pk": target.pk})
    assert client_for("admin_a").get(url).status_code == 200
    assert client_for("operator_a").get(url).status_code == 403
    assert client_for("operator_b").get(url).status_code == 404
    other = Membership.objects.get(user=personas["operator_b"].user)
    url_other = reverse("core:staff_history", kwargs={"site": "roma", "pk": other.pk})
    assert client_for("coordinator_a").get(url_other).status_code == 404


def test_site_history_is_for_administrators_only(client_for: Callable[[str], Client]) -> None:
    url = reverse("core:site_history", kwargs={"site": "roma"})
    assert client_for("coordinator_a").get(url).status_code == 403
    assert client_for("operator_b").get(url).status_code == 404
