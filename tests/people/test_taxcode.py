"""Tax codes: full and provisional codes validated, and a full code checked against the record."""

from __future__ import annotations

from datetime import date

import codicefiscale
import pytest
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import override

from percorsi.people import taxcode
from percorsi.people.choices import DatePrecision, Sex
from percorsi.people.taxcode import (
    belfiore_codes,
    country_for_belfiore_code,
    normalise_tax_code,
    provisional_check_digit,
    tax_code_mismatches,
    validate_tax_code,
)

# Blessing Okafor, born in Nigeria on 12 March 1995: the day is 52 because she is a woman.
BLESSING = codicefiscale.encode("Okafor", "Blessing", "F", "1995-03-12", "Nigeria")


def omocode(code: str, positions: tuple[int, ...]) -> str:
    """The code with the digits at `positions` replaced by their omocodia letters, check recomputed."""
    letters = dict(zip("0123456789", "LMNPQRSTUV", strict=True))
    chars = list(code[:15])
    for position in positions:
        chars[position] = letters[chars[position]]
    body = "".join(chars)
    return body + codicefiscale.encode_cin(body)


def mismatches(code: str = BLESSING, **record: object) -> list[str]:
    values: dict[str, object] = {
        "birth_date": date(1995, 3, 12),
        "birth_date_precision": "exact",
        "sex": "F",
        "birth_country": "NG",
        "birth_place": "",
    }
    values.update(record)
    with override("en"):
        return tax_code_mismatches(code=code, **values)  # type: ignore[arg-type]


def error_code(raw: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_tax_code(raw)
    return caught.value.code  # type: ignore[return-value]


# --- Normalising and validating ------------------------------------------------------------------


def test_normalise_strips_spaces_and_upper_cases():
    assert normalise_tax_code(" kfrbss 95c52 z335f\t") == "KFRBSS95C52Z335F"
    assert normalise_tax_code("") == ""


def test_lowercase_spaced_input_is_normalised_and_valid():
    assert validate_tax_code(" " + " ".join(BLESSING.lower()) + " ") == (BLESSING, "full")


@pytest.mark.parametrize(
    ("surname", "name", "sex", "born", "place", "belfiore"),
    [
        ("Okafor", "Blessing", "F", "1995-03-12", "Nigeria", "Z335"),
        ("Tesfay", "Semhar", "F", "2001-11-30", "Eritrea", "Z368"),
        ("Ahmadi", "Mohammad", "M", "1988-01-01", "Afghanistan", "Z200"),
        ("Kouassi", "Yao", "M", "1999-07-04", "Costa d'Avorio", "Z313"),
        ("Diallo", "Mamadou", "M", "2004-01-01", "Guinea", "Z319"),
        ("Chowdhury", "Rahim", "M", "1992-02-29", "Bangladesh", "Z249"),
        ("Deng", "Akol", "M", "2000-06-15", "Sud Sudan", "Z907"),
    ],
)
def test_codes_of_people_born_abroad(surname, name, sex, born, place, belfiore):
    code = codicefiscale.encode(surname, name, sex, born, place)
    assert code[11:15] == belfiore
    assert validate_tax_code(code) == (code, "full")
    birth = date.fromisoformat(born)
    country = country_for_belfiore_code(belfiore)
    assert country is not None
    assert mismatches(code, birth_date=birth, sex=sex, birth_country=country) == []


def test_a_woman_has_forty_added_to_the_day():
    assert BLESSING[9:11] == "52"
    assert mismatches(sex="F") == []
    man = codicefiscale.encode("Okafor", "Chinedu", "M", "1995-03-12", "Nigeria")
    assert man[9:11] == "12"
    assert mismatches(man, sex="M") == []


@pytest.mark.parametrize("positions", [(14,), (13, 14), (6, 7, 9, 10, 12, 13, 14)])
def test_omocodia_codes_are_valid_and_decoded(positions):
    code = omocode(BLESSING, positions)
    assert code != BLESSING
    assert codicefiscale.is_omocode(code)
    assert validate_tax_code(code.lower()) == (code, "full")
    # The letters stand for digits: date, sex and place read as in the original code.
    assert mismatches(code) == []


def test_every_omocode_the_library_lists_is_valid():
    omocodes = codicefiscale.decode(BLESSING)["omocodes"]
    assert len(omocodes) == 128
    assert all(validate_tax_code(code) == (code, "full") for code in omocodes)


def test_wrong_check_character_is_rejected():
    wrong = BLESSING[:15] + ("A" if BLESSING[15] != "A" else "B")
    assert error_code(wrong) == "tax_code_check_character"
    # An omocodia letter where the check does not follow is caught too.
    assert error_code(BLESSING[:14] + "N" + BLESSING[15]) == "tax_code_check_character"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "tax_code_required"),
        ("   ", "tax_code_required"),
        ("KFRBSS-95C52Z335F", "tax_code_characters"),
        ("KFRBSS95C52Z335À", "tax_code_characters"),
        ("KFRBSS95C52Z335", "tax_code_length"),
        ("KFRBSS95C52Z335FF", "tax_code_length"),
        ("1234567890", "tax_code_length"),
        ("1234567890A", "tax_code_provisional_digits"),
        ("00000000000", "tax_code_provisional_zero"),
        ("KFR1SS95C52Z335F", "tax_code_format"),  # a digit among the name letters
        ("KFRBSS9XC52Z335F", "tax_code_format"),  # a letter that is not an omocodia letter in the year
        ("KFRBSS95F52Z335F", "tax_code_month"),  # F is not a month letter
        ("KFRBSS95C35Z335F", "tax_code_day"),
        ("KFRBSS95C00Z335F", "tax_code_day"),
        ("KFRBSS95B30Z335F", "tax_code_date"),  # 30 February
    ],
)
def test_invalid_codes_are_rejected_with_a_reason(raw, code):
    assert error_code(raw) == code


