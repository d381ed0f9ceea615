"""Reference lists in the user's language, and phone numbers in E.164."""

from __future__ import annotations

import pycountry
import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from percorsi.people import reference
from percorsi.people.reference import (
    country_choices,
    country_name,
    language_choices,
    language_name,
    normalise_phone,
    sort_key,
)

# --- Countries -----------------------------------------------------------------------------------


def test_country_choices_are_iso_codes_named_in_italian():
    with override("it"):
        choices = dict(country_choices())
    assert choices["CI"] == "Costa d'Avorio"
    assert choices["DE"] == "Germania"
    assert choices["NG"] == "Nigeria"
    assert choices["SS"] == "Sudan del sud"
    assert choices["XK"] == "Kosovo"
    assert choices["IT"] == "Italia"
    assert all(len(code) == 2 and code.isupper() for code in choices)
    assert len(choices) == len(pycountry.countries) + 1


def test_country_choices_in_english_use_the_common_name():
    with override("en"):
        choices = dict(country_choices())
    assert choices["CI"] == "Côte d'Ivoire"
    assert choices["IR"] == "Iran"
    assert choices["SY"] == "Syria"
    assert choices["PS"] == "Palestine"
    assert choices["IT"] == "Italy"


@pytest.mark.parametrize("language", ["it", "en"])
def test_country_choices_are_sorted_by_name_with_accents_folded(language):
    with override(language):
        names = [name for _code, name in country_choices()]
    assert names == sorted(names, key=sort_key)
    assert names[0] == "Afghanistan"


def test_accented_names_sort_with_their_letter():
    with override("en"):
        codes = [code for code, _name in country_choices()]
    # Åland Islands between Afghanistan and Albania; Côte d'Ivoire between Costa Rica and Croatia.
    assert codes.index("AF") < codes.index("AX") < codes.index("AL")
    assert codes.index("CR") < codes.index("CI") < codes.index("HR")
    assert codes.index("RE") < codes.index("RO")  # Réunion before Romania


def test_country_choices_follow_the_active_language_and_are_cached():
    with override("it"):
        first = country_choices()
    with override("en"):
        english = country_choices()
    with override("it"):
        again = country_choices()
    assert first == again
    assert first != english
    # Callers get their own list: changing it does not change the next answer.
    first.clear()
    with override("it"):
        assert country_choices() == again


def test_country_name():
    with override("it"):
        assert country_name("er") == "Eritrea"
        assert country_name("AF") == "Afghanistan"
        assert country_name("GM") == "Gambia"
        assert country_name("EG") == "Egitto"
    with override("en"):
        assert country_name("EG") == "Egypt"
        assert country_name("QQ") == "QQ"
        assert country_name("") == ""


# --- Languages -----------------------------------------------------------------------------------

REQUIRED_LANGUAGES = {
    "ar": ("Arabic", "Arabo"),
    "ti": ("Tigrinya", "Tigrino"),
    "am": ("Amharic", "Amarico"),
    "so": ("Somali", "Somalo"),
    "bn": ("Bengali", "Bengalese"),
    "ur": ("Urdu", "Urdu"),
    "ps": ("Pashto", "Pashtu"),
    "prs": ("Dari", "Dari"),
    "fa": ("Persian (Farsi)", "Persiano (farsi)"),
    "pa": ("Punjabi", "Punjabi"),
    "ha": ("Hausa", "Hausa"),
    "yo": ("Yoruba", "Yoruba"),
    "ig": ("Igbo", "Igbo"),
    "pcm": ("Nigerian Pidgin", "Pidgin nigeriano"),
    "wo": ("Wolof", "Wolof"),
    "mnk": ("Mandinka", "Mandinka"),
    "ff": ("Fula (Fulfulde)", "Fula (fulfulde)"),
    "fuf": ("Pular", "Pular"),
    "bm": ("Bambara", "Bambara"),
    "snk": ("Soninke", "Soninke"),
    "sus": ("Susu", "Susu"),
    "emk": ("Malinke (Maninka)", "Malinke (maninka)"),
    "fr": ("French", "Francese"),
    "en": ("English", "Inglese"),
    "it": ("Italian", "Italiano"),
    "uk": ("Ukrainian", "Ucraino"),
    "ru": ("Russian", "Russo"),
    "es": ("Spanish", "Spagnolo"),
    "pt": ("Portuguese", "Portoghese"),
    "ta": ("Tamil", "Tamil"),
    "ku": ("Kurdish", "Curdo"),
    "tr": ("Turkish", "Turco"),
    "sq": ("Albanian", "Albanese"),
    "zh": ("Chinese", "Cinese"),
    "tl": ("Tagalog", "Tagalog"),
    "bin": ("Edo (Bini)", "Edo (bini)"),
}


@pytest.mark.parametrize(("code", "names"), REQUIRED_LANGUAGES.items())
def test_required_languages_are_offered_with_names_in_both_languages(code, names):
    english, italian = names
    with override("en"):
        assert dict(language_choices())[code] == english
        assert language_name(code) == english
    with override("it"):
        assert dict(language_choices())[code] == italian
        assert language_name(code) == italian


def test_language_codes_are_iso_639_two_letters_where_they_exist():
    for code in reference.LANGUAGE_CODES:
        language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
        if language is None:
            language = pycountry.languages.get(alpha_3=code)
            assert language is not None, code
            assert not hasattr(language, "alpha_2"), f"{code} has a two-letter code"
    assert len(set(reference.LANGUAGE_CODES)) == len(reference.LANGUAGE_CODES)


@pytest.mark.parametrize("language", ["it", "en"])
def test_language_choices_are_sorted_by_name(language):
    with override(language):
        names = [name for _code, name in language_choices()]
    assert names == sorted(names, key=sort_key)


def test_language_name_of_any_iso_code():
    with override("en"):
        assert language_name("ara") == "Arabic"  # three letters where two exist
        assert language_name("AR") == "Arabic"
        assert language_name("pus") == "Pashto"
        assert language_name("de") == "German"
        assert language_name("xx") == "xx"
        assert language_name("") == ""
    with override("it"):
        assert language_name("de") == "Tedesco"
        assert language_name("kmr") == "Curdo (kurmanji)"


# --- Phone numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("333 123 4567", "+393331234567"),
        ("3331234567", "+393331234567"),
        ("+39 333 123 4567", "+393331234567"),
        ("0039 333 1234567", "+393331234567"),
        ("06 1234 5678", "+390612345678"),  # a landline in Rome keeps its 0
        ("+234 803 123 4567", "+2348031234567"),
        ("+380 50 123 4567", "+380501234567"),
        ("+93 70 123 4567", "+93701234567"),
        ("  +221 77 123 45 67 ", "+221771234567"),
    ],
)
def test_phone_numbers_become_e164(raw, expected):
    assert normalise_phone(raw) == expected


def test_default_region_reads_national_numbers():
    assert normalise_phone("0803 123 4567", default_region="NG") == "+2348031234567"


def test_blank_phone_stays_blank():
    assert normalise_phone("") == ""
    assert normalise_phone("   ") == ""


@pytest.mark.parametrize("raw", ["12", "abc", "+39 123", "333 123 45678 9999", "+999 123 456 789"])
def test_invalid_phone_numbers_are_rejected_with_a_clear_message(raw):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(raw)
    assert caught.value.code == "phone_invalid"
    with override("en"):
        assert caught.value.messages[0].startswith("This is not a valid phone number.")
