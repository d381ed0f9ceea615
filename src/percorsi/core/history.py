"""Change history of a record (django-simple-history), as rows of who, when, and what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

_KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
_HIDDEN_FIELDS = {"version", "password", "last_login"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    who: Any
    subject: Any
    kind: Any
    changes: list[FieldChange]


def _display(record: Any, field_name: str, value: Any) -> Any:
    field = record.instance_type._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else value


def history_rows(obj: models.Model, *, limit: int = 200) -> list[HistoryRow]:
    """The newest changes first, each with the fields it changed (before and after)."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )  # type: ignore[attr-defined]
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in _HIDDEN_FIELDS:
                    continue
                changes.append(
                    FieldChange(
                        field=str(record.instance_type._meta.get_field(change.field).verbose_name),
                        before=_display(record, change.field, change.old),
                        after=_display(record, change.field, change.new),
                    )
                )
        if previous is not None and record.history_type == "~" and not changes:
            continue  # a save that changed nothing shown here (a login stamps the account, say)
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=record.history_user,
                subject=obj._meta.verbose_name,
                kind=_KINDS.get(record.history_type, ""),
                changes=changes,
            )
        )
    return rows
