"""`percorsi remind`: the daily reminders (reviews, goals, tasks, permits), in-app and by e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from percorsi.plans import reminders


class Command(BaseCommand):
    help = (
        "Make today's reminders (reviews due, goals past their date, tasks due, permits expiring) as "
        "notifications, and e-mail each user how many are new. Run it once a day (cron); running it "
        "again the same day makes and sends nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-email", action="store_true", help="make the notifications, send no e-mail")
        parser.add_argument("--date", help="remind as on this day (YYYY-MM-DD), for a catch-up run")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date: {error}") from error
        results = reminders.run(today=today, send_email=not options["no_email"])
        for slug, result in results.items():
            line = f"{slug}: {result.created} new notifications, {result.emails} e-mails"
            if result.failed_emails:
                line += f", {result.failed_emails} e-mails not sent (retried next run)"
            self.stdout.write(line)
