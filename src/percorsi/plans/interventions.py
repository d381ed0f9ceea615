"""The site's list of interventions as a spreadsheet (XLSX), with only the columns the role may see.

One row per intervention, dates as real Excel dates, headers in the user's language (Italian by
default). Each column declares the permission it needs, as in the people export: the notes are free
text about a person, so they are written only for roles holding `people:sensitive`.

A text cell is always stored as text, never as a formula: a value starting with `=`, `+`, `-` or `@`
is also marked "quote prefix", so that Excel and LibreOffice keep it as text even when someone edits
the cell (formula injection). Characters an XLSX file cannot hold (control characters pasted into a
note) are dropped rather than failing the whole export.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from percorsi.people.exports import FORMULA_STARTS
from percorsi.plans.models import Intervention

Value = str | int | date | None
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
CELL_MAX_LENGTH = 32767  # Excel's limit for the text of a cell

READ = "plans:read"
SENSITIVE = "people:sensitive"


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Intervention], Value]
    permission: str
    width: int = 16


# In the order of the file.
COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("date"), lambda i: i.happened_on, READ, 12),
    Column(gettext_lazy("Case number"), lambda i: i.person_id, READ, 10),
    Column(gettext_lazy("family names"), lambda i: i.person.family_names, READ, 20),
    Column(gettext_lazy("given names"), lambda i: i.person.given_names, READ, 20),
    Column(gettext_lazy("service"), lambda i: i.get_service_display(), READ, 24),
    Column(gettext_lazy("kind"), lambda i: i.get_kind_display(), READ, 26),
    Column(gettext_lazy("goal it serves"), lambda i: i.goal.description if i.goal else "", READ, 40),
    Column(gettext_lazy("duration (minutes)"), lambda i: i.duration_minutes, READ, 10),
    Column(gettext_lazy("operator"), lambda i: str(i.operator) if i.operator else "", READ, 22),
    Column(gettext_lazy("outcome"), lambda i: i.outcome, READ, 30),
    Column(gettext_lazy("notes"), lambda i: i.notes, SENSITIVE, 60),
)


def columns_for(has: Callable[[str], bool]) -> list[Column]:
    """The columns allowed by `has` (a membership's `has`)."""
    return [column for column in COLUMNS if has(column.permission)]


def _cell(sheet: WriteOnlyWorksheet, value: Value) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX_LENGTH]
    cell = WriteOnlyCell(sheet, value=value if value != "" else None)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store a value starting with "=" as a formula
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def write_xlsx(interventions: Iterable[Intervention], columns: list[Column]) -> tuple[bytes, int]:
    """The workbook's bytes and the number of rows written (the header aside)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Interventions")[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=capfirst(str(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = 0
    for intervention in interventions:
        sheet.append([_cell(sheet, column.value(intervention)) for column in columns])
        rows += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows
