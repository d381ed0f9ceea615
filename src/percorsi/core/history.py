"""Change history (django-simple-history) as rows of who, when, and what changed, before and after.

One or more sources, each the history rows of one model that belong on a page (a person's, a
site's), merge into one list, newest first. The list is paged in two steps, so that the queries
do not grow with the number of changes: first a light index of every row (id, date, which object)
with one query per source; then, for the rows of the page and the rows before them (to diff
against), one query per source, and one per model named by a foreign key on the page.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

_KINDS = {"+": _("created"), "~": _("changed"), "-": _("removed")}
_HIDDEN_FIELDS = {"version", "password", "last_login"}

PAGE_SIZE = 50


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any
    # Said instead of the values, for what is not shown (a file's internal name, a note's text).
    note: Any = ""


@dataclass(frozen=True)
class HistoryRow:
    when: datetime.datetime
    who: Any
    subject: Any
    kind: Any
    changes: list[FieldChange]
    action: str = "~"  # simple-history's history_type: "+" created, "~" changed, "-" removed
    title: str = ""  # what the record is (a country, a document's kind), as it was then
    values: list[FieldChange] = field(default_factory=list)  # a created record's values
    reason: str = ""  # the reason given for the change (a removal's, say)

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.when)


@dataclass(frozen=True)
class HistorySource:
    """The history rows of one model that belong on a page, and how to show them.

    `records`: the rows, e.g. `Nationality.history.filter(person_id=7)`.
    `label`: the kind of record; the model's name by default. `labels_by_fields`: a change touching
    only the given fields takes that label instead ("case status" for a person's status fields).
    `title_fields`: the fields that say which record it is. `hidden_fields`: never shown.
    `extra_fields`: fields that are not editable but are shown, with their label.
    `concealed_fields`: shown as changed, without the values. `formatters`: field -> display of
    a value (a country's name for its code)."""

    records: models.QuerySet[Any]
    label: Any = None
    labels_by_fields: tuple[tuple[frozenset[str], Any], ...] = ()
    title_fields: tuple[str, ...] = ()
    hidden_fields: frozenset[str] = frozenset()
    extra_fields: Mapping[str, Any] = field(default_factory=dict)
    concealed_fields: frozenset[str] = frozenset()
    formatters: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)

    @property
    def model(self) -> type[models.Model]:
        return self.records.model.instance_type  # type: ignore[no-any-return]

    def shown_fields(self) -> list[models.Field[Any, Any]]:
        return [
            f
            for f in self.records.model.tracked_fields
            if (f.editable or f.name in self.extra_fields)
            and not f.primary_key
            and f.name not in self.hidden_fields
            and f.name not in _HIDDEN_FIELDS
        ]

    def field_label(self, model_field: models.Field[Any, Any]) -> Any:
        return self.extra_fields.get(model_field.name) or model_field.verbose_name


class IndexEntry(NamedTuple):
    when: datetime.datetime
    history_id: int
    source: int  # position in the list of sources
    previous_id: int | None  # the object's row before this one, to diff against


def history_index(sources: Sequence[HistorySource]) -> list[IndexEntry]:
    """Every row of every source, newest first: one light query per source."""
    entries = []
    for position, source in enumerate(sources):
        object_key = source.model._meta.pk.attname
        rows = sorted(source.records.values_list(object_key, "history_date", "history_id"))
        for index, (object_id, when, history_id) in enumerate(rows):
            before = rows[index - 1] if index > 0 and rows[index - 1][0] == object_id else None
            entries.append(IndexEntry(when, history_id, position, before[2] if before else None))
    entries.sort(key=lambda entry: (entry.when, entry.source, entry.history_id), reverse=True)
    return entries


def history_page(
    sources: Sequence[HistorySource], *, number: Any = 1, per_page: int = PAGE_SIZE
) -> tuple[Page[IndexEntry], list[HistoryRow]]:
    """One page of the merged history and its rows.

    A save that changed nothing shown (the version only) is left out, so a page can hold a few rows
    fewer than `per_page`."""
    page = Paginator(history_index(sources), per_page).get_page(number)
    return page, history_rows_for(sources, page.object_list)


def history_rows(obj: models.Model, *, limit: int = 200) -> list[HistoryRow]:
    """The newest changes of one object first, each with the fields it changed (before and after)."""
    sources = [HistorySource(records=obj.history.all())]  # type: ignore[attr-defined]
    return history_rows_for(sources, history_index(sources)[:limit])


def history_rows_for(sources: Sequence[HistorySource], entries: Iterable[IndexEntry]) -> list[HistoryRow]:
    entries = list(entries)
    wanted: dict[int, set[int]] = defaultdict(set)
    for entry in entries:
        wanted[entry.source].add(entry.history_id)
        if entry.previous_id is not None:
            wanted[entry.source].add(entry.previous_id)
    records: dict[tuple[int, int], Any] = {}
    for position, ids in wanted.items():
        query = sources[position].records.filter(history_id__in=ids).select_related("history_user")
        records.update({(position, record.history_id): record for record in query})

    drafts = []
    for entry in entries:
        source = sources[entry.source]
        record = records[entry.source, entry.history_id]
        previous = records.get((entry.source, entry.previous_id)) if entry.previous_id else None
        drafts.append((source, record, previous, _raw_changes(source, record, previous)))
    named = []  # (field, value) of every value on the page, for the names foreign keys point to
    for source, record, _previous, changes in drafts:
        named += [(f, value) for f, before, after in changes for value in (before, after)]
        named += [(f, getattr(record, f.attname)) for f in _title_fields(source)]
        if record.history_type == "+":
            named += [(f, getattr(record, f.attname)) for f in source.shown_fields()]
    names = _related_names(named)

    rows = []
    for source, record, previous, changes in drafts:
        shown = [_field_change(source, f, before, after, names) for f, before, after in changes]
        if record.history_type == "~" and previous is not None and not shown:
            continue  # a save that changed nothing shown here (a login stamps the account, say)
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=record.history_user,
                subject=_label(source, [f.name for f, _before, _after in changes]),
                kind=_KINDS.get(record.history_type, ""),
                changes=shown,
                action=record.history_type,
                title=_title(source, record, names),
                values=_created_values(source, record, names) if record.history_type == "+" else [],
                reason=record.history_change_reason or "",
            )
        )
    return rows


