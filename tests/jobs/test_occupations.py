"""Occupations (ISCO-08 and ESCO) as the desk finds them: the data every database has after
`migrate`, the search behind the picker, the occupation page and its htmx fragments, and the
`OccupationField` that other forms use."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from percorsi.core.models import Site
from percorsi.jobs import occupations
from percorsi.jobs.models import IscoGroup, Occupation
from percorsi.jobs.widgets import OccupationField
from tests.helpers import page_text, shows

ESCO = "http://data.europa.eu/esco/occupation/"
COOK = ESCO + "90f75f67-495d-49fa-ab57-2f320e251d7e"
KITCHEN_ASSISTANT = ESCO + "e1cf6897-158d-4b48-a39e-2a3a8cac216c"


@pytest.fixture(autouse=True)
def _occupations(db: None) -> None:
    # The migration loads them; a transactional test elsewhere (the browser tests) empties every
    # table when it ends, so put them back if it ran before these in the same process.
    occupations.ensure_loaded()


def by_label(label: str) -> Occupation:
    return Occupation.objects.get(label=label)


def first_labels(query: str, count: int = 3) -> list[str]:
    return [o.label for o in occupations.search(query)[:count]]


def url(site: Site | str, **params: str) -> str:
    slug = site if isinstance(site, str) else site.slug
    address = reverse("jobs:occupations", kwargs={"site": slug})
    return f"{address}?{urlencode(params)}" if params else address


# --- the data -----------------------------------------------------------------------------------------


def test_every_database_has_the_isco_groups_and_esco_occupations() -> None:
    levels = {level: IscoGroup.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert levels == {1: 10, 2: 43, 3: 130, 4: 436}
    assert 2900 <= Occupation.objects.count() <= 3100
    # Every occupation sits in a unit group, every group under the group one level up.
    assert not Occupation.objects.exclude(isco_group__level=4).exists()
    assert not IscoGroup.objects.filter(level__gt=1, parent__isnull=True).exists()
    assert all(g.parent.code == g.code[:-1] for g in IscoGroup.objects.filter(level__gt=1))
    cook = Occupation.objects.get(uri=COOK)
    assert (cook.label, cook.label_it, cook.isco_group_id) == ("cook", "cuoco", "5120")
    assert "fry cook" in cook.alt_labels.splitlines()
    assert Occupation.objects.exclude(label_it="").count() >= 150


def test_the_migration_loads_the_data_and_its_reverse_removes_it() -> None:
    migration = importlib.import_module("percorsi.jobs.migrations.0002_occupations")
    apps = MigrationLoader(connection).project_state(("jobs", "0002_occupations")).apps
    editor = SimpleNamespace(connection=connection)
    groups, jobs = IscoGroup.objects.count(), Occupation.objects.count()

    migration.unload_occupations(apps, editor)
    assert (IscoGroup.objects.count(), Occupation.objects.count()) == (0, 0)

    migration.load_occupations(apps, editor)
    assert (IscoGroup.objects.count(), Occupation.objects.count()) == (groups, jobs)
    assert Occupation.objects.get(uri=KITCHEN_ASSISTANT).label_it == "aiuto cuoco"
    # Loading again changes nothing.
    assert occupations.load(apps) == {
        "groups_created": 0,
        "groups_updated": 0,
        "occupations_created": 0,
        "occupations_updated": 0,
    }


def test_a_changed_italian_name_is_updated_by_the_next_load() -> None:
    Occupation.objects.filter(uri=COOK).update(label_it="cuciniere", search_text="")
    assert occupations.load()["occupations_updated"] == 1
    cook = Occupation.objects.get(uri=COOK)
    assert cook.label_it == "cuoco"
    assert occupations.search("cuoco")[0] == cook


def test_the_major_and_sub_major_groups_have_italian_names() -> None:
    named = IscoGroup.objects.filter(level__lte=2).exclude(name_it="")
    assert named.count() == 53
    assert not IscoGroup.objects.filter(level__gt=2).exclude(name_it="").exists()
    elementary = IscoGroup.objects.get(code="9")
    with translation.override("it"):
        assert elementary.label == "Professioni non qualificate"
        assert occupations.isco_label("53") == "Addetti all'assistenza alla persona"
        assert occupations.isco_label("5120") == "Cooks"  # no Italian name below the sub-major groups
    with translation.override("en"):
        assert elementary.label == "Elementary occupations"
        assert occupations.isco_label("53") == "Personal care workers"
    assert occupations.isco_label("") == occupations.isco_label("99999") == ""


def test_every_italian_name_shipped_names_an_esco_occupation() -> None:
    rows = [row for row in occupations.read_occupations() if row.label_it]
    assert len(rows) >= 150
    assert len({row.uri for row in rows}) == len(rows)
    assert {"muratore", "badante", "lavapiatti", "magazziniere", "cuoco"} <= {row.label_it for row in rows}


def test_an_italian_row_that_names_no_esco_occupation_stops_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for source in occupations.DATA_DIR.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    italian = tmp_path / "occupations_it.csv"
    italian.write_text(
        italian.read_text(encoding="utf-8").replace(",5120,cook,cuoco,", ",5120,chef,cuoco,"),
        encoding="utf-8",
    )
    monkeypatch.setattr(occupations, "DATA_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"occupations_it.csv line 2: .* is 'cook' in 5120, not 'chef'"):
        occupations.load()
    assert Occupation.objects.get(uri=COOK).label_it == "cuoco"


# --- search -------------------------------------------------------------------------------------------


def test_cuoco_finds_the_cook_first() -> None:
    assert first_labels("cuoco", 1) == ["cook"]


@pytest.mark.parametrize("typed", ["Cuoco", "CUOCO", "  cuòco ", "cuoco!", "cuo"])
def test_case_accents_and_half_words_find_the_cook_too(typed: str) -> None:
    assert "cook" in first_labels(typed, 2)


def test_cook_in_english_finds_the_cook_first() -> None:
    assert first_labels("cook", 1) == ["cook"]
    assert first_labels("Cook", 1) == ["cook"]


def test_aiuto_cuoco_finds_the_kitchen_assistant_before_the_cook() -> None:
    labels = [o.label for o in occupations.search("aiuto cuoco")]
    assert labels[0] == "kitchen assistant"
    assert "cook" not in labels[:1]


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("muratore", "bricklayer"),
        ("badante", "home care aide"),
        ("assistente familiare", "home care aide"),
        ("lavapiatti", "kitchen porter"),
        ("cameriera", "room attendant"),  # "cameriera ai piani"; the waitress right after
        ("colf", "domestic cleaner"),
        ("OSS", "healthcare assistant"),
        ("operatore socio-sanitario", "healthcare assistant"),
        ("mulett", "forklift operator"),
        ("magazziniere", "warehouse worker"),
        ("bracciante", "crop production worker"),
        ("pizzaiolo", "pizzaiolo"),
        ("saldatore", "welder"),
        ("operaio metalmeccanico", "metal products assembler"),
        ("mediatore culturale", "intercultural communication consultant"),
        ("bricklayer", "bricklayer"),
        ("wire drawer", "metal drawing machine operator"),
    ],
)
def test_the_trades_of_the_desk_are_found_by_their_names(typed: str, label: str) -> None:
    assert first_labels(typed, 1) == [label]


def test_a_result_found_by_a_synonym_says_which() -> None:
    (colf, *_) = occupations.search("colf")
    assert colf.label == "domestic cleaner"
    assert colf.matched_name == "colf"
    assert occupations.search("cuoco")[0].matched_name == ""
    assert occupations.search("wire drawer")[0].matched_name == "wire drawer"


def test_every_word_must_be_found() -> None:
    assert all("cuoc" in o.search_text for o in occupations.search("cuoco mensa"))
    assert first_labels("cuoco mensa", 1) == ["industrial cook"]
    assert occupations.search("cuoco astronauta") == []


def test_the_search_stops_at_the_limit() -> None:
    assert len(occupations.search("a", limit=7)) == 7
    assert len(occupations.search("operatore")) == 15
    assert occupations.search("cuoco", limit=0) == []


@pytest.mark.parametrize("typed", ["", "   ", "xqzvw", "%", "_", "%%%___", "\x00", "!?;,.", "a" * 5000])
def test_nonsense_finds_nothing(typed: str) -> None:
    assert occupations.search(typed) == []


@pytest.mark.parametrize(
    "typed",
    [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "٩(-̮̮̃-̃)۶",
        "\U0001d54b\U0001d559\U0001d556 \U0001d562\U0001d566\U0001d55a\U0001d554\U0001d55c",  # double-struck
        "\u03a9\u2248\u00e7\u221a\u222b\u02dc\u00b5\u2264\u2265\u00f7",
        "田中さんにあげて下さい",
    ],
)
def test_naughty_strings_break_nothing(typed: str) -> None:
    # Whatever they find, every word of the query is in each result's names.
    for occupation in occupations.search(typed):
        for word in occupations.query_words(typed):
            assert f" {word}" in occupation.search_text


# --- the occupation page and its fragments -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["operator_a", "coordinator_a", "volunteer_a"])
def test_the_desk_searches_occupations(
    client_for: Callable[[str], Client], site_a: Site, persona: str
) -> None:
    response = client_for(persona).get(url(site_a, q="cuoco"))
    assert response.status_code == 200
    text = page_text(response)
    assert '<form method="get"' in text and 'name="q"' in text and 'value="cuoco"' in text
    assert "<strong>Cuoco</strong>" in text
    assert text.index("<strong>Cuoco</strong>") < text.index("<strong>Aiuto cuoco</strong>")
    assert "ISCO-08</abbr> 5120" in text
    assert COOK in text  # the ESCO page


def test_the_page_costs_the_same_queries_for_one_result_or_many(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    client = client_for("operator_a")
    client.get(url(site_a))  # the first page of a session also notes the site in the session
    counts = []
    for query in ("aiuto cuoco", "a"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(site_a, q=query))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


def test_the_page_without_a_query_asks_for_one(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("volunteer_a").get(url(site_a))
    assert response.status_code == 200
    assert shows(response, "Type the first letters of a name.")
    assert "<strong>" not in page_text(response).split('id="occupation-results"')[1].split("</main>")[0]


def test_the_page_shows_the_italian_names_of_the_groups(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    response = client_for("operator_a").get(url(site_a, q="lavapiatti"))
    text = page_text(response)
    assert "<strong>Lavapiatti</strong>" in text
    assert "9412 Kitchen helpers (Professioni non qualificate, Aiutanti nella preparazione dei cibi)" in text
    assert 'lang="en">· kitchen porter' in text


def test_in_english_the_names_are_english(client_for: Callable[[str], Client], site_a: Site) -> None:
    client = client_for("operator_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url(site_a, q="cuoco"))
    assert response["Content-Language"] == "en"
    text = page_text(response)
    assert "<strong>Cook</strong>" in text and 'lang="it">· cuoco' in text
    assert "5120 Cooks (Service and sales workers, Personal service workers)" in text


def test_nothing_found_says_so(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("operator_a").get(url(site_a, q="xqzvw"))
    assert response.status_code == 200
    message = "No occupation matches “%(q)s”. Try other words, in Italian or in English."
    with translation.override(response["Content-Language"]):
        assert translation.gettext(message) % {"q": "xqzvw"} in page_text(response)


def test_a_query_too_long_is_refused_with_a_message(
    client_for: Callable[[str], Client], site_a: Site
) -> None:
    response = client_for("operator_a").get(url(site_a, q="cuoco " * 30))
    assert response.status_code == 200
    with translation.override(response["Content-Language"]):
        assert translation.gettext("Type at most %(max)s characters.") % {"max": 100} in page_text(response)
    assert "<strong>Cuoco</strong>" not in page_text(response)


def test_the_teacher_may_not_search_occupations(client_for: Callable[[str], Client], site_a: Site) -> None:
    assert client_for("teacher_a").get(url(site_a, q="cuoco")).status_code == 403
    assert client_for("accountant_a").get(url(site_a, q="cuoco")).status_code == 403


def test_another_sites_address_is_not_found(client_for: Callable[[str], Client], site_b: Site) -> None:
    assert client_for("operator_a").get(url(site_b, q="cuoco")).status_code == 404
    assert client_for("operator_a").get(url("nowhere", q="cuoco")).status_code == 404


def test_htmx_gets_only_the_results(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("volunteer_a").get(url(site_a, q="aiuto cuoco"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = page_text(response)
    assert "<html" not in text and "<form" not in text
    assert "<strong>Aiuto cuoco</strong>" in text
    assert "HX-Request" in response["Vary"]


def test_the_picker_gets_choices_to_pick(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("volunteer_a").get(
        url(site_a, picker="offer-occupation", **{"offer-occupation_q": "cuoco"}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "<html" not in text
    cook = Occupation.objects.get(uri=COOK)
    assert f'type="radio" name="offer-occupation_choice" id="offer-occupation-choice-{cook.pk}"' in text
    assert f'<label class="form-check-label" for="offer-occupation-choice-{cook.pk}">Cuoco' in text
    assert text.count('type="radio"') <= 10
    assert "<legend" in text


def test_the_picker_with_an_empty_box_gets_nothing(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("volunteer_a").get(
        url(site_a, picker="occupation", occupation_q=""), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert page_text(response).strip() == ""


def test_a_strange_picker_name_is_ignored(client_for: Callable[[str], Client], site_a: Site) -> None:
    response = client_for("volunteer_a").get(
        url(site_a, picker='"><script>', q="cuoco"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "<script>" not in text and "<strong>Cuoco</strong>" in text


# --- the field other forms use ------------------------------------------------------------------------


class OfferForm(forms.Form):
    occupation = OccupationField(label="Occupation")


class OptionalForm(forms.Form):
    occupation = OccupationField(label="Occupation", required=False)


def error(form: forms.Form) -> str:
    return " ".join(form.errors["occupation"])


def test_the_field_takes_the_chosen_result() -> None:
    cook = by_label("cook")
    form = OfferForm({"occupation": "", "occupation_q": "cuoc", "occupation_choice": str(cook.pk)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["occupation"] == cook


def test_the_field_takes_the_pk_alone_as_a_model_choice_field_does() -> None:
    cook = by_label("cook")
    form = OfferForm({"occupation": str(cook.pk)})
    assert form.is_valid()
    assert form.cleaned_data["occupation"] == cook


def test_the_field_takes_a_name_typed_exactly() -> None:
    form = OfferForm({"occupation": "", "occupation_q": " Cuoco "})
    assert form.is_valid()
    assert form.cleaned_data["occupation"].label == "cook"
    form = OfferForm({"occupation": "", "occupation_q": "OSS"})
    assert form.is_valid()
    assert form.cleaned_data["occupation"].label == "healthcare assistant"


def test_a_name_changed_in_the_box_wins_over_the_old_choice() -> None:
    cook = by_label("cook")
    kept = OfferForm({"occupation": str(cook.pk), "occupation_q": "Cook"})
    assert kept.is_valid() and kept.cleaned_data["occupation"] == cook
    changed = OfferForm({"occupation": str(cook.pk), "occupation_q": "muratore"})
    assert changed.is_valid() and changed.cleaned_data["occupation"].label == "bricklayer"


def test_half_a_name_asks_to_choose_among_the_closest() -> None:
    form = OfferForm({"occupation": "", "occupation_q": "cuoc"})
    assert not form.is_valid()
    with translation.override("en"):
        assert "No occupation is called “cuoc”" in error(form)
        html = str(form["occupation"])
    cook = by_label("cook")
    # Without JavaScript, the closest occupations come back as choices under the box.
    assert f'name="occupation_choice" id="occupation-choice-{cook.pk}" value="{cook.pk}"' in html
    assert 'value="cuoc"' in html


def test_a_name_shared_by_several_occupations_asks_which() -> None:
    form = OfferForm({"occupation": "", "occupation_q": "housekeeper"})
    assert not form.is_valid()
    with translation.override("en"):
        assert "Several occupations are called “housekeeper”" in error(form)
    assert str(form["occupation"]).count('type="radio"') >= 2


def test_nonsense_gets_a_clear_message() -> None:
    form = OfferForm({"occupation": "", "occupation_q": "xqzvw"})
    assert not form.is_valid()
    with translation.override("en"):
        assert "No occupation is called “xqzvw”" in error(form)
        assert "No occupation matches “xqzvw”" in str(form["occupation"])


@pytest.mark.parametrize("choice", ["999999999", "abc", "-1", "1e400", "99999999999999999999999"])
def test_a_choice_that_is_no_occupation_is_refused(choice: str) -> None:
    form = OfferForm({"occupation": "", "occupation_q": "cuoco", "occupation_choice": choice})
    assert not form.is_valid()
    with translation.override("en"):
        assert "That occupation is not in the list" in error(form)


def test_too_long_a_name_is_refused() -> None:
    form = OfferForm({"occupation": "", "occupation_q": "x" * 101})
    assert not form.is_valid()
    with translation.override("en"):
        assert error(form) == "Type at most 100 characters."


def test_an_empty_box_is_no_occupation() -> None:
    form = OfferForm({"occupation": "", "occupation_q": "  "})
    assert not form.is_valid()
    with translation.override("en"):
        assert error(form).startswith("Choose an occupation")
    optional = OptionalForm({"occupation": "", "occupation_q": ""})
    assert optional.is_valid() and optional.cleaned_data["occupation"] is None
    assert OptionalForm({}).is_valid()


def test_the_field_knows_when_the_occupation_changed() -> None:
    cook = by_label("cook")
    same = OfferForm({"occupation": str(cook.pk), "occupation_q": "cuoco"}, initial={"occupation": cook})
    assert not same.has_changed()
    other = OfferForm({"occupation": "", "occupation_q": "muratore"}, initial={"occupation": cook.pk})
    assert other.has_changed()


def test_the_widget_on_a_site_page_searches_as_the_user_types(site_a: Site) -> None:
    cook = by_label("cook")
    with scope(site=site_a), translation.override("it"):
        html = str(OfferForm(initial={"occupation": cook})["occupation"].as_field_group())
    assert '<label for="id_occupation"' in html
    assert 'type="search" name="occupation_q" value="Cuoco"' in html
    assert 'id="id_occupation"' in html
    assert f'type="hidden" name="occupation" value="{cook.pk}"' in html
    assert f'hx-get="{url(site_a)}?picker=occupation"' in html
    assert 'hx-trigger="input changed delay:150ms, search"' in html
    assert 'hx-target="#id_occupation-results"' in html
    assert 'aria-describedby="id_occupation-hint id_occupation-chosen"' in html
    assert "<strong>Cuoco</strong> (ISCO-08 5120)" in html
    assert "percorsi/js/occupation-picker.js" in html
    assert finders.find("percorsi/js/occupation-picker.js")


def test_the_widget_outside_a_site_is_a_plain_box() -> None:
    html = str(OptionalForm()["occupation"])
    assert 'name="occupation_q"' in html and "hx-get" not in html
    assert 'type="hidden" name="occupation" value=""' in html
    assert OccupationField(search_url="/elsewhere/").widget.search_url == "/elsewhere/"
