"""Site scoping: site-owned rows need a scope, and a user reaches only the sites of their memberships."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django_scopes import ScopeError, scope, scopes_disabled

from percorsi.accounts.models import User
from percorsi.core.decorators import get_site_object_or_404
from percorsi.core.models import AuditEntry, Membership, Site
from percorsi.core.permissions import Role
from tests.conftest import Persona
from tests.core.test_permissions_walk import URLS
from tests.scopedapp.models import CaseNote

SITE_URL_NAMES = sorted(name for name, (params, _pattern) in URLS.items() if "site" in params)


@pytest.fixture
def notes(site_a: Site, site_b: Site) -> dict[str, CaseNote]:
    with scopes_disabled():
        return {
            "roma": CaseNote.objects.create(site=site_a, text="Roma 1"),
            "roma2": CaseNote.objects.create(site=site_a, text="Roma 2"),
            "vicenza": CaseNote.objects.create(site=site_b, text="Vicenza 1"),
        }


# --- The scoped manager --------------------------------------------------------------------------


def test_query_without_a_scope_raises(notes: dict[str, CaseNote]) -> None:
    with pytest.raises(ScopeError):
        list(CaseNote.objects.all())
    with pytest.raises(ScopeError):
        CaseNote.objects.filter(text="Roma 1").count()


def test_query_inside_a_scope_sees_only_that_sites_rows(
    notes: dict[str, CaseNote], site_a: Site, site_b: Site
) -> None:
    with scope(site=site_a):
        assert sorted(CaseNote.objects.values_list("text", flat=True)) == ["Roma 1", "Roma 2"]
        assert not CaseNote.objects.filter(pk=notes["vicenza"].pk).exists()
    with scope(site=site_b):
        assert list(CaseNote.objects.values_list("text", flat=True)) == ["Vicenza 1"]


def test_code_that_sees_every_site_says_so(notes: dict[str, CaseNote]) -> None:
    with scopes_disabled():
        assert CaseNote.objects.count() == 3


def test_another_sites_object_is_a_404_and_the_attempt_is_recorded(
    notes: dict[str, CaseNote], site_b: Site
) -> None:
    request = RequestFactory().get("/")
    with scope(site=site_b):
        assert get_site_object_or_404(CaseNote, request, notes["vicenza"].pk, action="tests.note.viewed")
        with pytest.raises(Http404):
            get_site_object_or_404(CaseNote, request, notes["roma"].pk, action="tests.note.viewed")
        with pytest.raises(Http404):
            get_site_object_or_404(CaseNote, request, 999_999, action="tests.note.viewed")
        with pytest.raises(Http404):
            get_site_object_or_404(CaseNote, request, "not-a-number", action="tests.note.viewed")
    denied = list(AuditEntry.objects.filter(action="tests.note.viewed"))
    assert [(e.outcome, e.object_type, e.object_id) for e in denied] == [
        ("denied", "scopedapp.casenote", str(notes["roma"].pk))
    ]
    # Recorded under Roma, the site that owns the note, so that Roma's auditor sees the attempt.
    assert denied[0].site_id == notes["roma"].site_id


# --- Site URLs -----------------------------------------------------------------------------------


def _site_url(name: str, site: Site) -> str:
    params, _pattern = URLS[name]
    kwargs: dict[str, str | int] = {"site": site.slug}
    if "pk" in params:
        kwargs["pk"] = Membership.objects.filter(site=site).order_by("pk").values_list("pk", flat=True)[0]
    for param in params - {"site", "pk"}:
        kwargs[param] = 1  # the site is refused before any object is looked up
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", SITE_URL_NAMES)
def test_a_vicenza_user_gets_404_on_every_roma_url(
    name: str, client_for: Callable[[str], Client], site_a: Site
) -> None:
    client = client_for("operator_b")
    url = _site_url(name, site_a)
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Presa", "city": "Roma", "version": 1}).status_code in {404, 405}


def test_a_404_page_does_not_say_whether_the_site_exists(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    client = client_for("operator_b")
    existing = client.get(reverse("core:home", kwargs={"site": site_a.slug}))
    missing = client.get(reverse("core:home", kwargs={"site": "torino"}))
    assert existing.status_code == missing.status_code == 404

    def page(response: HttpResponse, slug: str) -> str:
        text = response.content.decode().replace(f"/s/{slug}/", "/s/SITE/")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)

    assert page(existing, "roma") == page(missing, "torino")


def test_a_post_to_another_site_changes_nothing(
    client_for: Callable[[str], Client], site_a: Site, personas: dict[str, Persona]
) -> None:
    client = client_for("operator_b")
    response = client.post(
        reverse("core:site_settings", kwargs={"site": site_a.slug}),
        {"name": "Presa", "city": "Roma", "address": "", "version": site_a.version},
    )
    assert response.status_code == 404
    site_a.refresh_from_db()
    assert site_a.name == "Roma"


def test_an_all_sites_user_reaches_both_sites(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site
) -> None:
    client = client_for("admin_all")
    for site in (site_a, site_b):
        response = client.get(reverse("core:home", kwargs={"site": site.slug}))
        assert response.status_code == 200
        assert response.context["current_site"] == site
        response = client.get(reverse("core:staff_list", kwargs={"site": site.slug}))
        assert response.status_code == 200


def test_an_inactive_membership_gives_404(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    client = client_for("operator_a")
    url = reverse("core:home", kwargs={"site": site_a.slug})
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=personas["operator_a"].user).update(is_active=False)
    assert client.get(url).status_code == 404


def test_an_inactive_site_gives_404(client_for: Callable[[str], Client], site_a: Site) -> None:
    Site.objects.filter(pk=site_a.pk).update(is_active=False)
    assert client_for("admin_all").get(reverse("core:home", kwargs={"site": site_a.slug})).status_code == 404


def test_a_site_role_wins_over_an_all_sites_role(
    make_user: Callable[..., User], site_a: Site, site_b: Site
) -> None:
    user = make_user("two-roles@example.org")
    Membership.objects.create(user=user, site=None, role=Role.AUDITOR)
    Membership.objects.create(user=user, site=site_a, role=Role.COORDINATOR)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("core:staff_list", kwargs={"site": site_a.slug})).status_code == 200
    assert client.get(reverse("core:staff_list", kwargs={"site": site_b.slug})).status_code == 403
    assert client.get(reverse("core:audit_log", kwargs={"site": site_b.slug})).status_code == 200


# --- Site picker and the start page --------------------------------------------------------------


@pytest.fixture
def torino(db: None) -> Site:
    return Site.objects.create(slug="torino", name="Torino", city="Torino")


def _picker_sites(client: Client) -> list[str]:
    response = client.get(reverse("core:site_picker"))
    assert response.status_code == 200
    return [site.slug for site in response.context["sites"]]


def test_site_picker_lists_only_the_users_sites(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_b: Site, torino: Site
) -> None:
    client = client_for("operator_a")
    assert _picker_sites(client) == ["roma"]
    page = client.get(reverse("core:site_picker")).content.decode()
    assert reverse("core:home", kwargs={"site": "roma"}) in page
    assert reverse("core:home", kwargs={"site": "vicenza"}) not in page
    assert "Torino" not in page

    Membership.objects.create(user=personas["operator_a"].user, site=site_b, role=Role.OPERATOR)
    assert _picker_sites(client) == ["roma", "vicenza"]


def test_site_picker_lists_every_active_site_for_an_all_sites_user(
    client_for: Callable[[str], Client], torino: Site
) -> None:
    client = client_for("admin_all")
    assert _picker_sites(client) == ["roma", "torino", "vicenza"]
    Site.objects.filter(pk=torino.pk).update(is_active=False)
    assert _picker_sites(client) == ["roma", "vicenza"]


def test_start_sends_a_one_site_user_to_their_site_home(client_for: Callable[[str], Client]) -> None:
    response = client_for("operator_b").get(reverse("core:start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home", kwargs={"site": "vicenza"})


def test_start_sends_a_several_sites_user_to_the_picker_then_to_the_last_site(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("admin_all")
    response = client.get(reverse("core:start"))
    assert response["Location"] == reverse("core:site_picker")

    client.get(reverse("core:home", kwargs={"site": "vicenza"}))
    response = client.get(reverse("core:start"))
    assert response["Location"] == reverse("core:home", kwargs={"site": "vicenza"})


def test_start_forgets_a_last_site_the_user_no_longer_reaches(
    make_user: Callable[..., User], site_a: Site, site_b: Site
) -> None:
    user = make_user("moving@example.org")
    Membership.objects.create(user=user, site=site_a, role=Role.OPERATOR)
    leaving = Membership.objects.create(user=user, site=site_b, role=Role.OPERATOR)
    client = Client()
    client.force_login(user)
    client.get(reverse("core:home", kwargs={"site": "vicenza"}))
    leaving.is_active = False
    leaving.save()
    response = client.get(reverse("core:start"))
    assert response["Location"] == reverse("core:home", kwargs={"site": "roma"})


def test_a_user_without_a_site_is_told_to_ask_for_one(make_user: Callable[..., User]) -> None:
    client = Client()
    client.force_login(make_user("nobody@example.org"))
    response = client.get(reverse("core:start"))
    assert response["Location"] == reverse("core:site_picker")
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert list(response.context["sites"]) == []


@pytest.mark.parametrize("method", ["exists", "count", "first", "in_bulk", "contains"])
def test_every_query_running_method_needs_a_scope(notes: dict[str, CaseNote], method: str) -> None:
    with pytest.raises(ScopeError):
        if method == "contains":
            CaseNote.objects.contains(notes["roma"])
        elif method == "in_bulk":
            CaseNote.objects.in_bulk([notes["roma"].pk])
        else:
            getattr(CaseNote.objects, method)()
