"""The audit trail: an entry per write and per denied access, ids only, and a chain that shows tampering."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.models import AuditEntry, Membership, Site
from percorsi.core.permissions import Role
from tests.conftest import Persona

PASSWORD = "a-long-test-password"

is_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


def _last(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-id").first()
    assert entry is not None, f"no audit entry {action}"
    return entry


# --- An entry per write --------------------------------------------------------------------------


def test_site_update_is_audited(client_for: Callable[[str], Client], personas: dict[str, Persona]) -> None:
    site = personas["admin_a"].site
    assert site is not None
    response = client_for("admin_a").post(
        reverse("core:site_settings", kwargs={"site": site.slug}),
        {"name": "Roma Est", "city": "Roma", "address": "Via Prenestina 45", "version": site.version},
    )
    assert response.status_code == 302
    entry = _last("core.site.updated")
    assert (entry.actor_id, entry.role, entry.site_id) == (
        personas["admin_a"].user.pk,
        Role.ADMINISTRATOR,
        site.pk,
    )
    assert (entry.object_type, entry.object_id, entry.outcome) == ("core.site", str(site.pk), "allowed")
    assert entry.client_ip == "127.0.0.1"
    assert entry.request_id == response["X-Request-ID"]
    assert entry.created_at.utcoffset() == timedelta(0)


def test_staff_add_is_audited(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("coordinator_a").post(
        reverse("core:staff_new", kwargs={"site": site_a.slug}),
        {
            "email": "nuova@example.org",
            "full_name": "Nuova Collega",
            "role": "operator",
            "preferred_language": "it",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nuova@example.org")
    created_user = _last("accounts.user.created")
    assert created_user.object_id == str(membership.user_id)
    assert created_user.site_id == site_a.pk
    created = _last("core.membership.created")
    assert (created.object_type, created.object_id) == ("core.membership", str(membership.pk))
    assert created.site_id == site_a.pk
    assert created.data == {"role": "operator"}


def test_role_change_is_audited(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    target = Membership.objects.get(user=personas["operator_a"].user)
    response = client_for("coordinator_a").post(
        reverse("core:staff_edit", kwargs={"site": site_a.slug, "pk": target.pk}),
        {"role": "teacher", "is_active": "on", "version": target.version},
    )
    assert response.status_code == 302
    entry = _last("core.membership.updated")
    assert entry.actor_id == personas["coordinator_a"].user.pk
    assert entry.role == Role.COORDINATOR
    assert entry.object_id == str(target.pk)
    assert entry.data == {"role_before": "operator", "role": "teacher", "active_before": True, "active": True}


def test_login_and_logout_are_audited(personas: dict[str, Persona]) -> None:
    user = personas["operator_a"].user
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    login = _last("accounts.login")
    assert (login.actor_id, login.outcome, login.object_id) == (user.pk, "allowed", str(user.pk))

    client.post(reverse("accounts:logout"))
    logout = _last("accounts.logout")
    assert (logout.actor_id, logout.outcome) == (user.pk, "allowed")


def test_password_change_is_audited(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    new_password = "another-long-password-2026"
    client_for("teacher_a").post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    entry = _last("accounts.user.password_changed")
    assert entry.actor_id == personas["teacher_a"].user.pk
    assert entry.object_id == str(personas["teacher_a"].user.pk)


def test_language_change_is_audited(
    client_for: Callable[[str], Client], personas: dict[str, Persona]
) -> None:
    client_for("operator_a").post(reverse("accounts:language"), {"language": "en", "next": "/"})
    entry = _last("accounts.user.language_changed")
    assert entry.actor_id == personas["operator_a"].user.pk
    assert entry.data == {"language": "en"}


# --- An entry per denied access ------------------------------------------------------------------


def test_403_is_audited_as_denied(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    response = client_for("volunteer_a").get(reverse("core:audit_log", kwargs={"site": site_a.slug}))
    assert response.status_code == 403
    entry = _last("core.permission.denied")
    assert entry.outcome == "denied"
    assert (entry.actor_id, entry.role, entry.site_id) == (
        personas["volunteer_a"].user.pk,
        Role.DESK_VOLUNTEER,
        site_a.pk,
    )
    assert entry.object_id == "core:audit_log"
    assert entry.data == {"permission": "audit:read"}


def test_404_on_another_sites_url_is_audited_with_that_site(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    response = client_for("operator_b").get(reverse("core:home", kwargs={"site": site_a.slug}))
    assert response.status_code == 404
    entry = _last("core.site.accessed")
    assert entry.outcome == "denied"
    assert entry.actor_id == personas["operator_b"].user.pk
    # The auditor of Roma sees, in Roma's log, that someone of another site tried to open it.
    assert entry.site_id == site_a.pk
    assert (entry.object_type, entry.object_id) == ("core.site", str(site_a.pk))


def test_404_on_another_sites_record_is_audited(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    other = Membership.objects.get(user=personas["operator_b"].user)
    response = client_for("coordinator_a").get(
        reverse("core:staff_edit", kwargs={"site": site_a.slug, "pk": other.pk})
    )
    assert response.status_code == 404
    entry = AuditEntry.objects.filter(outcome="denied", object_id=str(other.pk)).get()
    assert entry.object_type == "core.membership"
    assert entry.actor_id == personas["coordinator_a"].user.pk
    assert entry.site_id == site_a.pk


def test_404_on_a_record_that_does_not_exist_is_not_audited(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    before = AuditEntry.objects.filter(outcome="denied").count()
    response = client_for("coordinator_a").get(
        reverse("core:staff_edit", kwargs={"site": site_a.slug, "pk": 999_999})
    )
    assert response.status_code == 404
    assert AuditEntry.objects.filter(outcome="denied").count() == before


# --- No personal data ----------------------------------------------------------------------------


def test_entries_carry_no_personal_data(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site
) -> None:
    Client().post(reverse("accounts:login"), {"username": "someone.unknown@example.org", "password": "wrong"})
    Client().post(reverse("accounts:login"), {"username": personas["operator_a"].user.email, "password": "x"})
    Client().post(
        reverse("accounts:login"), {"username": personas["operator_a"].user.email, "password": PASSWORD}
    )
    coordinator = client_for("coordinator_a")
    coordinator.post(
        reverse("core:staff_new", kwargs={"site": site_a.slug}),
        {
            "email": "nuova@example.org",
            "full_name": "Nuova Collega",
            "role": "teacher",
            "preferred_language": "en",
        },
    )
    target = Membership.objects.get(user=personas["operator_a"].user)
    coordinator.post(
        reverse("core:staff_edit", kwargs={"site": site_a.slug, "pk": target.pk}),
        {"role": "desk-volunteer", "version": target.version},
    )
    coordinator.get(reverse("core:staff_history", kwargs={"site": site_a.slug, "pk": target.pk}))
    client_for("admin_a").post(
        reverse("core:site_settings", kwargs={"site": site_a.slug}),
        {"name": "Roma Est", "city": "Roma", "address": "Via Tiburtina 1", "version": site_a.version},
    )
    client_for("operator_b").get(reverse("core:staff_list", kwargs={"site": site_a.slug}))
    client_for("auditor_a").get(reverse("core:audit_log", kwargs={"site": site_a.slug}))

    personal = {"someone.unknown@example.org", "Via Tiburtina 1", "Via Prenestina 45"}
    for user in User.objects.all():
        personal |= {user.email, user.full_name, user.email.split("@")[0]}
    entries = list(AuditEntry.objects.all())
    assert len(entries) >= 10
    for entry in entries:
        content = " ".join(str(getattr(entry, field.attname)) for field in AuditEntry._meta.fields)
        leaked = {value for value in personal if value.lower() in content.lower()}
        assert not leaked, f"entry #{entry.id} ({entry.action}) holds {leaked}"


def test_audit_details_refuse_free_text(db: None) -> None:
    with pytest.raises(ValueError, match="too long"):
        audit.record(action="tests.note", data={"note": "x" * 65})
    with pytest.raises(TypeError):
        audit.record(action="tests.note", data={"person": {"name": "Amina"}})  # type: ignore[dict-item]


# --- The chain: `percorsi audit verify` ----------------------------------------------------------


def _verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


@contextmanager
def _without_append_only_trigger() -> Iterator[None]:
    """Tamper as someone with the database owner's rights would: first switch the trigger off."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
    try:
        yield
    finally:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


