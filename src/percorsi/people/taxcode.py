"""Italian tax codes (codice fiscale): validation and the check against a person's record.

Two kinds are accepted (DOMAIN.md, "Documents and identifiers"):

- "full": the 16-character code, e.g. ``KFRBSS95C52Z335F``. Checked here: the layout (letters and
  digits where they belong, omocodia letters ``LMNPQRSTUV`` allowed in place of the digits), the
  month letter, the day (1-31, plus 40 for women), that the date exists, and the check character,
  computed with python-codicefiscale. The place-of-birth code is looked up with python-codicefiscale
  too, but a code whose place is missing from the library's list is *not* rejected (its list of
  foreign territories is incomplete, e.g. Gibraltar or Réunion): ``tax_code_mismatches`` warns
  about it instead.
- "provisional": the 11-digit numeric code given to asylum seekers before the full one, with the
  check digit of the Italian numeric code (the partita IVA algorithm).

``tax_code_mismatches`` compares what a full code encodes (birth date, sex, place of birth) with
the record and returns the differences as text in the active language: the caller shows them as a
warning the operator can confirm, never as a block.
"""

from __future__ import annotations

import calendar
import gettext as gnu_gettext
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import codicefiscale
import pycountry
from codicefiscale.data import get_countries_data
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from percorsi.people import reference

FULL = "full"
PROVISIONAL = "provisional"

# Birth date precisions, as in percorsi.people.choices.DatePrecision.
EXACT = "exact"
MONTH = "month"
YEAR = "year"
ESTIMATED = "estimated"

ITALY = "IT"

MESSAGES = {
    "required": _("Enter the tax code: 16 characters, or 11 digits for a provisional code."),
    "characters": _("A tax code contains only letters and digits."),
    "length": ngettext_lazy(
        "A tax code has 16 characters, or 11 digits if provisional: this one has %(length)d character.",
        "A tax code has 16 characters, or 11 digits if provisional: this one has %(length)d characters.",
        "length",
    ),
    "provisional_digits": _("A provisional tax code of 11 characters is made of digits only."),
    "provisional_zero": _("A provisional tax code cannot be all zeros."),
    "provisional_check": _(
        "The last digit of this provisional tax code does not match the others: check it for typing errors."
    ),
    "format": _(
        "This is not a tax code: it should be 6 letters, 2 digits, 1 letter, 2 digits, 1 letter, "
        "3 digits and 1 letter (as in RSSMRA85T10A562S)."
    ),
    "month": _(
        "The 9th character of a tax code is the month of birth: one of A B C D E H L M P R S T, "
        "not %(letter)s."
    ),
    "day": _(
        "Characters 10 and 11 of a tax code are the day of birth: 01 to 31 for men, 41 to 71 for "
        "women, not %(day)s."
    ),
    "date": _("The birth date in this tax code does not exist (day %(day)s of month %(month)s)."),
    "check_character": _(
        "The last character of this tax code does not match the others: check it for typing errors."
    ),
}

_SPACES = re.compile(r"\s+")
_OMOCODIA_DIGITS = "LMNPQRSTUV"  # 0..9
_OMOCODIA_TO_DIGIT = str.maketrans(_OMOCODIA_DIGITS, "0123456789")
_NUM = r"[0-9LMNPQRSTUV]"
_FULL_RE = re.compile(rf"^[A-Z]{{6}}{_NUM}{{2}}[A-Z]{_NUM}{{2}}[A-Z]{_NUM}{{3}}[A-Z]$")
_MONTHS = "ABCDEHLMPRST"


def normalise_tax_code(raw: str) -> str:
    """The code without spaces (anywhere) and in upper case: " rss mra 85t10 a562s " -> "RSSMRA85T10A562S"."""
    return _SPACES.sub("", raw or "").upper()


def _error(key: str, **params: Any) -> ValidationError:
    return ValidationError(MESSAGES[key], code=f"tax_code_{key}", params=params or None)


def provisional_check_digit(first_ten: str) -> str:
    """The 11th digit of an Italian numeric code (partita IVA, provisional tax code) from the first 10.

    Digits in odd places (1st, 3rd, ...) count as they are; digits in even places are doubled, and 9
    taken off when the double exceeds 9; the check digit brings the total to a multiple of 10.
    """
    if len(first_ten) != 10 or not first_ten.isascii() or not first_ten.isdigit():
        raise ValueError("the first ten digits of the code are needed")
    total = 0
    for index, char in enumerate(first_ten):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def _validate_provisional(code: str) -> None:
    if not code.isdigit():
        raise _error("provisional_digits")
    if set(code) == {"0"}:
        raise _error("provisional_zero")
    if provisional_check_digit(code[:10]) != code[10]:
        raise _error("provisional_check")


