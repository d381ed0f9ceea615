"""Editing the record: other spellings, nationalities, stateless, two tabs, the tax code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import codicefiscale
import pytest
from django.test import Client
from django.utils import translation
from django_scopes import scope, scopes_disabled

from percorsi.core.errors import StaleEditError
from percorsi.core.models import Site
from percorsi.people import matching, taxcode
from percorsi.people.models import Person
from percorsi.people.reference import country_name
from percorsi.people.taxcode import MESSAGES
from tests.helpers import page_text, shows
from tests.people.conftest import audit_entries, form_fields, url

# Blessing Okafor, a woman born in Nigeria on 12 March 1995.
BLESSING = codicefiscale.encode("Okafor", "Blessing", "F", "1995-03-12", "Nigeria")
STALE = StaleEditError().message


@pytest.fixture
def client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


@pytest.fixture
def blessing(site_a: Site, make_person: Callable[..., Person]) -> Person:
    return make_person(site_a, "Blessing", "Okafor", sex="F", birth_date=date(1995, 3, 12), nationality="NG")


def reload(person: Person) -> Person:
    with scopes_disabled():
        return Person.objects.get(pk=person.pk)


def open_form(client: Client, person: Person) -> dict[str, Any]:
    response = client.get(url("edit", person.site, pk=person.pk))
    assert response.status_code == 200
    return form_fields(response, "given_names")


def english(message: Any) -> str:
    with translation.override("en"):
        return str(message)


def test_the_form_opens_with_the_record(client: Client, blessing: Person) -> None:
    data = open_form(client, blessing)
    assert data["given_names"] == "Blessing"
    assert data["family_names"] == "Okafor"
    assert data["birth_date"] == "1995-03-12"
    assert data["nationalities"] == "NG"
    assert data["version"] == "1"


def test_saving_the_form_unchanged_changes_nothing_visible(client: Client, blessing: Person) -> None:
    response = client.post(url("edit", blessing.site, pk=blessing.pk), open_form(client, blessing))
    assert response.status_code == 302
    saved = reload(blessing)
    assert (saved.given_names, saved.birth_date, saved.phone) == ("Blessing", date(1995, 3, 12), "")


def test_other_spellings_one_per_line_become_searchable(
    client: Client, site_a: Site, blessing: Person
) -> None:
    assert matching.search_people(site=site_a, query="Chiamaka") == []
    data = open_form(client, blessing)
    data["other_names"] = "Chiamaka Okafor\n\n  Blessed Okafour \nChiamaka Okafor\n"

    response = client.post(url("edit", site_a, pk=blessing.pk), data)

    assert response.status_code == 302
    with scope(site=site_a):
        assert sorted(o.name for o in blessing.other_names.all()) == ["Blessed Okafour", "Chiamaka Okafor"]
    assert [hit.person.pk for hit in matching.search_people(site=site_a, query="Chiamaka")] == [blessing.pk]
    assert blessing.pk in [hit.person.pk for hit in matching.search_people(site=site_a, query="Blessed")]
    # The list page finds the person by the alias too.
    listing = client.get(url("list", site_a), {"q": "chiamaka"})
    assert url("detail", site_a, pk=blessing.pk) in page_text(listing)
    # And the case file shows the other names.
    page = page_text(client.get(url("detail", site_a, pk=blessing.pk)))
    assert "Chiamaka Okafor" in page
    assert "Blessed Okafour" in page

    # Removing a line removes the spelling, and the search forgets it.
    data = open_form(client, blessing)
    assert data["other_names"].splitlines() == ["Chiamaka Okafor", "Blessed Okafour"]
    data["other_names"] = "Blessed Okafour"
    assert client.post(url("edit", site_a, pk=blessing.pk), data).status_code == 302
    assert matching.search_people(site=site_a, query="Chiamaka") == []


def test_several_nationalities(client: Client, site_a: Site, blessing: Person) -> None:
    data = open_form(client, blessing)
    data["nationalities"] = ["NG", "GH"]
    assert client.post(url("edit", site_a, pk=blessing.pk), data).status_code == 302
    with scope(site=site_a):
        assert sorted(n.country for n in blessing.nationalities.all()) == ["GH", "NG"]
    response = client.get(url("detail", site_a, pk=blessing.pk))
    with translation.override(response["Content-Language"]):
        names = {country_name("NG"), country_name("GH")}
    text = page_text(response)
    assert all(name in text for name in names)


def test_stateless_with_a_nationality_is_refused(client: Client, site_a: Site, blessing: Person) -> None:
    data = open_form(client, blessing)
    data["stateless"] = "on"
    data["family_names"] = "Changed"

    response = client.post(url("edit", site_a, pk=blessing.pk), data)

    assert response.status_code == 400
    assert shows(response, "A stateless person has no nationality: clear one or the other.")
    saved = reload(blessing)
    assert (saved.stateless, saved.family_names, saved.version) == (False, "Okafor", 1)


def test_stateless_without_nationality_is_saved(client: Client, site_a: Site, blessing: Person) -> None:
    data = open_form(client, blessing)
    data["stateless"] = "on"
    del data["nationalities"]
    assert client.post(url("edit", site_a, pk=blessing.pk), data).status_code == 302
    assert reload(blessing).stateless is True
    with scope(site=site_a):
        assert not blessing.nationalities.exists()
    assert shows(client.get(url("detail", site_a, pk=blessing.pk)), "stateless")


def test_two_tabs_the_second_save_is_refused(client: Client, site_a: Site, blessing: Person) -> None:
    first_tab = open_form(client, blessing)
    second_tab = open_form(client, blessing)

    first_tab["phone"] = "333 765 4321"
    assert client.post(url("edit", site_a, pk=blessing.pk), first_tab).status_code == 302

    second_tab["family_names"] = "Okafor-Eze"
    second_tab["other_names"] = "Ada Eze"
    second_tab["nationalities"] = ["NG", "GH"]
    response = client.post(url("edit", site_a, pk=blessing.pk), second_tab)

    assert response.status_code == 400
    assert shows(response, english(STALE))
    saved = reload(blessing)
    assert saved.phone == "+393337654321"  # the first tab's change stays
    assert saved.family_names == "Okafor"  # nothing of the second
    assert saved.version == 2
    with scope(site=site_a):
        assert not saved.other_names.exists()
        assert [n.country for n in saved.nationalities.all()] == ["NG"]
    assert len(audit_entries("people.person.updated")) == 1


def test_an_edit_is_audited_and_kept_in_the_history(client: Client, site_a: Site, blessing: Person) -> None:
    data = open_form(client, blessing)
    data["family_names"] = "Okafor-Eze"
    assert client.post(url("edit", site_a, pk=blessing.pk), data).status_code == 302
    [entry] = audit_entries("people.person.updated")
    assert entry.object_id == str(blessing.pk)
    history = client.get(url("history", site_a, pk=blessing.pk))
    assert history.status_code == 200
    text = page_text(history)
    assert "Okafor → Okafor-Eze" in text
    assert "Operator A" in text


# --- The tax code --------------------------------------------------------------------------------


def test_a_valid_tax_code_matching_the_record_is_saved(
    client: Client, site_a: Site, blessing: Person
) -> None:
    data = open_form(client, blessing)
    data["tax_code"] = BLESSING.lower()[:8] + " " + BLESSING.lower()[8:]
    data["birth_country"] = "NG"
    response = client.post(url("edit", site_a, pk=blessing.pk), data)
    assert response.status_code == 302
    saved = reload(blessing)
    assert (saved.tax_code, saved.tax_code_kind, saved.tax_code_mismatch_confirmed) == (
        BLESSING,
        "full",
        False,
    )
    # Searchable by the code.
    assert [hit.person.pk for hit in matching.search_people(site=site_a, query=BLESSING)] == [blessing.pk]


@pytest.mark.parametrize(
    "record",
    [{"birth_date": "1994-03-12"}, {"sex": "M"}],
    ids=["wrong-year", "wrong-sex"],
)
def test_a_tax_code_that_does_not_match_needs_the_box(
    client: Client, site_a: Site, blessing: Person, record: dict[str, str]
) -> None:
    data = open_form(client, blessing)
    data.update(record, tax_code=BLESSING, birth_country="NG")

    response = client.post(url("edit", site_a, pk=blessing.pk), data)

    assert response.status_code == 400
    assert shows(response, "The tax code does not match the record:")
    with translation.override(response["Content-Language"]):
        warnings = taxcode.tax_code_mismatches(
            code=BLESSING,
            birth_date=date.fromisoformat(data["birth_date"]),
            birth_date_precision="exact",
            sex=data["sex"],
            birth_country="NG",
            birth_place="",
        )
    assert len(warnings) == 1
    assert warnings[0] in page_text(response)
    assert shows(response, "The tax code does not match the record: check it, then tick the box to keep it.")
    assert 'name="tax_code_mismatch_confirmed"' in response.content.decode()
    saved = reload(blessing)
    assert (saved.tax_code, saved.version) == ("", 1)

    # Ticked: saved, and marked as confirmed.
    again = form_fields(response, "given_names")
    again["tax_code_mismatch_confirmed"] = "on"
    response = client.post(url("edit", site_a, pk=blessing.pk), again)
    assert response.status_code == 302
    saved = reload(blessing)
    assert (saved.tax_code, saved.tax_code_kind, saved.tax_code_mismatch_confirmed) == (
        BLESSING,
        "full",
        True,
    )
    assert shows(client.get(url("detail", site_a, pk=blessing.pk)), "checked despite differences")


def test_a_provisional_numeric_code_is_saved(client: Client, site_a: Site, blessing: Person) -> None:
    data = open_form(client, blessing)
    data["tax_code"] = "123 456 789 03"
    assert client.post(url("edit", site_a, pk=blessing.pk), data).status_code == 302
    saved = reload(blessing)
    assert (saved.tax_code, saved.tax_code_kind, saved.tax_code_mismatch_confirmed) == (
        "12345678903",
        "provisional",
        False,
    )


@pytest.mark.parametrize(
    ("raw", "message", "params"),
    [
        ("KFRBSS95F52Z335F", MESSAGES["month"], {"letter": "F"}),
        ("12345678900", MESSAGES["provisional_check"], {}),
        ("RSSMRA85T10A562X", MESSAGES["check_character"], {}),
        ("hello!", MESSAGES["characters"], {}),
    ],
    ids=["month-letter", "provisional-check-digit", "check-character", "punctuation"],
)
def test_a_garbage_tax_code_is_refused_with_a_message(
    client: Client, site_a: Site, blessing: Person, raw: str, message: Any, params: dict[str, str]
) -> None:
    data = open_form(client, blessing)
    data["tax_code"] = raw
    data["family_names"] = "Changed"

    response = client.post(url("edit", site_a, pk=blessing.pk), data)

    assert response.status_code == 400
    with translation.override(response["Content-Language"]):
        expected = str(message) % params if params else str(message)
    assert expected in page_text(response)
    saved = reload(blessing)
    assert (saved.tax_code, saved.family_names, saved.version) == ("", "Okafor", 1)


def test_a_tax_code_of_the_wrong_length_says_how_long_it_is(
    client: Client, site_a: Site, blessing: Person
) -> None:
    data = open_form(client, blessing)
    data["tax_code"] = "ABC123"
    response = client.post(url("edit", site_a, pk=blessing.pk), data)
    assert response.status_code == 400
    with translation.override(response["Content-Language"]):
        expected = str(MESSAGES["length"]) % {"length": 6}
    assert expected in page_text(response)


def test_a_deleted_record_cannot_be_edited(
    client_for: Callable[[str], Client], site_a: Site, blessing: Person
) -> None:
    coordinator = client_for("coordinator_a")
    assert coordinator.post(url("delete", site_a, pk=blessing.pk)).status_code == 302
    assert coordinator.get(url("edit", site_a, pk=blessing.pk)).status_code == 404
