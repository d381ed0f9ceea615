"""What every service does with the records it changes: lock for an edit with the version check,
save with validation and the history's author, remove a stored file once the change is committed."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from percorsi.core.errors import DomainError, StaleEditError


def locked_for_edit[M: models.Model](
    model: type[M], obj: M, version: int | None, *, gone: str | None = None, **same: Any
) -> M:
    """The row of `obj`, locked until the transaction ends. A form opened at another `version` is
    stale (StaleEditError). With `gone`, a row no longer there (or no longer matching `same`, e.g.
    the same person) is a DomainError with that message; without it, DoesNotExist."""
    rows = model._default_manager.select_for_update().filter(pk=obj.pk, **same)
    current = rows.get() if gone is None else rows.first()
    if current is None:
        raise DomainError(gone or "")
    if version is not None and current.version != version:  # type: ignore[attr-defined]
        raise StaleEditError
    return current


def save_with_history(obj: Any, actor: Any, *, fields: list[str] | None = None) -> None:
    """Validate and save `obj`, the history row naming `actor` as the author."""
    obj.full_clean()
    obj._history_user = actor
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=fields)


def delete_file_after_commit(field_file: Any) -> None:
    """A stored file goes once the change is committed: a rolled-back change keeps its file."""
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))