def _raw(sql: str, *params: object) -> None:
    with _without_append_only_trigger(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def five_entries(db: None) -> list[int]:
    with audit.audit_context(request_id="test-chain", actor_id=1, site_id=1):
        ids = [audit.record(action="tests.step", object_type="tests.thing", object_id=n).id for n in range(5)]
    assert ids == sorted(ids)
    return ids


def test_verify_passes_on_an_intact_log(five_entries: list[int]) -> None:
    code, output = _verify()
    assert code == 0
    assert "intact: 5 entries checked" in output


def test_verify_passes_on_an_empty_log(db: None) -> None:
    assert _verify() == (0, "Audit log intact: 0 entries checked.\n")


def test_verify_names_an_edited_entry(five_entries: list[int]) -> None:
    third = five_entries[2]
    _raw("UPDATE core_auditentry SET outcome = %s WHERE id = %s", "denied", third)
    code, output = _verify()
    assert code == 1
    assert f"entry #{third} was changed" in output


def test_verify_names_an_entry_edited_together_with_its_hash(five_entries: list[int]) -> None:
    """Recomputing the edited entry's hash does not help: the next entry no longer follows it."""
    third = five_entries[2]
    entry = AuditEntry.objects.get(id=third)
    entry.object_id = "999"
    new_hash = audit.compute_hash(entry)
    _raw("UPDATE core_auditentry SET object_id = %s, hash = %s WHERE id = %s", "999", new_hash, third)
    code, output = _verify()
    assert code == 1
    assert f"entry #{five_entries[3]} does not follow" in output


def test_verify_names_a_deleted_entry(five_entries: list[int]) -> None:
    second = five_entries[1]
    _raw("DELETE FROM core_auditentry WHERE id = %s", second)
    code, output = _verify()
    assert code == 1
    assert f"entry #{second} was removed" in output


def test_verify_names_a_deleted_last_entry(five_entries: list[int]) -> None:
    last = five_entries[-1]
    _raw("DELETE FROM core_auditentry WHERE id = %s", last)
    code, output = _verify()
    assert code == 1
    assert f"entry #{last} was removed" in output


def test_verify_names_reordered_entries(five_entries: list[int]) -> None:
    second, third = five_entries[1], five_entries[2]
    _raw("UPDATE core_auditentry SET id = %s WHERE id = %s", -second, second)
    _raw("UPDATE core_auditentry SET id = %s WHERE id = %s", second, third)
    _raw("UPDATE core_auditentry SET id = %s WHERE id = %s", third, -second)
    code, output = _verify()
    assert code == 1
    assert f"entry #{second} does not follow the entry before it" in output


def test_verify_still_passes_after_more_entries(five_entries: list[int]) -> None:
    audit.record(action="tests.step")
    assert _verify()[0] == 0


@is_postgresql
def test_postgresql_refuses_update_of_an_entry(five_entries: list[int]) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET outcome = 'denied' WHERE id = %s", [five_entries[0]])
    assert AuditEntry.objects.get(id=five_entries[0]).outcome == "allowed"


@is_postgresql
def test_postgresql_refuses_delete_of_an_entry(five_entries: list[int]) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [five_entries[0]])
    assert AuditEntry.objects.filter(id=five_entries[0]).exists()
    assert _verify()[0] == 0
