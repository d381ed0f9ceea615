"""The site's details: the administrator edits them; a stale or invalid form changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from percorsi.core.models import AuditEntry, Site
from tests.helpers import page_text, shows

URL = reverse("core:site_settings", kwargs={"site": "roma"})
STALE = (
    "Someone else changed this record after you opened it. Your changes were not saved: "
    "reload the page to see the current version, then make your changes again."
)


def _data(site: Site, **changes: object) -> dict[str, object]:
    return {"name": site.name, "city": site.city, "address": site.address, "version": site.version, **changes}


def _unchanged(site: Site) -> bool:
    fresh = Site.objects.get(pk=site.pk)
    return (fresh.name, fresh.city, fresh.address, fresh.version) == (
        site.name,
        site.city,
        site.address,
        site.version,
    )


def test_administrator_edits_the_site(client_for: Callable[[str], Client], site_a: Site) -> None:
    client = client_for("admin_a")
    form = client.get(URL)
    assert form.status_code == 200
    assert 'value="Via Prenestina 45"' in page_text(form)

    response = client.post(URL, _data(site_a, name="  Roma Est ", address="Via Tiburtina 1"))
    assert response.status_code == 302
    assert response["Location"] == URL
    site_a.refresh_from_db()
    assert (site_a.name, site_a.address, site_a.version, site_a.slug) == (
        "Roma Est",
        "Via Tiburtina 1",
        2,
        "roma",
    )
    after = client.get(URL)
    assert shows(after, "The site's details were saved.")
    assert "Roma Est" in page_text(after)


def test_the_short_name_in_addresses_cannot_be_changed(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    client_for("admin_a").post(URL, _data(site_a, slug="roma-est"))
    site_a.refresh_from_db()
    assert site_a.slug == "roma"


def test_a_stale_edit_is_refused_and_changes_nothing(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    opened = _data(site_a)
    client_for("admin_all").post(URL, _data(site_a, city="Roma Capitale"))
    site_a.refresh_from_db()

    response = client_for("admin_a").post(URL, {**opened, "name": "Roma Est"})
    assert response.status_code == 400
    assert shows(response, STALE)
    assert _unchanged(site_a)
    assert site_a.name == "Roma"
    assert AuditEntry.objects.filter(action="core.site.updated").count() == 1


@pytest.mark.parametrize(
    ("field", "value"), [("name", ""), ("city", "   "), ("name", "x" * 121), ("version", "not-a-number")]
)
def test_invalid_input_is_400_with_a_message_and_changes_nothing(
    client_for: Callable[[str], Client], site_a: Site, field: str, value: str
) -> None:
    response = client_for("admin_a").post(URL, _data(site_a, **{field: value}))
    assert response.status_code == 400
    assert shows(response, "Some fields need your attention: see the messages below them. Nothing was saved.")
    assert _unchanged(site_a)
    assert not AuditEntry.objects.filter(action="core.site.updated").exists()


def test_other_roles_get_403_and_change_nothing(client_for: Callable[[str], Client], site_a: Site) -> None:
    for persona in ("coordinator_a", "operator_a", "auditor_a"):
        assert client_for(persona).post(URL, _data(site_a, name="Presa")).status_code == 403
    assert _unchanged(site_a)


def test_another_sites_user_gets_404_and_changes_nothing(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    assert client_for("operator_b").post(URL, _data(site_a, name="Presa")).status_code == 404
    assert _unchanged(site_a)