def _title_fields(source: HistorySource) -> list[models.Field[Any, Any]]:
    return [source.model._meta.get_field(name) for name in source.title_fields]  # type: ignore[misc]


def _title(source: HistorySource, record: Any, names: Mapping[type[models.Model], Mapping[Any, str]]) -> str:
    shown = (_show(source, f, getattr(record, f.attname), names) for f in _title_fields(source))
    return ", ".join(str(text) for text in shown if text)


def _raw_changes(
    source: HistorySource, record: Any, previous: Any
) -> list[tuple[models.Field[Any, Any], Any, Any]]:
    if previous is None or record.history_type != "~":
        return []
    changes = []
    for model_field in source.shown_fields():
        before, after = getattr(previous, model_field.attname), getattr(record, model_field.attname)
        if isinstance(model_field, models.FileField):
            before, after = getattr(before, "name", before) or "", getattr(after, "name", after) or ""
        if before != after:
            changes.append((model_field, before, after))
    return changes


def _related_names(
    values: Iterable[tuple[models.Field[Any, Any], Any]],
) -> dict[type[models.Model], dict[Any, str]]:
    """The names of the objects that foreign keys on the page point to: one query per model.

    Through each model's default manager, so that a site's scope applies: an object of another
    site stays a number."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for model_field, value in values:
        if model_field.many_to_one and value is not None:
            wanted[model_field.related_model].add(value)  # type: ignore[index]
    return {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }


def _created_values(
    source: HistorySource, record: Any, names: Mapping[type[models.Model], Mapping[Any, str]]
) -> list[FieldChange]:
    """The values a record was created with, apart from those in its title and fixed defaults."""
    values = []
    for model_field in source.shown_fields():
        value = getattr(record, model_field.attname)
        if model_field.name in source.title_fields or model_field.name in source.concealed_fields:
            continue
        default = model_field.default if not callable(model_field.default) else None
        if value in (None, "", False) or (model_field.has_default() and value == default):
            continue
        if isinstance(model_field, models.FileField):
            values.append(_field_change(source, model_field, "", getattr(value, "name", value), names))
        else:
            label = str(source.field_label(model_field))
            values.append(FieldChange(field=label, before="", after=_show(source, model_field, value, names)))
    return values


def _field_change(
    source: HistorySource,
    model_field: models.Field[Any, Any],
    before: Any,
    after: Any,
    names: Mapping[type[models.Model], Mapping[Any, str]],
) -> FieldChange:
    label = str(source.field_label(model_field))
    if model_field.name in source.concealed_fields:
        return FieldChange(field=label, before="", after="", note=_("changed, not shown here"))
    if isinstance(model_field, models.FileField):
        note = _("file replaced") if before and after else _("file added") if after else _("file removed")
        return FieldChange(field=label, before="", after="", note=note)
    return FieldChange(
        field=label,
        before=_show(source, model_field, before, names),
        after=_show(source, model_field, after, names),
    )


def _show(
    source: HistorySource,
    model_field: models.Field[Any, Any],
    value: Any,
    names: Mapping[type[models.Model], Mapping[Any, str]],
) -> Any:
    """A value as a user reads it: choice labels, names, dates in the active language."""
    if value is None or value == "":
        return ""
    if model_field.name in source.formatters:
        return source.formatters[model_field.name](value)
    if model_field.many_to_one:
        return names.get(model_field.related_model, {}).get(value, f"#{value}")  # type: ignore[call-overload]
    if getattr(model_field, "choices", None):
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


def _label(source: HistorySource, changed: list[str]) -> Any:
    for fields, label in source.labels_by_fields:
        if changed and set(changed) <= fields:
            return label
    return source.label or source.model._meta.verbose_name
