"""/healthz: 200 while the database answers, 503 when it does not; open to the load balancer."""

from __future__ import annotations

from pathlib import Path

from django.db import connections
from django.db.utils import load_backend
from django.test import Client


def test_healthz_is_200_with_the_database_reachable(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable(db: None, tmp_path: Path) -> None:
    """The request runs against a real database connection whose database does not exist.

    The test database cannot be taken down under the test (an in-memory SQLite database would be
    lost), so this thread's default connection is swapped, for one request, for a real connection
    to a database that is not there: a missing file on SQLite, a missing database on PostgreSQL."""
    working = connections["default"]
    settings_dict = {**working.settings_dict}
    if working.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "percorsi.sqlite3")
    else:
        settings_dict["NAME"] = "percorsi_no_such_database"
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = unreachable
    try:
        response = Client().get("/healthz")
    finally:
        connections["default"] = working
        unreachable.close()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}

    assert Client().get("/healthz").status_code == 200


def test_healthz_answers_get_only(db: None) -> None:
    assert Client().post("/healthz").status_code == 405


def test_a_head_probe_is_answered(db: None) -> None:
    from django.test import Client as _Client

    assert _Client().head("/healthz").status_code == 200
