"""Query budgets (CONVENTIONS.md item 11): list pages cost the same with 3 rows as with 300."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.models import Membership, Site
from percorsi.core.permissions import Role

# The page shell (session, user, site, membership, site switcher), the page's own reads and the
# audit entry it writes (with its savepoints): a query per row would blow it at once.
BUDGET = 20
OTHER_ROLES = [Role.OPERATOR, Role.DESK_VOLUNTEER, Role.TEACHER, Role.ACCOUNTANT]


def _site_with_staff(slug: str, rows: int) -> tuple[Site, User, User]:
    """A site with `rows` memberships, among them a coordinator and an auditor."""
    site = Site.objects.create(slug=slug, name=slug.title(), city=slug.title())
    coordinator = User.objects.create_user(email=f"coordinator@{slug}.example", full_name="Coordinator")
    auditor = User.objects.create_user(email=f"auditor@{slug}.example", full_name="Auditor")
    Membership.objects.create(user=coordinator, site=site, role=Role.COORDINATOR)
    Membership.objects.create(user=auditor, site=site, role=Role.AUDITOR)
    users = User.objects.bulk_create(
        User(email=f"staff{n}@{slug}.example", full_name=f"Staff {n:03}", password="!")
        for n in range(rows - 2)
    )
    Membership.objects.bulk_create(
        Membership(user=user, site=site, role=OTHER_ROLES[n % len(OTHER_ROLES)])
        for n, user in enumerate(users)
    )
    assert Membership.objects.filter(site=site).count() == rows
    return site, coordinator, auditor


def _queries(user: User, url: str) -> int:
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200  # the first visit also settles the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_staff_list_costs_the_same_with_3_and_300_rows(db: None) -> None:
    small, small_coordinator, _ = _site_with_staff("torino", 3)
    large, large_coordinator, _ = _site_with_staff("milano", 300)

    few = _queries(small_coordinator, reverse("core:staff_list", kwargs={"site": small.slug}))
    many = _queries(large_coordinator, reverse("core:staff_list", kwargs={"site": large.slug}))
    assert few <= BUDGET
    assert many == few


def test_audit_log_costs_the_same_with_3_and_300_rows(db: None) -> None:
    sites = {}
    for slug, rows in (("torino", 3), ("milano", 300)):
        site, _coordinator, auditor = _site_with_staff(slug, 3)
        actors = list(Membership.objects.filter(site=site).values_list("user_id", flat=True))
        with audit.audit_context(site_id=site.pk, request_id=f"budget-{slug}"):
            for n in range(rows):
                audit.record(action="tests.row", actor_id=actors[n % 3], object_type="tests.row", object_id=n)
        sites[slug] = (site, auditor)

    def page_queries(slug: str) -> int:
        site, auditor = sites[slug]
        return _queries(auditor, reverse("core:audit_log", kwargs={"site": site.slug}))

    few, many = page_queries("torino"), page_queries("milano")
    assert few <= BUDGET
    assert many == few