def test_error_messages_are_clear_and_translatable():
    with pytest.raises(ValidationError) as caught:
        validate_tax_code("KFRBSS95C52Z33")
    with override("en"):
        assert caught.value.messages == [
            "A tax code has 16 characters, or 11 digits if provisional: this one has 14 characters."
        ]
    # Lazy messages, rendered in the language active when shown.
    assert all(isinstance(message, Promise) for message in taxcode.MESSAGES.values())
    with pytest.raises(ValidationError) as caught:
        validate_tax_code("KFRBSS95F52Z335F")
    with override("en"):
        assert "month of birth" in caught.value.messages[0]
        assert "not F" in caught.value.messages[0]


def test_29_february_is_accepted_when_the_two_digit_year_can_be_a_leap_year():
    code = codicefiscale.encode("Chowdhury", "Rahim", "M", "1992-02-29", "Bangladesh")
    assert validate_tax_code(code)[1] == "full"
    # 00 can be 2000, a leap year.
    body = "CHWRHM00B29Z249"
    assert validate_tax_code(body + codicefiscale.encode_cin(body))[1] == "full"
    # 01 cannot.
    body = "CHWRHM01B29Z249"
    assert error_code(body + codicefiscale.encode_cin(body)) == "tax_code_date"


# --- Provisional numeric codes -------------------------------------------------------------------


def test_provisional_check_digit_follows_the_partita_iva_algorithm():
    # Numeric codes of public bodies, published: the Agenzia delle Entrate and TIM.
    assert provisional_check_digit("0636339100") == "1"
    assert provisional_check_digit("0048841001") == "0"
    # By hand: 1+3+5+7+9 = 25; 2*2=4, 4*2=8, 6*2=12->3, 8*2=16->7, 0 -> 22; 47 -> 3.
    assert provisional_check_digit("1234567890") == "3"
    with pytest.raises(ValueError):
        provisional_check_digit("123")


@pytest.mark.parametrize("raw", ["06363391001", "00488410010", "12345678903", " 123 456 789 03 "])
def test_valid_provisional_code(raw):
    assert validate_tax_code(raw) == (raw.replace(" ", ""), "provisional")


@pytest.mark.parametrize("raw", ["06363391002", "12345678900", "12345678930"])
def test_invalid_provisional_code(raw):
    assert error_code(raw) == "tax_code_provisional_check"


