"""The audit log: who did and saw what, written in the same transaction as the change.

Services call `record(...)` inside their `transaction.atomic()` block. The request's id, client
address, actor, role and site come from the request context set by the middleware, so a service
only names the action and the object. Payloads carry identifiers only, never personal data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from percorsi.core.models import AuditChainHead, AuditEntry, AuditOutcome

GENESIS_HASH = "0" * 64
IdValue = int | str | bool | None


@dataclass(frozen=True)
class AuditContext:
    request_id: str = ""
    client_ip: str | None = None
    actor_id: int | None = None
    role: str = ""
    site_id: int | None = None


_context: ContextVar[AuditContext] = ContextVar("percorsi_audit_context", default=AuditContext())  # noqa: B039


@contextmanager
def audit_context(**changes: Any) -> Iterator[AuditContext]:
    """Set (part of) the audit context for the duration of a block: a request, a command, a job."""
    new = replace(_context.get(), **changes)
    token = _context.set(new)
    try:
        yield new
    finally:
        _context.reset(token)


def current_site_id() -> int | None:
    """The site of the request being served, if any."""
    return _context.get().site_id


def _canonical(entry: AuditEntry) -> bytes:
    content = {
        "id": entry.id,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "role": entry.role,
        "site_id": entry.site_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "outcome": entry.outcome,
        "request_id": entry.request_id,
        "client_ip": entry.client_ip,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _stored_ip(raw: str | None) -> str | None:
    """The address as the database stores it (the hash must cover exactly what is stored)."""
    if not raw:
        return None
    return AuditEntry._meta.get_field("client_ip").to_python(raw)


def _check_data(data: dict[str, IdValue]) -> dict[str, IdValue]:
    for key, value in data.items():
        if not isinstance(key, str) or not (value is None or isinstance(value, int | str | bool)):
            raise TypeError("Audit details hold identifiers only: str keys, int/str/bool values")
        if isinstance(value, str) and len(value) > 64:
            raise ValueError(f"Audit detail {key!r} is too long for an identifier")
    return data


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | str | None = None,
    outcome: str = AuditOutcome.ALLOWED,
    data: dict[str, IdValue] | None = None,
    actor_id: int | None = None,
    role: str | None = None,
    site_id: int | None = None,
) -> AuditEntry:
    """Append an entry to the audit chain. Call it inside the transaction that makes the change."""
    ctx = _context.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
        if site_id is None:
            site_id = getattr(obj, "site_id", None)
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            id=head.last_id + 1,
            created_at=timezone.now().astimezone(UTC),
            actor_id=actor_id if actor_id is not None else ctx.actor_id,
            role=role if role is not None else ctx.role,
            site_id=site_id if site_id is not None else ctx.site_id,
            action=action,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            outcome=outcome,
            request_id=ctx.request_id,
            client_ip=_stored_ip(ctx.client_ip),
            data=_check_data(dict(data or {})),
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        head.last_id = entry.id
        head.last_hash = entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


def record_denied(*, action: str, **kwargs: Any) -> AuditEntry:
    return record(action=action, outcome=AuditOutcome.DENIED, **kwargs)


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str


def verify_chain(*, batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order. Return the number of entries checked and the first problem, if any.

    The head is read first and the walk stops at the entry it names, so entries appended while
    the walk runs are left for the next check instead of looking like a removal. A missing head
    with entries in the log means the head, and possibly the newest entries, were removed."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        first = AuditEntry.objects.order_by("id").values_list("id", flat=True).first()
        return 0, (None if first is None else ChainProblem(1, "removed"))
    expected_id = 1
    prev_hash = GENESIS_HASH
    checked = 0
    last_id = 0
    while expected_id <= head.last_id:
        batch = list(
            AuditEntry.objects.filter(id__gte=expected_id, id__lte=head.last_id).order_by("id")[:batch_size]
        )
        if not batch:
            break
        for entry in batch:
            if entry.id != expected_id:
                return checked, ChainProblem(expected_id, "removed")
            if entry.prev_hash != prev_hash:
                return checked, ChainProblem(entry.id, "out of chain")
            if compute_hash(entry) != entry.hash:
                return checked, ChainProblem(entry.id, "changed")
            prev_hash = entry.hash
            last_id = entry.id
            expected_id += 1
            checked += 1
    if head.last_id != last_id or head.last_hash != prev_hash:
        return checked, ChainProblem(last_id + 1, "removed")
    return checked, None
