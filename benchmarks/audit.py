"""Audit log speed: appending entries to the hash chain, and verifying it.

Not a test. Run it with the project's Python:

    .venv/bin/python benchmarks/audit.py            # a throw-away SQLite database under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/audit.py
        # a throw-away PostgreSQL database next to the one named

Prints the median and p95 time of one append (each in its own transaction, as a service does),
and how long `audit verify` takes for the whole chain.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "20000"))


def _prepare_database() -> str | None:
    """Point the settings at a fresh database; return a PostgreSQL database name to drop afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        os.environ["PERCORSI_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
        return None
    import psycopg

    name = f"percorsi_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    return name


def main() -> None:
    base_url = os.environ.get("DATABASE_URL", "")
    drop = _prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "percorsi.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from percorsi.core import audit

    try:
        call_command("migrate", verbosity=0)
        timings = []
        with audit.audit_context(request_id="bench", actor_id=1, role="operator", site_id=1):
            for i in range(ENTRIES):
                start = time.perf_counter()
                with transaction.atomic():
                    audit.record(action="bench.person.viewed", object_type="people.person", object_id=i)
                timings.append(time.perf_counter() - start)
        timings.sort()
        start = time.perf_counter()
        checked, problem = audit.verify_chain()
        verify_seconds = time.perf_counter() - start
        print(f"database: {connection.vendor}, entries: {ENTRIES}")
        median_ms = statistics.median(timings) * 1000
        p95_ms = timings[int(len(timings) * 0.95)] * 1000
        print(f"append: median {median_ms:.2f} ms, p95 {p95_ms:.2f} ms")
        print(f"append throughput (one writer): {ENTRIES / sum(timings):.0f} entries/s")
        rate = checked / verify_seconds
        intact = problem is None
        print(f"verify: {checked} entries in {verify_seconds:.2f} s ({rate:.0f} entries/s), intact: {intact}")
    finally:
        if drop:
            connection.close()
            import psycopg

            with psycopg.connect(base_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{drop}"')


if __name__ == "__main__":
    main()