def test_provisional_codes_encode_nothing_to_compare():
    assert mismatches("12345678903", sex="M", birth_country="IT", birth_date=date(1970, 1, 1)) == []


# --- Checking the code against the record ---------------------------------------------------------


def test_consistent_record_has_no_mismatch():
    assert mismatches() == []


def test_wrong_year_is_reported():
    [message] = mismatches(birth_date=date(1994, 3, 12))
    assert message == "The tax code gives the birth date March 12, 1995, the record March 12, 1994."


def test_wrong_day_is_reported_when_the_date_is_exact():
    [message] = mismatches(birth_date=date(1995, 3, 13))
    assert "birth date" in message


def test_wrong_sex_is_reported():
    assert mismatches(sex="M") == [
        "The tax code is a woman's (day of birth plus 40), but the record says male."
    ]
    man = codicefiscale.encode("Okafor", "Chinedu", "M", "1995-03-12", "Nigeria")
    assert mismatches(man, sex="F") == ["The tax code is a man's, but the record says female."]


def test_sex_other_or_not_stated_is_not_compared():
    assert mismatches(sex="X") == []
    assert mismatches(sex="") == []


def test_wrong_country_is_reported():
    assert mismatches(birth_country="ER") == [
        "The tax code gives the country of birth Nigeria (Z335), the record Eritrea (Z368)."
    ]


def test_country_names_in_the_message_follow_the_language():
    with override("it"):
        [message] = tax_code_mismatches(
            code=BLESSING,
            birth_date=None,
            birth_date_precision="exact",
            sex="F",
            birth_country="CI",
            birth_place="",
        )
    assert "Nigeria (Z335)" in message
    assert "Costa d'Avorio (Z313)" in message


def test_several_mismatches_are_all_reported():
    found = mismatches(birth_date=date(1990, 1, 1), sex="M", birth_country="AF")
    assert len(found) == 3


@pytest.mark.parametrize(
    ("birth_date", "precision", "consistent"),
    [
        (date(1995, 1, 1), "year", True),  # the customary placeholder: only the year is known
        (date(1996, 1, 1), "year", False),
        (date(1995, 3, 1), "month", True),
        (date(1995, 4, 1), "month", False),
        (date(1994, 1, 1), "month", False),
        (date(1994, 1, 1), "estimated", True),  # estimated: a year either side
        (date(1996, 6, 1), "estimated", True),
        (date(1997, 1, 1), "estimated", False),
        (date(1993, 1, 1), "estimated", False),
        (None, "exact", True),  # no date at all: nothing to compare
    ],
)
def test_partially_known_dates_compare_what_is_known(birth_date, precision, consistent):
    assert (mismatches(birth_date=birth_date, birth_date_precision=precision) == []) is consistent


def test_partially_known_dates_are_shown_as_known():
    [message] = mismatches(birth_date=date(1997, 1, 1), birth_date_precision="year")
    assert message == "The tax code gives the birth date March 12, 1995, the record 1997."
    [message] = mismatches(birth_date=date(1997, 1, 1), birth_date_precision="estimated")
    assert message.endswith("the record about 1997.")
    [message] = mismatches(birth_date=date(1997, 5, 1), birth_date_precision="month")
    assert message.endswith("the record May 1997.")


def test_the_century_is_the_one_nearest_the_record():
    # "25" read as 1925 for someone recorded as born in 1925, not as 2025.
    code = codicefiscale.encode("Rossi", "Mario", "M", "1925-05-01", "Roma")
    assert (
        mismatches(code, birth_date=date(1925, 5, 1), sex="M", birth_country="IT", birth_place="Roma") == []
    )
    # Estimated ages across a century boundary: "99" and a record of 2000.
    code = codicefiscale.encode("Bah", "Alpha", "M", "1999-12-31", "Guinea")
    assert (
        mismatches(
            code, birth_date=date(2000, 1, 1), birth_date_precision="estimated", sex="M", birth_country="GN"
        )
        == []
    )


