"""`percorsi demo`: the demonstration sites and accounts. Running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.demo import DEMO_STEPS
from percorsi.core.models import Membership, Site
from percorsi.core.permissions import Role

DEMO_PASSWORD = "percorsi-demo"  # noqa: S105  (printed for the demonstration; never used outside it)
DEMO_SITES = [
    {"slug": "roma", "name": "Roma", "city": "Roma", "address": "Via Prenestina 45, 00176 Roma"},
    {
        "slug": "vicenza",
        "name": "Vicenza",
        "city": "Vicenza",
        "address": "Contrà San Marco 12, 36100 Vicenza",
    },
]
STAFF_ROLES = [
    Role.ADMINISTRATOR,
    Role.COORDINATOR,
    Role.OPERATOR,
    Role.DESK_VOLUNTEER,
    Role.TEACHER,
    Role.ACCOUNTANT,
    Role.AUDITOR,
]
ADMIN_EMAIL = "admin@percorsi.demo"

# Plausible names for the demonstration staff, one per role and site.
_STAFF_NAMES = {
    "roma": [
        "Giulia Ferri",
        "Marco Bellini",
        "Sara Conti",
        "Luca Martini",
        "Anna Romano",
        "Paolo Greco",
        "Elena Riva",
    ],
    "vicenza": [
        "Chiara Zanon",
        "Davide Pozzan",
        "Francesca Dal Lago",
        "Matteo Bortolan",
        "Silvia Cattelan",
        "Andrea Marangon",
        "Laura Fabris",
    ],
}


def demo_accounts() -> list[tuple[str, str, str]]:
    """(e-mail, site, role label) of every demonstration account, in the order they are printed."""
    accounts = [(ADMIN_EMAIL, "*", str(Role.ADMINISTRATOR.label))]
    for site in DEMO_SITES:
        for role in STAFF_ROLES:
            accounts.append((f"{role.value}@{site['slug']}.demo", site["name"], str(role.label)))
    return accounts


class Command(BaseCommand):
    help = "Create the demonstration sites and one account per role per site (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = self._create()
        for name, step in DEMO_STEPS:
            for site in Site.objects.filter(slug__in=[s["slug"] for s in DEMO_SITES]).order_by("name"):
                made = step(site)
                if made:
                    self.stdout.write(f"Demonstration {name} at {site.name}: {made} created.")
                created += made
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demonstration data: {created} records created."))
        else:
            self.stdout.write("Demonstration data already present: nothing changed.")
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, site, role in demo_accounts():
            site_label = "all sites" if site == "*" else site
            self.stdout.write(f"  {email:<34} {site_label:<10} {role}")

    def _create(self) -> int:
        created = 0
        with transaction.atomic(), audit.audit_context(request_id="cmd:demo"):
            sites = {}
            for data in DEMO_SITES:
                site, was_created = Site.objects.get_or_create(slug=data["slug"], defaults=data)
                sites[site.slug] = site
                if was_created:
                    created += 1
                    audit.record(action="core.site.created", obj=site, site_id=site.pk)
            admin, was_created = self._user(ADMIN_EMAIL, "Amministrazione Percorsi")
            created += was_created
            created += self._membership(admin, None, Role.ADMINISTRATOR)
            for slug, site in sites.items():
                for role, name in zip(STAFF_ROLES, _STAFF_NAMES[slug], strict=True):
                    user, was_created = self._user(f"{role.value}@{slug}.demo", name)
                    created += was_created
                    created += self._membership(user, site, role)
        return created

    def _user(self, email: str, full_name: str) -> tuple[User, bool]:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            return user, False
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        audit.record(action="accounts.user.created", obj=user)
        return user, True

    def _membership(self, user: User, site: Site | None, role: str) -> int:
        if Membership.objects.filter(user=user, site=site).exists():
            return 0
        membership = Membership.objects.create(user=user, site=site, role=role)
        audit.record(action="core.membership.created", obj=membership, site_id=site.pk if site else None)
        return 1