@dataclass(frozen=True)
class _Encoded:
    """What the 16 characters say, omocodia letters turned back into digits."""

    year: int  # two digits: the century is not encoded
    month: int
    day: int
    sex: str  # "F" or "M"
    place: str  # Belfiore code, e.g. "Z335" or "H501"


def _parse_full(code: str) -> _Encoded:
    if not _FULL_RE.match(code):
        raise _error("format")
    if code[8] not in _MONTHS:
        raise _error("month", letter=code[8])
    day_code = code[9:11].translate(_OMOCODIA_TO_DIGIT)
    day = int(day_code)
    sex = "M"
    if day > 40:
        day -= 40
        sex = "F"
    if not 1 <= day <= 31:
        raise _error("day", day=day_code)
    year = int(code[6:8].translate(_OMOCODIA_TO_DIGIT))
    month = _MONTHS.index(code[8]) + 1
    # The century is unknown: 29 February is fine if either candidate year is a leap year.
    if day > max(calendar.monthrange(century + year, month)[1] for century in (1900, 2000)):
        raise _error("date", day=day, month=month)
    if codicefiscale.encode_cin(code[:15]) != code[15]:
        raise _error("check_character")
    place = code[11] + code[12:15].translate(_OMOCODIA_TO_DIGIT)
    return _Encoded(year=year, month=month, day=day, sex=sex, place=place)


def validate_tax_code(raw: str) -> tuple[str, str]:
    """The normalised code and its kind, ``"full"`` or ``"provisional"``; ValidationError otherwise.

    Each error has a ``code`` starting with ``tax_code_`` (``tax_code_length``,
    ``tax_code_check_character``, ...) and a message in the active language.
    """
    code = normalise_tax_code(raw)
    if not code:
        raise _error("required")
    if not (code.isascii() and code.isalnum()):
        raise _error("characters")
    if len(code) == 11:
        _validate_provisional(code)
        return code, PROVISIONAL
    if len(code) != 16:
        raise _error("length", length=len(code))
    _parse_full(code)
    return code, FULL


# --- Places of birth ---------------------------------------------------------------------------

# Countries whose Belfiore code python-codicefiscale's list names differently from ISO 3166
# (pycountry), so that matching by name finds nothing.
_BELFIORE_BY_COUNTRY_EXTRA = {
    "PS": "Z161",  # Territori dell'Autonomia Palestinese
    "SH": "Z340",  # Sant'Elena
    "SS": "Z907",  # Sud Sudan: not in the Z3xx series
    "TL": "Z242",  # Timor Orientale
    "VA": "Z106",  # Stato della Città del Vaticano
    "VI": "Z520",  # Isole Vergini Americane
    "WF": "Z729",  # Isole Wallis e Futuna
    "XK": "Z160",  # Kosovo: not in ISO 3166, user-assigned code XK
}

_SOVIET = ("AM", "AZ", "BY", "EE", "GE", "KG", "KZ", "LT", "LV", "MD", "RU", "TJ", "TM", "UA", "UZ")

# Codes of states that no longer exist, or of the state a country was part of, accepted for people
# born there up to the given year: (code, last year).
_BELFIORE_BEFORE: dict[str, tuple[tuple[str, int], ...]] = {
    "CZ": (("Z105", 1992),),
    "SK": (("Z105", 1992),),
    "DE": (("Z111", 1990),),
    "YE": (("Z201", 1975), ("Z202", 1975), ("Z250", 1990)),
    "TZ": (("Z350", 1964),),
    "ER": (("Z315", 1993),),  # Ethiopia
    "SS": (("Z348", 2011),),  # Sudan
    "BD": (("Z236", 1971),),  # Pakistan
    "XK": (("Z118", 2003), ("Z157", 2006), ("Z158", 2008)),  # Yugoslavia, Serbia and Montenegro, Serbia
    "RS": (("Z118", 2003), ("Z157", 2006)),
    "ME": (("Z118", 2003), ("Z157", 2006)),
    **dict.fromkeys(("BA", "HR", "MK", "SI"), (("Z118", 1992),)),
    **dict.fromkeys(_SOVIET, (("Z135", 1991),)),
}


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded))


@cache
def _foreign_places() -> dict[str, dict[str, Any]]:
    """python-codicefiscale's foreign states and territories by Belfiore code."""
    return {place["code"]: place for place in get_countries_data()}


