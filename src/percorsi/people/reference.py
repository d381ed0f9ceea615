"""Reference lists for the people app's forms, in the active language, and phone numbers.

- Countries: ISO 3166-1 alpha-2 codes (pycountry), plus ``XK`` for Kosovo, which ISO leaves to its
  users. Names in Italian from pycountry's iso3166-1 catalogue when the active language is Italian,
  in English otherwise (or in the active language, if pycountry has a catalogue for it).
- Languages: those spoken by the people the service follows, as ISO 639 codes (two letters where
  ISO 639-1 has one, three otherwise). Names from pycountry's iso639-3 catalogue, except where its
  name is awkward or its Italian catalogue has none (``_LANGUAGE_NAMES``).
- Phone numbers: E.164 with phonenumbers.

Choices are sorted by displayed name with accents folded ("Åland" with the A's, "Côte d'Ivoire"
with the C's) and cached per language.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache

import phonenumbers
import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

PHONE_MESSAGE = _(
    "This is not a valid phone number. For a number that is not Italian, start with + and the "
    "country code (for example +234 803 123 4567)."
)

# Countries that are not in ISO 3166-1: code -> {language: name}; "en" is the fallback.
_EXTRA_COUNTRIES = {"XK": {"en": "Kosovo", "it": "Kosovo"}}

# Where pycountry's short name is awkward ("Palestine, State of").
_COUNTRY_NAMES = {"PS": {"en": "Palestine", "it": "Palestina"}}

# The languages offered, in no particular order (sorted by name when listed).
LANGUAGE_CODES = (
    # Africa
    "am",  # Amharic
    "ti",  # Tigrinya
    "tig",  # Tigre
    "om",  # Oromo
    "so",  # Somali
    "sw",  # Swahili
    "ha",  # Hausa
    "yo",  # Yoruba
    "ig",  # Igbo
    "bin",  # Edo (Bini)
    "pcm",  # Nigerian Pidgin
    "wo",  # Wolof
    "mnk",  # Mandinka
    "ff",  # Fula
    "fuf",  # Pular
    "bm",  # Bambara
    "dyu",  # Dyula
    "snk",  # Soninke
    "sus",  # Susu
    "emk",  # Malinke (Eastern Maninka)
    "kri",  # Krio
    "tw",  # Twi
    "ee",  # Ewe
    "ln",  # Lingala
    "tzm",  # Tamazight
    # Asia and the Middle East
    "ar",  # Arabic
    "fa",  # Persian (Farsi)
    "prs",  # Dari
    "ps",  # Pashto
    "ur",  # Urdu
    "pa",  # Punjabi
    "bn",  # Bengali
    "hi",  # Hindi
    "ne",  # Nepali
    "ta",  # Tamil
    "si",  # Sinhala
    "ku",  # Kurdish
    "kmr",  # Kurmanji
    "ckb",  # Sorani
    "tr",  # Turkish
    "zh",  # Chinese
    "tl",  # Tagalog
    "ka",  # Georgian
    # Europe
    "it",  # Italian
    "en",  # English
    "fr",  # French
    "es",  # Spanish
    "pt",  # Portuguese
    "uk",  # Ukrainian
    "ru",  # Russian
    "sq",  # Albanian
    "sr",  # Serbian
    "ro",  # Romanian
)

# Names given here rather than taken from pycountry: its English name is unusual ("Pushto",
# "Panjabi", "Fulah", "Swahili (macrolanguage)") or its Italian catalogue leaves it untranslated.
_LANGUAGE_NAMES = {
    "bin": {"en": "Edo (Bini)", "it": "Edo (bini)"},
    "ckb": {"en": "Kurdish (Sorani)", "it": "Curdo (sorani)"},
    "emk": {"en": "Malinke (Maninka)", "it": "Malinke (maninka)"},
    "fa": {"en": "Persian (Farsi)", "it": "Persiano (farsi)"},
    "ff": {"en": "Fula (Fulfulde)", "it": "Fula (fulfulde)"},
    "kmr": {"en": "Kurdish (Kurmanji)", "it": "Curdo (kurmanji)"},
    "ne": {"en": "Nepali", "it": "Nepalese"},
    "pa": {"en": "Punjabi", "it": "Punjabi"},
    "pcm": {"en": "Nigerian Pidgin", "it": "Pidgin nigeriano"},
    "ps": {"en": "Pashto", "it": "Pashtu"},
    "si": {"en": "Sinhala", "it": "Singalese"},
    "so": {"en": "Somali", "it": "Somalo"},
    "sw": {"en": "Swahili", "it": "Swahili"},
    "ti": {"en": "Tigrinya", "it": "Tigrino"},
    "tig": {"en": "Tigre", "it": "Tigré"},
    "tw": {"en": "Twi", "it": "Twi"},
    "tzm": {"en": "Tamazight (Berber)", "it": "Tamazight (berbero)"},
}


def _language() -> str:
    """The active language without region ("it", "en"), the project's default when none is active."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def sort_key(text: str) -> tuple[str, str]:
    """Collation for displayed names: case and accents folded, punctuation ignored."""
    folded = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    ).casefold()
    folded = folded.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("œ", "oe")
    return " ".join(re.findall(r"\w+", folded)), text


