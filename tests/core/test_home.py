"""The home page of a site: Italian, names the site and the role, offers only what the role may open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from percorsi.core.models import Membership
from percorsi.core.permissions import ROLE_PERMISSIONS, Role
from tests.conftest import PERSONA_ROLES, Persona
from tests.helpers import page_text

HOME = reverse("core:home", kwargs={"site": "roma"})
MANAGEMENT_PAGES = {
    "core:staff_list": "staff:read",
    "core:site_settings": "site:manage",
    "core:audit_log": "audit:read",
}
ROMA_PERSONAS = sorted(key for key, (_role, site) in PERSONA_ROLES.items() if site != "vicenza")


@pytest.mark.parametrize("persona", ROMA_PERSONAS)
def test_home_offers_exactly_the_pages_the_role_may_open(
    persona: str, client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    response = client_for(persona).get(HOME)
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    text = page_text(response)
    role = personas[persona].role
    with translation.override("it"):
        role_label = str(Role(role).label)
    assert "<strong>Roma</strong>" in text
    assert f"<strong>{role_label}</strong>" in text
    for url_name, permission in MANAGEMENT_PAGES.items():
        link = f'href="{reverse(url_name, kwargs={"site": "roma"})}"'
        assert (link in text) == (permission in ROLE_PERMISSIONS[role]), (url_name, role)


def test_the_page_shell_has_a_skip_link_and_landmarks(client_for: Callable[[str], Client]) -> None:
    text = page_text(client_for("operator_a").get(HOME))
    assert '<a class="skip-link" href="#main">' in text
    assert '<main id="main"' in text
    assert "<header" in text


def test_the_site_switcher_shows_for_a_user_of_several_sites(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_b: object
) -> None:
    vicenza_home = f'href="{reverse("core:home", kwargs={"site": "vicenza"})}"'
    one_site = client_for("operator_a")
    assert vicenza_home not in page_text(one_site.get(HOME))
    Membership.objects.create(user=personas["operator_a"].user, site=site_b, role=Role.OPERATOR)
    assert vicenza_home in page_text(one_site.get(HOME))
    assert vicenza_home in page_text(client_for("admin_all").get(HOME))
