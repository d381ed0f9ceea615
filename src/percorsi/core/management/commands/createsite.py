"""`percorsi createsite`: add a site (sede). Its staff are then given access from its Staff page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from percorsi.core import audit
from percorsi.core.models import Site


class Command(BaseCommand):
    help = "Create a site. Example: percorsi createsite --slug padova --name Padova --city Padova"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="Short name used in addresses, e.g. padova")
        parser.add_argument("--name", required=True)
        parser.add_argument("--city", required=True)
        parser.add_argument("--address", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site(
            slug=options["slug"].strip().lower(),
            name=options["name"].strip(),
            city=options["city"].strip(),
            address=options["address"].strip(),
        )
        try:
            site.full_clean()
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(f"The site was not created: {problems}") from None
        with transaction.atomic(), audit.audit_context(request_id="cmd:createsite"):
            site.save()
            audit.record(action="core.site.created", obj=site, site_id=site.pk)
        self.stdout.write(self.style.SUCCESS(f"Site {site.name} created: /s/{site.slug}/"))