@cache
def _belfiore_index() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """(ISO alpha-2 -> Belfiore codes, Belfiore code -> ISO alpha-2), matched by name."""
    italian = gnu_gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["it"], fallback=True)
    by_slug: dict[str, set[str]] = {}
    for place in _foreign_places().values():
        for name in [*place["name_slugs"], place["name"], place.get("name_alt_en") or ""]:
            if slug := _slug(name):
                by_slug.setdefault(slug, set()).add(place["code"])
    codes_by_country: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = {getattr(country, attr, None) for attr in ("name", "official_name", "common_name")} - {None}
        names |= {italian.gettext(name) for name in names}
        codes = set().union(*(by_slug.get(_slug(name), set()) for name in names))
        if codes:
            codes_by_country[country.alpha_2] = codes
    for alpha_2, code in _BELFIORE_BY_COUNTRY_EXTRA.items():
        codes_by_country.setdefault(alpha_2, set()).add(code)
    country_by_code = {code: alpha_2 for alpha_2, codes in codes_by_country.items() for code in codes}
    return {k: frozenset(v) for k, v in codes_by_country.items()}, country_by_code


def belfiore_codes(country: str) -> frozenset[str]:
    """The Belfiore codes of a country (ISO alpha-2) in python-codicefiscale's list; none if missing.

    Usually one ("NG" -> {"Z335"}); Georgia has two (Z136, Z254). Predecessor states are not
    included. Italy has none: its codes are the municipalities'.
    """
    return _belfiore_index()[0].get((country or "").upper(), frozenset())


def country_for_belfiore_code(code: str) -> str | None:
    """The ISO alpha-2 code of a foreign Belfiore code ("Z368" -> "ER"); None if unknown or historic."""
    return _belfiore_index()[1].get((code or "").upper())


def _accepted_codes(country: str, birth_year: int | None) -> set[str]:
    codes = set(belfiore_codes(country))
    for code, last_year in _BELFIORE_BEFORE.get(country, ()):
        if birth_year is None or birth_year <= last_year:
            codes.add(code)
    return codes


_PLACE_STOPWORDS = {
    "di",
    "de",
    "del",
    "della",
    "dei",
    "delle",
    "nel",
    "nell",
    "nella",
    "sul",
    "sull",
    "e",
    "d",
}


def _place_words(name: str) -> frozenset[str]:
    # "Reggio nell'Emilia (RE)" and "Reggio Emilia, RE" both give {"reggio", "emilia"}.
    name = re.split(r"[(,]", name)[0]
    return frozenset(_slug(name).split("-")) - _PLACE_STOPWORDS - {""}


def _same_municipality(record_place: str, place: dict[str, Any], birth_date: date | None) -> bool:
    words = _place_words(record_place)
    if not words:
        return True
    names = [place.get("name") or "", place.get("name_alt") or "", *place.get("name_slugs", [])]
    if any(words == _place_words(name) for name in names if name):
        return True
    try:
        return codicefiscale.encode_birthplace(
            record_place, birth_date.isoformat() if birth_date else None
        ) == (place.get("code"))
    except ValueError:
        return False


def _decoded_place(code: str, place_code: str) -> dict[str, Any] | None:
    """The place of birth as python-codicefiscale knows it, None if it does not."""
    try:
        return codicefiscale.decode(code)["birthplace"]
    except ValueError:
        # decode() also checks that the place existed on the birth date it guesses (century included).
        return _foreign_places().get(place_code)


def _place_label(place: dict[str, Any]) -> str:
    if place.get("province") == "EE":
        alpha_2 = country_for_belfiore_code(place["code"])
        name = reference.country_name(alpha_2) if alpha_2 else place["name"]
        return f"{name} ({place['code']})"
    return f"{place['name']} ({place['province']})"


# --- The check against the record --------------------------------------------------------------


