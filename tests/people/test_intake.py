"""The two-minute intake, through the page: the case opens, bad input is refused in Italian, and
likely duplicates are shown before anything is created."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from percorsi.core.models import Site
from percorsi.people.models import Person
from percorsi.people.reference import PHONE_MESSAGE
from tests.conftest import Persona
from tests.helpers import italian, page_text, shows
from tests.people.conftest import audit_entries, url


def intake_data(**changes: Any) -> dict[str, Any]:
    data = {
        "given_names": "Amina",
        "family_names": "Yusuf",
        "sex": "F",
        "birth_date": "1995-03-04",
        "birth_year": "",
        "nationality": "SO",
        "phone": "333 123 4567",
        "mother_tongue": "so",
        "arrival_date": "2024-06-10",
        "arrival_precision": "exact",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def people_count() -> int:
    with scopes_disabled():
        return Person.objects.count()


def shows_count(response: Any, singular: str, plural: str, count: int) -> bool:
    """Whether the page shows a message with a count, as `{% blocktranslate count counter=... %}`."""
    with translation.override(response["Content-Language"]):
        return ngettext(singular, plural, count) % {"counter": count} in page_text(response)


@pytest.fixture
def operator_client(client_for: Callable[[str], Client]) -> Client:
    return client_for("operator_a")


def test_the_intake_page_opens(operator_client: Client, site_a: Site) -> None:
    response = operator_client.get(url("intake", site_a))
    assert response.status_code == 200
    assert shows(response, "New intake")
    assert 'name="confirm_new"' not in response.content.decode()  # only once matches are shown


def test_a_valid_intake_opens_the_case_and_shows_the_case_file(
    operator_client: Client, site_a: Site, personas: dict[str, Persona]
) -> None:
    response = operator_client.post(url("intake", site_a), intake_data())

    with scopes_disabled():
        person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", site_a, pk=person.pk)
    assert person.site == site_a
    assert (person.given_names, person.family_names, person.sex) == ("Amina", "Yusuf", "F")
    assert (person.birth_date, person.birth_date_precision) == (date(1995, 3, 4), "exact")
    assert person.phone == "+393331234567"
    assert person.arrival_date == date(2024, 6, 10)
    assert person.case_status == "active"
    assert person.operator == personas["operator_a"].user
    with scopes_disabled():
        assert [n.country for n in person.nationalities.all()] == ["SO"]
        assert [(lang.language, lang.is_mother_tongue) for lang in person.languages.all()] == [("so", True)]

    [created] = audit_entries("people.person.created")
    assert created.object_id == str(person.pk)
    assert created.site_id == site_a.pk
    assert created.actor_id == personas["operator_a"].user.pk

    page = operator_client.get(response["Location"])
    assert page.status_code == 200
    assert shows(page, "The case is open. Complete the record when you can.")
    assert "YUSUF Amina" in page_text(page)


def test_birth_year_only_is_stored_as_1_january_with_precision_year(
    operator_client: Client, site_a: Site
) -> None:
    response = operator_client.post(url("intake", site_a), intake_data(birth_date="", birth_year="1990"))
    assert response.status_code == 302
    with scopes_disabled():
        person = Person.objects.get()
    assert (person.birth_date, person.birth_date_precision) == (date(1990, 1, 1), "year")
    # The case file shows the year only, not a made-up day.
    page = page_text(operator_client.get(response["Location"]))
    assert "1990" in page
    assert "01/01/1990" not in page


def test_an_estimated_birth_year(operator_client: Client, site_a: Site) -> None:
    response = operator_client.post(
        url("intake", site_a), intake_data(birth_date="", birth_year="1988", birth_estimated="on")
    )
    assert response.status_code == 302
    with scopes_disabled():
        person = Person.objects.get()
    assert (person.birth_date, person.birth_date_precision) == (date(1988, 1, 1), "estimated")


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"birth_date": "1995-03-04", "birth_year": "1994"},
            "The year does not match the birth date: write only one of them.",
        ),
        ({"birth_date": "", "birth_year": ""}, "Write the birth date or at least the year."),
        ({"birth_date": "future"}, "The date is in the future."),
        ({"arrival_date": "future"}, "The date is in the future."),
        ({"birth_date": "", "birth_year": "next"}, "The year is in the future."),
        ({"phone": "12"}, PHONE_MESSAGE),
        ({"phone": "not a number"}, PHONE_MESSAGE),
        ({"given_names": ""}, "This field is required."),
    ],
    ids=[
        "year-and-date-differ",
        "no-birth-date-nor-year",
        "future-birth-date",
        "future-arrival",
        "future-year",
        "short-phone",
        "words-for-a-phone",
        "no-given-name",
    ],
)
def test_bad_input_is_refused_in_italian_and_creates_nobody(
    operator_client: Client, site_a: Site, changes: dict[str, str], message: str
) -> None:
    for key, value in changes.items():
        if value == "future":
            changes[key] = _tomorrow()
        elif value == "next":
            changes[key] = str(timezone.localdate().year + 1)
    response = operator_client.post(url("intake", site_a), intake_data(**changes))

    assert response.status_code == 400
    assert response["Content-Language"] == "it"
    with translation.override("en"):
        english = str(message)
    assert italian(english) != english, "the message has no Italian translation"
    assert shows(response, english)
    assert shows(response, "Some fields need your attention: see the messages below them. Nothing was saved.")
    assert people_count() == 0
    assert audit_entries("people.person.created") == []


def test_what_was_typed_stays_in_the_form_after_an_error(operator_client: Client, site_a: Site) -> None:
    response = operator_client.post(url("intake", site_a), intake_data(phone="12", given_names="Chinedu"))
    assert response.status_code == 400
    assert 'value="Chinedu"' in response.content.decode()


# --- Duplicates at intake ------------------------------------------------------------------------


def test_likely_duplicates_are_shown_before_the_case_is_created(
    operator_client: Client, site_a: Site, make_person: Callable[..., Person]
) -> None:
    known = make_person(
        site_a,
        "Mohamed",
        "Diallo",
        sex="M",
        birth_date=date(1994, 1, 1),
        birth_date_precision="year",
        nationality="GN",
    )
    typed = intake_data(
        given_names="Muhammad",
        family_names="Jallow",
        sex="M",
        birth_date="",
        birth_year="1994",
        nationality="GN",
        phone="",
        mother_tongue="",
    )

    response = operator_client.post(url("intake", site_a), typed)

    assert response.status_code == 200
    assert people_count() == 1  # nothing created
    assert shows(response, "Is this person already followed?")
    text = page_text(response)
    assert "DIALLO Mohamed" in text
    assert url("detail", site_a, pk=known.pk) in text
    assert shows(response, "born the same year")
    assert shows(response, "same nationality")
    with translation.override("it"):
        assert translation.gettext("similar name: %(name)s") % {"name": "Mohamed Diallo"} in text
    assert 'name="confirm_new"' in text
    assert shows(response, "Open the case")
    [shown] = audit_entries("people.duplicates.shown")
    assert shown.data == {"candidates": 1, "elsewhere": 0}

    # The operator checked: a different person. Ticking the box opens the case.
    response = operator_client.post(url("intake", site_a), {**typed, "confirm_new": "on"})
    assert response.status_code == 302
    assert people_count() == 2
    with scopes_disabled():
        new = Person.objects.exclude(pk=known.pk).get()
    assert (new.given_names, new.family_names) == ("Muhammad", "Jallow")
    assert response["Location"] == url("detail", site_a, pk=new.pk)


def test_without_the_box_the_duplicate_warning_comes_back(
    operator_client: Client, site_a: Site, make_person: Callable[..., Person]
) -> None:
    make_person(site_a, "Amina", "Yusuf")
    for _attempt in range(2):
        response = operator_client.post(url("intake", site_a), intake_data())
        assert response.status_code == 200
        assert shows(response, "Is this person already followed?")
    assert people_count() == 1


def test_a_match_at_another_site_is_only_a_count(
    operator_client: Client, site_a: Site, site_b: Site, make_person: Callable[..., Person]
) -> None:
    elsewhere = make_person(site_b, "Tesfay", "Gebremedhin", sex="M", nationality="ER", mother_tongue="ti")
    typed = intake_data(
        given_names="Tesfaye",
        family_names="Gebremedhin",
        sex="M",
        nationality="ER",
        phone="",
        mother_tongue="ti",
    )

    response = operator_client.post(url("intake", site_a), typed)

    assert response.status_code == 200
    assert people_count() == 1
    assert shows_count(
        response,
        "%(counter)s possible match at another site.",
        "%(counter)s possible matches at other sites.",
        1,
    )
    text = page_text(response)
    assert "Vicenza" not in text
    assert site_b.slug not in text
    assert "Tesfay " not in text  # the other site's record is never named
    assert url("detail", site_b, pk=elsewhere.pk) not in text
    assert f"/people/{elsewhere.pk}/" not in text
    assert 'name="confirm_new"' in text

    response = operator_client.post(url("intake", site_a), {**typed, "confirm_new": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        created = Person.objects.get(site=site_a)
    page = operator_client.get(response["Location"])
    assert page.status_code == 200
    assert shows_count(
        page,
        "At the intake, %(counter)s possible match was found at another site: ask a coordinator to check it.",
        "At the intake, %(counter)s possible matches were found at other sites: ask a coordinator to check "
        "them.",
        1,
    )
    assert "Vicenza" not in page_text(page)
    # The warning stays on the case file, visit after visit.
    again = operator_client.get(url("detail", site_a, pk=created.pk))
    assert shows_count(
        again,
        "At the intake, %(counter)s possible match was found at another site: ask a coordinator to check it.",
        "At the intake, %(counter)s possible matches were found at other sites: ask a coordinator to check "
        "them.",
        1,
    )


def test_no_duplicate_no_question(
    operator_client: Client, site_a: Site, make_person: Callable[..., Person]
) -> None:
    make_person(site_a, "Oksana", "Bondarenko", nationality="UA", mother_tongue="uk")
    response = operator_client.post(url("intake", site_a), intake_data())
    assert response.status_code == 302
    assert people_count() == 2
    assert audit_entries("people.duplicates.shown") == []


@pytest.mark.parametrize("persona", ["volunteer_a", "teacher_a"])
def test_only_writers_open_cases(client_for: Callable[[str], Client], site_a: Site, persona: str) -> None:
    response = client_for(persona).post(url("intake", site_a), intake_data())
    assert response.status_code == 403
    assert people_count() == 0