@cache
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[to_locale(language)], fallback=True)


def _pick(names: dict[str, str], language: str) -> str:
    return names.get(language, names["en"])


# --- Countries -----------------------------------------------------------------------------------


@cache
def _country_names(language: str) -> dict[str, str]:
    catalogue = _catalogue("iso3166-1", language)
    names = {}
    for country in pycountry.countries:
        if country.alpha_2 in _COUNTRY_NAMES:
            names[country.alpha_2] = _pick(_COUNTRY_NAMES[country.alpha_2], language)
        else:
            names[country.alpha_2] = catalogue.gettext(getattr(country, "common_name", None) or country.name)
    for code, extra in _EXTRA_COUNTRIES.items():
        names[code] = _pick(extra, language)
    return names


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _country_names(language)
    return tuple(sorted(names.items(), key=lambda item: sort_key(item[1])))


def country_choices() -> list[tuple[str, str]]:
    """(ISO alpha-2 code, name) for every country, named in the active language and sorted by name."""
    return list(_country_choices(_language()))


def country_name(code: str) -> str:
    """The name of a country (ISO alpha-2, any case) in the active language; the code itself if unknown."""
    return _country_names(_language()).get((code or "").upper(), code)


# --- Languages -----------------------------------------------------------------------------------


def _iso_language(code: str) -> object | None:
    code = (code or "").lower()
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code)
    return None


@cache
def _language_name(code: str, language: str) -> str:
    if code in _LANGUAGE_NAMES:
        return _pick(_LANGUAGE_NAMES[code], language)
    found = _iso_language(code)
    if found is None:
        return code
    return _catalogue("iso639-3", language).gettext(found.name)  # type: ignore[attr-defined]


@cache
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    choices = ((code, _language_name(code, language)) for code in LANGUAGE_CODES)
    return tuple(sorted(choices, key=lambda item: sort_key(item[1])))


def language_choices() -> list[tuple[str, str]]:
    """(ISO 639 code, name) for the languages of ``LANGUAGE_CODES``, named in the active language."""
    return list(_language_choices(_language()))


def language_name(code: str) -> str:
    """The name of any ISO 639 language (2 or 3 letters) in the active language; the code if unknown."""
    code = (code or "").lower()
    found = _iso_language(code)
    if found is not None and code not in _LANGUAGE_NAMES:
        # The 3-letter code of a language that has a 2-letter one ("ara") gets the same name as "ar".
        code = getattr(found, "alpha_2", code)
    return _language_name(code, _language())


# --- Phone numbers -------------------------------------------------------------------------------


def normalise_phone(raw: str, *, default_region: str = "IT") -> str:
    """The number in E.164 ("333 123 4567" -> "+393331234567"); "" for a blank one.

    A number without a country prefix is read as a number of ``default_region``; "+" or "00" starts
    an international one. ValidationError (code ``phone_invalid``) when phonenumbers does not
    consider it a valid number.
    """
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_MESSAGE, code="phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_MESSAGE, code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
