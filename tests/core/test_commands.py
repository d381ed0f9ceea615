"""Commands for setting up a real installation: the first administrator and the sites."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from percorsi.accounts.models import User
from percorsi.core.audit import verify_chain
from percorsi.core.models import AuditEntry, Membership, Site
from percorsi.core.permissions import Role

pytestmark = pytest.mark.django_db


def test_createsite_adds_a_site_and_audits_it() -> None:
    call_command("createsite", slug="padova", name="Padova", city="Padova", address="Via Roma 1")
    site = Site.objects.get(slug="padova")
    assert (site.name, site.city, site.address) == ("Padova", "Padova", "Via Roma 1")
    entry = AuditEntry.objects.get(action="core.site.created")
    assert (entry.object_id, entry.site_id) == (str(site.pk), site.pk)


def test_createsite_refuses_a_taken_or_malformed_slug_and_changes_nothing(site_a: Site) -> None:
    with pytest.raises(CommandError):
        call_command("createsite", slug="roma", name="Roma bis", city="Roma")
    with pytest.raises(CommandError):
        call_command("createsite", slug="not a slug!", name="X", city="X")
    assert list(Site.objects.values_list("slug", flat=True)) == ["roma"]
    assert not AuditEntry.objects.filter(action="core.site.created").exists()


def test_createsuperuser_gives_the_administrator_role_at_every_site(site_a: Site, site_b: Site) -> None:
    call_command(
        "createsuperuser",
        interactive=False,
        email="Direzione@Example.org",
        full_name="Direzione",
        verbosity=0,
    )
    user = User.objects.get(email="direzione@example.org")
    membership = Membership.objects.get(user=user)
    assert (membership.site, membership.role) == (None, Role.ADMINISTRATOR)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("core:start"))["Location"] == reverse("core:site_picker")
    for site in (site_a, site_b):
        assert client.get(reverse("core:staff_list", kwargs={"site": site.slug})).status_code == 200
    assert verify_chain()[1] is None