def _full_year(two_digits: int, near: int) -> int:
    """The year ending in ``two_digits`` nearest to ``near``."""
    candidates = (
        century + two_digits for century in range((near // 100 - 1) * 100, (near // 100 + 2) * 100, 100)
    )
    return min(candidates, key=lambda year: (abs(year - near), -year))


def _record_date_text(birth_date: date, precision: str) -> str:
    if precision == MONTH:
        return date_format(birth_date, "YEAR_MONTH_FORMAT")
    if precision == YEAR:
        return str(birth_date.year)
    if precision == ESTIMATED:
        return gettext("about %(year)s") % {"year": birth_date.year}
    return date_format(birth_date, "DATE_FORMAT")


def _date_mismatch(encoded: _Encoded, birth_date: date, precision: str) -> str | None:
    year = _full_year(encoded.year, birth_date.year)
    if precision == ESTIMATED:
        # An estimated date is a guess at the age: a year either side is consistent.
        consistent = abs(year - birth_date.year) <= 1
    elif precision == YEAR:
        consistent = year == birth_date.year
    elif precision == MONTH:
        consistent = (year, encoded.month) == (birth_date.year, birth_date.month)
    else:
        consistent = (year, encoded.month, encoded.day) == (birth_date.year, birth_date.month, birth_date.day)
    if consistent:
        return None
    try:
        code_date = date_format(date(year, encoded.month, encoded.day), "DATE_FORMAT")
    except ValueError:  # 29 February of the nearest year that is not a leap year
        code_date = f"{encoded.day:02d}/{encoded.month:02d}/{year % 100:02d}"
    return gettext("The tax code gives the birth date %(code_date)s, the record %(record_date)s.") % {
        "code_date": code_date,
        "record_date": _record_date_text(birth_date, precision),
    }


def _sex_mismatch(encoded: _Encoded, sex: str) -> str | None:
    sex = (sex or "").upper()
    if sex not in {"F", "M"} or sex == encoded.sex:
        return None  # "X" (other or not stated): the code can only say F or M
    if encoded.sex == "F":
        return gettext("The tax code is a woman's (day of birth plus 40), but the record says male.")
    return gettext("The tax code is a man's, but the record says female.")


def _place_mismatch(
    code: str, encoded: _Encoded, birth_country: str, birth_place: str, birth_date: date | None
) -> str | None:
    country = (birth_country or "").upper()
    place = _decoded_place(code, encoded.place)
    if place is None:
        return gettext(
            "The place-of-birth code %(place_code)s in the tax code is neither an Italian municipality nor "
            "a foreign country known to this application: check the code."
        ) % {"place_code": encoded.place}
    if not country:
        return None
    code_abroad = place.get("province") == "EE"
    if country == ITALY:
        if code_abroad:
            return gettext(
                "The tax code gives a place of birth abroad, %(code_place)s; the record, Italy."
            ) % {"code_place": _place_label(place)}
        if birth_place and not _same_municipality(birth_place, place, birth_date):
            return gettext(
                "The tax code gives the town of birth %(code_place)s, the record %(record_place)s."
            ) % {
                "code_place": _place_label(place),
                "record_place": birth_place,
            }
        return None
    record_country = reference.country_name(country)
    if not code_abroad:
        return gettext(
            "The tax code gives a place of birth in Italy, %(code_place)s; the record, %(country)s."
        ) % {
            "code_place": _place_label(place),
            "country": record_country,
        }
    accepted = _accepted_codes(country, birth_date.year if birth_date else None)
    if not accepted or place["code"] in accepted:
        return None  # no Belfiore code known for the record's country: nothing to compare with
    return gettext(
        "The tax code gives the country of birth %(code_place)s, the record %(country)s (%(expected)s)."
    ) % {
        "code_place": _place_label(place),
        "country": record_country,
        "expected": ", ".join(sorted(belfiore_codes(country) or accepted)),
    }


def tax_code_mismatches(
    *,
    code: str,
    birth_date: date | None,
    birth_date_precision: str,
    sex: str,
    birth_country: str,
    birth_place: str,
) -> list[str]:
    """What a full tax code says differently from the record, as sentences in the active language.

    Empty when everything agrees, and always for a provisional 11-digit code (it encodes nothing).
    An invalid code raises ValidationError, as ``validate_tax_code``.

    - Birth date: only what is known is compared. ``exact``: day, month and year; ``month``: month and
      year; ``year``: the year; ``estimated``: the year, give or take one; no date: nothing. The code
      holds two digits of the year, read in the century nearest to the record's year.
    - Sex: ``F`` or ``M`` against the day (plus 40 for women); ``X`` (other or not stated) is not
      compared.
    - Place: born abroad (``birth_country`` not ``"IT"``): the code's ``Z`` code must be the country's
      (or, for people born before a state was split or renamed, its predecessor's: USSR, Yugoslavia,
      Ethiopia for Eritrea, Sudan for South Sudan...). A country with no code in python-codicefiscale's
      list is not compared. Born in Italy: the code must be a municipality, and when ``birth_place``
      is given, that one (compared loosely: case, accents, "di"/"nell'" and a province in brackets
      do not matter). No country: the place is not compared. A place code that python-codicefiscale
      does not know is always reported.
    """
    normalised, kind = validate_tax_code(code)
    if kind == PROVISIONAL:
        return []
    encoded = _parse_full(normalised)
    found = []
    if birth_date is not None:
        found.append(_date_mismatch(encoded, birth_date, birth_date_precision))
    found.append(_sex_mismatch(encoded, sex))
    found.append(_place_mismatch(normalised, encoded, birth_country, birth_place, birth_date))
    return [message for message in found if message]