def test_born_in_italy():
    code = codicefiscale.encode("Okafor", "Grace", "F", "2019-09-09", "Reggio nell'Emilia")
    record = {"birth_date": date(2019, 9, 9), "birth_country": "IT"}
    for place in ["Reggio nell'Emilia", "REGGIO EMILIA", "reggio emilia (RE)", "Reggio Emilia, RE", ""]:
        assert mismatches(code, birth_place=place, **record) == [], place
    [message] = mismatches(code, birth_place="Roma", **record)
    assert message == "The tax code gives the town of birth Reggio Nell'Emilia (RE), the record Roma."


def test_municipality_names_are_compared_without_accents_and_by_other_names():
    code = codicefiscale.encode("Ba", "Awa", "F", "2020-01-15", "San Donà di Piave")
    record = {"birth_date": date(2020, 1, 15), "birth_country": "IT"}
    assert mismatches(code, birth_place="san dona di piave", **record) == []
    code = codicefiscale.encode("Ba", "Awa", "F", "2020-01-15", "Bolzano")
    assert mismatches(code, birth_place="Bozen", **record) == []


def test_italy_against_abroad():
    assert mismatches(birth_country="IT", birth_place="Roma") == [
        "The tax code gives a place of birth abroad, Nigeria (Z335); the record, Italy."
    ]
    code = codicefiscale.encode("Okafor", "Grace", "F", "1995-03-12", "Roma")
    assert mismatches(code, birth_country="NG") == [
        "The tax code gives a place of birth in Italy, Roma (RM); the record, Nigeria."
    ]


def test_unknown_country_of_birth_is_not_compared():
    assert mismatches(birth_country="") == []


def test_predecessor_states_are_accepted_for_people_born_before_the_change():
    ussr = "Z135"
    body = "KVLNNA85A41" + ussr  # Anna Kovalenko, born in Soviet Ukraine on 1 January 1985
    code = body + codicefiscale.encode_cin(body)
    record = {"birth_date": date(1985, 1, 1), "sex": "F", "birth_country": "UA"}
    assert validate_tax_code(code)[1] == "full"
    assert mismatches(code, **record) == []
    # The USSR code for someone born in Ukraine in 1995 is a mismatch.
    body = "KVLNNA95A41" + ussr
    late = body + codicefiscale.encode_cin(body)
    [message] = mismatches(late, **{**record, "birth_date": date(1995, 1, 1)})
    assert "(Z138)" in message


def test_place_code_unknown_to_the_library_is_accepted_but_reported():
    body = "KFRBSS95C52Z999"
    code = body + codicefiscale.encode_cin(body)
    assert not codicefiscale.is_valid(code)
    assert validate_tax_code(code) == (code, "full")
    [message] = mismatches(code)
    assert "Z999" in message


def test_invalid_code_raises():
    with pytest.raises(ValidationError):
        mismatches("KFRBSS95C52Z335A")


# --- Belfiore codes of countries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("NG", "Z335"),
        ("PK", "Z236"),
        ("BD", "Z249"),
        ("AF", "Z200"),
        ("ER", "Z368"),
        ("GM", "Z317"),
        ("ML", "Z329"),
        ("CI", "Z313"),
        ("SN", "Z343"),
        ("GN", "Z319"),
        ("SO", "Z345"),
        ("SD", "Z348"),
        ("SS", "Z907"),
        ("TN", "Z352"),
        ("EG", "Z336"),
        ("UA", "Z138"),
        ("LY", "Z326"),
        ("TR", "Z243"),
        ("PS", "Z161"),
        ("XK", "Z160"),
        ("CD", "Z312"),
        ("CG", "Z311"),
        ("GW", "Z320"),
    ],
)
def test_main_countries_of_origin_have_their_belfiore_code(country, code):
    assert belfiore_codes(country) == {code}
    assert belfiore_codes(country.lower()) == {code}
    assert country_for_belfiore_code(code) == country


def test_italy_has_no_country_code():
    assert belfiore_codes("IT") == frozenset()
    assert belfiore_codes("") == frozenset()
    assert country_for_belfiore_code("H501") is None


def test_precision_and_sex_values_match_the_models_choices():
    assert {taxcode.EXACT, taxcode.MONTH, taxcode.YEAR, taxcode.ESTIMATED} == set(DatePrecision.values)
    assert set(Sex.values) == {"F", "M", "X"}
