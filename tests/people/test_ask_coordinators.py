"""A possible match at another site: the operator asks the coordinators, who get case numbers, no names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from percorsi.core.models import AuditEntry, Membership, Site
from percorsi.core.permissions import Role
from percorsi.people.models import Person
from tests.conftest import Persona
from tests.helpers import page_text, shows
from tests.people.conftest import url

pytestmark = pytest.mark.django_db


def test_the_coordinators_of_both_sites_are_asked_without_names(
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    personas: dict[str, Persona],
    make_person: Callable[..., Person],
    make_user: Callable[..., object],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    vicenza_coordinator = make_user("coord.vicenza@example.org", full_name="Chiara Zanon")
    Membership.objects.create(user=vicenza_coordinator, site=site_b, role=Role.COORDINATOR)
    elsewhere = make_person(
        site_b,
        "Mohamed",
        "Diallo",
        sex="M",
        birth_date=date(1990, 1, 1),
        birth_date_precision="year",
        nationality="GN",
    )
    here = make_person(
        site_a,
        "Muhammad",
        "Jallow",
        sex="M",
        birth_date=date(1990, 1, 1),
        birth_date_precision="year",
        nationality="GN",
    )

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client_for("operator_a").post(url("ask_coordinators", site_a, pk=here.pk), follow=True)
    with translation.override(response["Content-Language"]):
        sent = ngettext(
            "The request was sent to %(count)d coordinator of the sites involved.",
            "The request was sent to %(count)d coordinators of the sites involved.",
            2,
        ) % {"count": 2}
    assert sent in page_text(response)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([personas["coordinator_a"].user.email, vicenza_coordinator.email])
    body = mail.outbox[0].body
    assert str(elsewhere.pk) in body and str(here.pk) in body
    for name in ("Mohamed", "Diallo", "Muhammad", "Jallow"):
        assert name not in body
    # The operator is not told which site or record.
    assert "Vicenza" not in response.content.decode()
    entry = AuditEntry.objects.get(action="people.duplicates.coordinators_asked")
    assert entry.data == {"sites": 1, "coordinators": 2}


def test_without_matches_elsewhere_nothing_is_sent(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, make_person: Callable[..., Person]
) -> None:
    here = make_person(site_a, "Amina", "Yusuf")
    response = client_for("operator_a").post(url("ask_coordinators", site_a, pk=here.pk), follow=True)
    assert shows(response, "No possible match at other sites any more: nothing to check.")
    assert mail.outbox == []
