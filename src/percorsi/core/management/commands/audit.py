"""`percorsi audit verify`: check the audit chain; exit 1 at the first changed or removed entry."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from percorsi.core.audit import verify_chain

_REASONS = {
    "changed": "entry #{id} was changed (its content no longer matches its hash)",
    "removed": "entry #{id} was removed (the chain skips it)",
    "out of chain": "entry #{id} does not follow the entry before it (an earlier entry was changed, "
    "removed or the entries were reordered)",
}


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks that no entry was changed, removed or reordered."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check the hash chain of the audit log.")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = verify_chain()
        if problem is None:
            self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} entries checked."))
            return
        self.stderr.write(
            self.style.ERROR(
                "Audit log tampered with: " + _REASONS[problem.reason].format(id=problem.entry_id)
            )
        )
        self.stderr.write(f"{checked} entries before it are intact.")
        sys.exit(1)
