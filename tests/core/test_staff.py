"""The staff of a site: who works there, giving access to a colleague, changing a role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry, Membership, Site
from percorsi.core.permissions import Role
from tests.conftest import Persona
from tests.helpers import page_text, shows

STALE = (
    "Someone else changed this record after you opened it. Your changes were not saved: "
    "reload the page to see the current version, then make your changes again."
)


def _new(site: Site) -> str:
    return reverse("core:staff_new", kwargs={"site": site.slug})


def _edit(membership: Membership) -> str:
    assert membership.site is not None
    return reverse("core:staff_edit", kwargs={"site": membership.site.slug, "pk": membership.pk})


def _membership(persona: Persona) -> Membership:
    return Membership.objects.select_related("site").get(user=persona.user)


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), AuditEntry.objects.count()


NEW_COLLEAGUE = {
    "email": "Nuova.Collega@Example.org",
    "full_name": "Nuova Collega",
    "role": "operator",
    "preferred_language": "it",
}


# --- The list ------------------------------------------------------------------------------------


def test_coordinator_sees_the_sites_staff(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("coordinator_a").get(reverse("core:staff_list", kwargs={"site": site_a.slug}))
    assert response.status_code == 200
    text = page_text(response)
    for key in ("operator_a", "volunteer_a", "teacher_a", "auditor_a", "admin_a", "admin_all"):
        assert f"{key}@example.org" in text
    assert "operator_b@example.org" not in text
    assert _new(site_a) in text


def test_staff_list_offers_changes_only_for_roles_the_reader_may_give(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    text = page_text(client_for("coordinator_a").get(reverse("core:staff_list", kwargs={"site": "roma"})))

    def link(persona: str) -> str:
        return f'href="{_edit(_membership(personas[persona]))}"'

    assert link("operator_a") in text
    assert link("teacher_a") in text
    assert link("admin_a") not in text
    assert link("coordinator_a") not in text  # one's own role


def test_staff_list_is_403_without_staff_read_and_404_at_another_site(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    url = reverse("core:staff_list", kwargs={"site": site_a.slug})
    assert client_for("operator_a").get(url).status_code == 403
    assert client_for("operator_b").get(url).status_code == 404


# --- Giving access -------------------------------------------------------------------------------


def test_coordinator_gives_access_to_a_new_operator(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    client = client_for("coordinator_a")
    response = client.post(_new(site_a), NEW_COLLEAGUE)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:staff_list", kwargs={"site": site_a.slug})

    user = User.objects.get(email="nuova.collega@example.org")
    assert user.full_name == "Nuova Collega"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.site, membership.role, membership.is_active) == (site_a, Role.OPERATOR, True)

    listing = client.get(response["Location"])
    assert "nuova.collega@example.org" in page_text(listing)
    with translation.override(listing["Content-Language"]):
        expected = gettext(
            "Access given to %(name)s. Tell them to open the login page and choose "
            "“First access, or forgot your password?”."
        ) % {"name": "Nuova Collega", "site": "Roma"}
    assert expected in page_text(listing)


def test_coordinator_cannot_give_the_administrator_role(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    client = client_for("coordinator_a")
    form_page = page_text(client.get(_new(site_a)))
    assert 'value="operator"' in form_page
    assert 'value="administrator"' not in form_page
    assert 'value="coordinator"' not in form_page

    before = _counts()
    response = client.post(_new(site_a), {**NEW_COLLEAGUE, "role": "administrator"})
    assert response.status_code == 400
    errors = response.context["form"].errors["role"]
    assert errors
    assert errors[0] in page_text(response)
    assert _counts() == before


def test_administrator_gives_the_coordinator_role(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("admin_a").post(_new(site_a), {**NEW_COLLEAGUE, "role": "coordinator"})
    assert response.status_code == 302
    assert Membership.objects.get(user__email="nuova.collega@example.org").role == Role.COORDINATOR


def test_a_colleague_of_another_site_keeps_one_account(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    users = User.objects.count()
    response = client_for("coordinator_a").post(
        _new(site_a), {**NEW_COLLEAGUE, "email": "OPERATOR_B@example.org", "role": "teacher"}
    )
    assert response.status_code == 302
    assert User.objects.count() == users
    roles = dict(
        Membership.objects.filter(user=personas["operator_b"].user).values_list("site__slug", "role")
    )
    assert roles == {"vicenza": "operator", "roma": "teacher"}
    # The account's own name is not overwritten by what the coordinator typed.
    personas["operator_b"].user.refresh_from_db()
    assert personas["operator_b"].user.full_name == "Operator B"


def test_someone_already_at_the_site_is_refused(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    client = client_for("coordinator_a")
    before = _counts()
    response = client.post(_new(site_a), {**NEW_COLLEAGUE, "email": personas["volunteer_a"].user.email})
    assert response.status_code == 400
    assert shows(response, "This person already has a role at this site.")
    assert _counts() == before


@pytest.mark.parametrize(
    ("field", "value"), [("email", "not-an-address"), ("full_name", ""), ("preferred_language", "xx")]
)
def test_invalid_input_is_400_and_changes_nothing(
    client_for: Callable[[str], Client], site_a: Site, field: str, value: str
) -> None:
    client = client_for("coordinator_a")
    before = _counts()
    response = client.post(_new(site_a), {**NEW_COLLEAGUE, field: value})
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert errors[0] in page_text(response)
    assert shows(response, "Some fields need your attention: see the messages below them. Nothing was saved.")
    assert _counts() == before


def test_giving_access_is_403_without_staff_write_and_404_at_another_site(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    before = _counts()
    for persona in ("operator_a", "auditor_a"):
        assert client_for(persona).post(_new(site_a), NEW_COLLEAGUE).status_code == 403
    assert client_for("operator_b").post(_new(site_a), NEW_COLLEAGUE).status_code == 404
    assert _counts()[:2] == before[:2]


# --- Changing a role -----------------------------------------------------------------------------


def test_coordinator_changes_an_operators_role(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = _membership(personas["operator_a"])
    client = client_for("coordinator_a")
    assert client.get(_edit(target)).status_code == 200
    response = client.post(_edit(target), {"role": "teacher", "is_active": "on", "version": target.version})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.is_active, target.version) == (Role.TEACHER, True, 2)
    listing = client.get(response["Location"])
    with translation.override(listing["Content-Language"]):
        expected = gettext("The role of %(name)s was saved.") % {"name": target.user, "site": "Roma"}
    assert expected in page_text(listing)
    # The operator now works as a teacher: the staff page is closed, the home page open.
    operator = client_for("operator_a")
    assert operator.get(reverse("core:home", kwargs={"site": "roma"})).status_code == 200


def test_coordinator_ends_an_operators_access(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = _membership(personas["operator_a"])
    response = client_for("coordinator_a").post(
        _edit(target), {"role": "operator", "version": target.version}
    )
    assert response.status_code == 302
    assert client_for("operator_a").get(reverse("core:home", kwargs={"site": "roma"})).status_code == 404


def test_a_stale_edit_is_refused_and_changes_nothing(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = _membership(personas["operator_a"])
    opened_version = target.version
    coordinator = client_for("coordinator_a")
    # Someone else saves first...
    first = client_for("admin_a").post(
        _edit(target), {"role": "desk-volunteer", "is_active": "on", "version": opened_version}
    )
    assert first.status_code == 302
    # ...then the coordinator saves the form opened before.
    response = coordinator.post(
        _edit(target), {"role": "teacher", "is_active": "on", "version": opened_version}
    )
    assert response.status_code == 400
    assert shows(response, STALE)
    target.refresh_from_db()
    assert (target.role, target.version) == (Role.DESK_VOLUNTEER, opened_version + 1)
    assert not AuditEntry.objects.filter(
        action="core.membership.updated", actor_id=personas["coordinator_a"].user.pk
    )


def test_coordinator_cannot_change_an_administrator(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = _membership(personas["admin_a"])
    client = client_for("coordinator_a")
    assert shows(client.get(_edit(target)), "Your role cannot change this person's role.")
    response = client.post(_edit(target), {"role": "operator", "is_active": "on", "version": target.version})
    assert response.status_code == 400
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.ADMINISTRATOR, True)


def test_nobody_changes_their_own_role(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = _membership(personas["admin_a"])
    response = client_for("admin_a").post(
        _edit(target), {"role": "operator", "is_active": "on", "version": target.version}
    )
    assert response.status_code == 400
    assert shows(response, "Your role cannot change this person's role.")
    target.refresh_from_db()
    assert target.role == Role.ADMINISTRATOR


def test_an_all_sites_role_is_not_changed_from_a_sites_page(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = _membership(personas["admin_all"])
    url = reverse("core:staff_edit", kwargs={"site": "roma", "pk": target.pk})
    assert client_for("admin_a").post(url, {"role": "operator", "version": target.version}).status_code == 404
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.ADMINISTRATOR, True)


def test_an_unknown_role_is_400(client_for: Callable[[str], Client], personas: dict[str, Persona]) -> None:
    target = _membership(personas["operator_a"])
    response = client_for("admin_a").post(_edit(target), {"role": "superuser", "version": target.version})
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.role == Role.OPERATOR


def test_changing_a_role_is_403_without_staff_write_and_404_at_another_site(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = _membership(personas["teacher_a"])
    data = {"role": "operator", "is_active": "on", "version": target.version}
    assert client_for("operator_a").post(_edit(target), data).status_code == 403
    assert client_for("operator_b").post(_edit(target), data).status_code == 404
    # Roma's coordinator cannot reach Vicenza's staff through Roma's address either.
    other = _membership(personas["operator_b"])
    url = reverse("core:staff_edit", kwargs={"site": "roma", "pk": other.pk})
    assert client_for("coordinator_a").post(url, data).status_code == 404
    target.refresh_from_db()
    other.refresh_from_db()
    assert (target.role, other.role) == (Role.TEACHER, Role.OPERATOR)


def test_deactivating_says_who_lost_access_and_reactivating_restores_it(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    target = Membership.objects.get(user=personas["teacher_a"].user)
    client = client_for("coordinator_a")
    url = reverse("core:staff_edit", kwargs={"site": "roma", "pk": target.pk})
    off = client.post(url, {"role": target.role, "version": target.version}, follow=True)
    with translation.override(off["Content-Language"]):
        assert gettext("%(name)s no longer has access to %(site)s.") % {
            "name": target.user,
            "site": "Roma",
        } in page_text(off)
    target.refresh_from_db()
    on = client.post(url, {"role": target.role, "is_active": "on", "version": target.version}, follow=True)
    with translation.override(on["Content-Language"]):
        assert gettext("Access of %(name)s to %(site)s restored.") % {
            "name": target.user,
            "site": "Roma",
        } in page_text(on)
