"""The people list as a spreadsheet (CSV), with only the columns the role may see.

Each column declares the permission it needs, as the pages do: a role finds in the file what it
finds on the pages, and nothing more. Confidential notes are never exported, for any role: no
column reads them, and none may be added (a case file's notes are read on the case file only,
where each reading is audited). The file holds personal data: nothing personal goes in its name
or in the address it comes from (the search words travel in the POST body).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from percorsi.core import audit
from percorsi.core.decorators import site_permission_required
from percorsi.people import reference, selectors
from percorsi.people.choices import DatePrecision
from percorsi.people.forms import SearchForm
from percorsi.people.models import LegalStatus, Person

Cell = str | int

# A cell starting with one of these is read as a formula by Excel and LibreOffice (CSV injection):
# a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(value: date | None) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def _partial_day(value: date | None, precision: str) -> str:
    """As the pages show it: the year alone, or month and year, when that is all that is known.

    The unknown parts are stored as the 1st; writing them out would pass a placeholder for a fact."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.month:02d}/{value.year:04d}"
    return _day(value)


def _status(person: Person) -> LegalStatus | None:
    return selectors.current_legal_status(person)  # from the prefetched history


def _nationalities(person: Person) -> str:
    return ", ".join(sorted(reference.country_name(n.country) for n in person.nationalities.all()))


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Person], Cell]
    permission: str


READ = "people:read"
SENSITIVE = "people:sensitive"

# In the order of the file. Never a column of confidential notes (see the module's docstring).
COLUMNS: tuple[Column, ...] = (
    Column(_("Case number"), lambda p: p.pk, READ),
    Column(_("family names"), lambda p: p.family_names, READ),
    Column(_("given names"), lambda p: p.given_names, READ),
    Column(_("sex"), lambda p: p.get_sex_display(), READ),
    Column(_("birth date"), lambda p: _partial_day(p.birth_date, p.birth_date_precision), READ),
    Column(
        _("birth date known"),
        lambda p: p.get_birth_date_precision_display() if p.birth_date else "",
        READ,
    ),
    Column(_("nationalities"), _nationalities, READ),
    Column(_("phone"), lambda p: p.phone, READ),
    Column(_("e-mail"), lambda p: p.email, READ),
    Column(_("case status"), lambda p: p.get_case_status_display(), READ),
    Column(_("operator in charge"), lambda p: str(p.operator) if p.operator else "", READ),
    Column(_("case opened on"), lambda p: _day(p.case_opened_on), READ),
    Column(_("arrival in Italy"), lambda p: _partial_day(p.arrival_date, p.arrival_date_precision), READ),
    Column(
        _("arrival date known"),
        lambda p: p.get_arrival_date_precision_display() if p.arrival_date else "",
        READ,
    ),
    Column(_("tax code"), lambda p: p.tax_code, SENSITIVE),
    Column(_("legal status"), lambda p: s.get_status_display() if (s := _status(p)) else "", SENSITIVE),
    Column(_("permit type"), lambda p: s.permit_type if (s := _status(p)) else "", SENSITIVE),
    Column(_("permit expires on"), lambda p: _day(s.expires_on) if (s := _status(p)) else "", SENSITIVE),
    Column(
        _("renewal requested on"),
        lambda p: _day(s.renewal_requested_on) if (s := _status(p)) else "",
        SENSITIVE,
    ),
)


def columns_for(has: Callable[[str], bool]) -> list[Column]:
    """The columns allowed by `has` (a membership's `has`)."""
    return [column for column in COLUMNS if has(column.permission)]


def write_csv(people: list[Person], columns: list[Column]) -> bytes:
    """UTF-8 with a BOM and `;` between cells: what Excel set to Italian opens without asking."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([capfirst(str(column.header)) for column in columns])
    for person in people:
        writer.writerow([spreadsheet_safe(column.value(person)) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _listed_people(request: HttpRequest, *, query: str, status: str) -> list[Person]:
    """Every person the list page shows for the same search and status, all its pages together."""
    people = list(
        selectors.people_found(
            site=request.site,
            query=query,
            status=status,
            sees_documents=request.membership.has("people:sensitive"),
        )
    )
    # Two more queries whatever the number of people; the operator came with the people.
    prefetch_related_objects(people, "nationalities", "legal_statuses")
    return people


@require_POST
@site_permission_required("people:export")
def people_export(request: HttpRequest, site: str) -> HttpResponse:
    """The list page's people (same search, same status) as a CSV file, audited."""
    form = SearchForm(request.POST)
    if not form.is_valid():
        # The list page sends only values it accepted: something else is not a filter to guess at.
        return HttpResponseBadRequest()
    query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    membership = request.membership
    columns = columns_for(membership.has)
    people = _listed_people(request, query=query, status=status)
    content = write_csv(people, columns)
    audit.record(
        action="people.person.exported",
        object_type="people.person",
        data={
            "rows": len(people),
            "search": bool(query),
            "status": status or None,
            "sensitive": membership.has("people:sensitive"),
        },
    )
    filename = f"persone-{request.site.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # personal data: no copy in any cache
    return response
