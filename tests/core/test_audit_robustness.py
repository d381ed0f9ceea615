"""The audit chain stays verifiable in real conditions: IPv6 sockets, a log written to while it is
checked, and a head row that someone removes or moves back."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from percorsi.core import audit
from percorsi.core.models import AuditEntry
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def _verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


@pytest.mark.parametrize(
    ("remote_addr", "recorded"),
    [("::ffff:10.1.2.3", "10.1.2.3"), ("fe80::1%eth0", "fe80::1"), ("2001:db8::1", "2001:db8::1")],
)
def test_client_addresses_from_ipv6_sockets_are_recorded_and_verify(
    personas: dict[str, Persona], remote_addr: str, recorded: str
) -> None:
    client = Client(REMOTE_ADDR=remote_addr)
    response = client.post(
        reverse("accounts:login"),
        {"username": personas["operator_a"].user.email, "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="accounts.login").latest("id")
    assert entry.client_ip == recorded
    assert _verify()[0] == 0


def test_entries_written_while_the_log_is_checked_are_not_reported_as_removed(db: None) -> None:
    with audit.audit_context(request_id="test-live"):
        for n in range(4):
            audit.record(action="tests.step", object_type="tests.thing", object_id=n)
    appended: list[int] = []

    def append_once(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        if not appended and "core_auditentry" in sql:
            appended.append(0)  # another user's request, committed while the walk reads its batch
            appended.append(audit.record(action="tests.live", object_type="tests.thing", object_id=9).id)
        return result

    with connection.execute_wrapper(append_once):
        checked, problem = audit.verify_chain(batch_size=2)
    assert appended, "the hook never ran"
    assert problem is None
    assert checked == 4
    assert audit.verify_chain() == (5, None)


def _without_head_trigger(sql: str) -> None:
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("ALTER TABLE core_auditchainhead DISABLE TRIGGER core_auditchainhead_forward_only")
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        try:
            cursor.execute(sql)
        finally:
            if postgresql:
                cursor.execute(
                    "ALTER TABLE core_auditchainhead ENABLE TRIGGER core_auditchainhead_forward_only"
                )
                cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


def test_removing_the_newest_entries_and_the_head_is_reported(db: None) -> None:
    with audit.audit_context(request_id="test-head"):
        ids = [audit.record(action="tests.step", object_type="tests.thing", object_id=n).id for n in range(5)]
    _without_head_trigger(f"DELETE FROM core_auditentry WHERE id = {ids[-1]}")  # noqa: S608
    _without_head_trigger("DELETE FROM core_auditchainhead")
    code, output = _verify()
    assert code == 1
    assert "removed" in output


def test_on_postgresql_the_head_cannot_be_deleted_or_moved_back(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the head's trigger exists on PostgreSQL only")
    with audit.audit_context(request_id="test-head"):
        audit.record(action="tests.step", object_type="tests.thing", object_id=1)
        audit.record(action="tests.step", object_type="tests.thing", object_id=2)
    for sql in ("UPDATE core_auditchainhead SET last_id = 1", "DELETE FROM core_auditchainhead"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert audit.verify_chain() == (2, None)


def test_a_client_cannot_choose_the_request_id(client_for: Callable[[str], Client]) -> None:
    response = client_for("auditor_a").get(
        reverse("core:home", kwargs={"site": "roma"}), HTTP_X_REQUEST_ID="demo-1234"
    )
    assert response["X-Request-ID"] != "demo-1234"
