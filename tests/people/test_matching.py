"""people.matching: folding, name keys and the index kept for search and duplicate detection."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from percorsi.core.models import Site
from percorsi.people import matching
from percorsi.people.models import IdentityDocument, LegalStatus, NameKey, OtherName, Person


def make_person(site: Site, given_names: str, family_names: str = "", **fields: object) -> Person:
    with scope(site=site):
        person = Person.objects.create(
            site=site,
            given_names=given_names,
            family_names=family_names,
            sex=fields.pop("sex", "M"),
            **fields,
        )
        matching.index_person(person)
    return person


def skeleton_keys(*names: str) -> set[str]:
    return {key for key in matching.name_keys(*names) if key.startswith("s:")}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Aïcha", "aicha"),
        ("  MOHAMED   el-Sayed ", "mohamed el sayed"),
        ("N'Diaye", "ndiaye"),
        ("Şükrü Çelik", "sukru celik"),
        ("Олена Шевченко", "olena shevchenko"),
        ("ተስፋይ", "tesfay"),
        ("محمد", "mhmd"),
        ("عبد الرحمن", "abd al rhmn"),
        ("فاطمة", "fatma"),
        ("", ""),
        ("!!", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert matching.fold(text) == folded


@pytest.mark.parametrize(
    "names",
    [
        ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "محمد"),
        ("Yusuf", "Youssef", "Yousef", "يوسف"),
        ("Abdul Rahman", "Abdelrahman", "Abdurrahman", "Abd al-Rahman", "عبد الرحمن"),
        ("Ahmed", "Ahmad", "Ahmet", "أحمد"),
        ("Mustafa", "Moustapha", "Mostafa"),
        ("Ibrahim", "Ebrahim", "Ibrahima"),
        ("Fatima", "Fatma", "فاطمة"),
        ("Aisha", "Aicha", "Ayesha", "Aïcha", "عائشة"),
        ("Hussein", "Husayn", "Hossain", "Hussain"),
        ("Mamadou", "Mamadu"),
        ("Ousmane", "Usman", "Osman"),
        ("Abdoulaye", "Abdullahi", "Abdallah"),
        ("Diallo", "Jallow", "Djalo", "Jalloh"),
        ("Tesfaye", "Tesfay", "ተስፋይ"),
        ("Habte", "Habtay"),
        ("Kidane", "Kedane"),
        ("Amanuel", "Emmanuel"),
        ("Tsegay", "Tsegai"),
        ("Chukwuemeka", "Chukuemeka"),
        ("Oksana", "Oxana"),
        ("Olena", "Elena", "Alena"),
        ("Serhii", "Sergiy", "Sergei", "Сергій"),
        ("Yevhen", "Evgeny", "Євген"),
        ("El-Sayed", "Elsayed", "Al Sayed", "Sayed"),
        ("Coulibaly", "Kulibali"),
        ("Oualid", "Walid"),
    ],
)
def test_spellings_share_a_key(names: tuple[str, ...]) -> None:
    first = skeleton_keys(names[0])
    for other in names[1:]:
        assert first & skeleton_keys(other), (names[0], other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Oluwaseun", "Oluwasegun"),  # two Yoruba names, not two spellings
        ("Ali", "Alice"),
        ("Fatou", "Fatoumata"),
        ("Diallo", "Diop"),
        ("Traore", "Toure"),
        ("Samuel", "Samson"),
        ("Abdallah", "Abdelaziz"),
    ],
)
def test_different_names_have_different_keys(one: str, other: str) -> None:
    assert not skeleton_keys(one) & skeleton_keys(other)


def test_near_misses_share_only_the_short_prefix_key() -> None:
    one, other = matching.name_keys("Oluwaseun"), matching.name_keys("Oluwasegun")
    assert one & other == {"p:als"}
    assert "p:abr" in matching.name_keys("Ibrahin") & matching.name_keys("Ibrahim")


def test_swapped_names_have_the_same_keys() -> None:
    assert matching.name_keys("Mohamed Ali") == matching.name_keys("Ali Mohamed")
    assert matching.name_keys("Mohamed", "Ali") == matching.name_keys("Ali Mohamed")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Amin", "Amina"),  # the final vowel of a short name counts
        ("Jamal", "Jamila"),
        ("Karim", "Karima"),
        ("Hassan", "Hussein"),  # the first vowel counts
        ("Mahmoud", "Mohamed"),
    ],
)
def test_same_skeleton_but_a_different_name(one: str, other: str) -> None:
    # The keys bring them together (a candidate), the comparison tells them apart.
    assert skeleton_keys(one) & skeleton_keys(other)
    assert matching._word_similarity(matching.fold(one), matching.fold(other)) < matching.TOKEN_MATCH


def test_keys_fit_the_column_and_ignore_numbers_and_initials() -> None:
    keys = matching.name_keys(
        "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen"
    )
    assert keys and all(len(key) <= 60 for key in keys)
    assert matching.name_keys("Mohamed 2 A.") == matching.name_keys("Mohamed")
    assert matching.name_keys("") == set()
    assert matching.name_keys("bin Laden") == matching.name_keys("Laden")


def test_normalize_identifier() -> None:
    assert matching.normalize_identifier(" ab-123 45/6 ") == "AB123456"
    assert matching.normalize_identifier("") == ""


def test_index_person_writes_search_text_and_keys(site_a: Site) -> None:
    person = make_person(
        site_a,
        "Aïcha",
        "El-Sayed",
        native_name="عائشة",
        tax_code="SYDCHA90A41Z336X",
        phone="+393331234567",
    )
    with scope(site=site_a):
        OtherName.objects.create(site=site_a, person=person, name="Ayesha Sayed")
        IdentityDocument.objects.create(site=site_a, person=person, kind="passport", number="AB 123-4567")
        LegalStatus.objects.create(site=site_a, person=person, status="refugee", permit_number="I 0123456")
        matching.index_person(person)
        person.refresh_from_db()
        keys = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
        sites = set(NameKey.objects.filter(person=person).values_list("site_id", flat=True))
    assert person.search_text == "aicha el sayed | ayesha sayed | aisha"
    assert person.version == 1
    assert sites == {site_a.pk}
    assert {"s:ax", "s:st", "s:alst", "p:als"} <= keys
    assert {"cf:SYDCHA90A41Z336X", "tel:331234567", "doc:AB1234567", "doc:I0123456"} <= keys
    assert person.history.count() == 1  # search_text is not a change of the record


def test_index_person_replaces_the_keys(site_a: Site) -> None:
    person = make_person(site_a, "Mohamed", "Diallo")
    with scope(site=site_a):
        person.given_names = "Ibrahim"
        person.save()
        matching.index_person(person)
        keys = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert "s:abrhm" in keys
    assert "s:mhmt" not in keys
    with scopes_disabled():
        assert NameKey.objects.filter(key="s:mhmt").count() == 0


# The tables that search (tests/people/test_search.py) and duplicate detection
# (tests/people/test_duplicates.py) are checked against: (recorded given, family) -> (typed given, family).
SPELLING_PAIRS: list[tuple[tuple[str, str], tuple[str, str]]] = [
    (("Mohammed", "Diallo"), ("Muhammad", "Diallo")),
    (("Mohamed", "Bah"), ("Mohammad", "Bah")),
    (("Muhammed", "Sow"), ("Mohamed", "Sow")),
    (("Yusuf", "Kamara"), ("Youssef", "Kamara")),
    (("Yousef", "Haddad"), ("Yusuf", "Haddad")),
    (("Abdul Rahman", "Hamid"), ("Abdelrahman", "Hamid")),
    (("Abdurrahman", "Yusuf"), ("Abdul Rahman", "Yusuf")),
    (("Ahmed", "Khan"), ("Ahmad", "Khan")),
    (("Ahmet", "Yilmaz"), ("Ahmed", "Yilmaz")),
    (("Mustafa", "Ali"), ("Moustapha", "Ali")),
    (("Mostafa", "Hassan"), ("Mustafa", "Hassan")),
    (("Ibrahim", "Conteh"), ("Ebrahim", "Conteh")),
    (("Ibrahima", "Sylla"), ("Ibrahim", "Sylla")),
    (("Fatima", "Zahra"), ("Fatma", "Zahra")),
    (("Aisha", "Bello"), ("Aïcha", "Bello")),
    (("Ayesha", "Malik"), ("Aicha", "Malik")),
    (("Hussein", "Abdi"), ("Husayn", "Abdi")),
    (("Hossain", "Rahman"), ("Hussain", "Rahman")),
    (("Mamadou", "Barry"), ("Mamadu", "Barry")),
    (("Ousmane", "Sanogo"), ("Usman", "Sanogo")),
    (("Osman", "Idris"), ("Ousmane", "Idris")),
    (("Abdoulaye", "Keita"), ("Abdullahi", "Keita")),
    (("Abdallah", "Nur"), ("Abdoulaye", "Nur")),
    (("Amadou", "Diallo"), ("Amadou", "Jallow")),
    (("Lamin", "Djalo"), ("Lamin", "Diallo")),
    (("Tesfaye", "Gebre"), ("Tesfay", "Gebre")),
    (("Habte", "Tekle"), ("Habtay", "Tekle")),
    (("Kidane", "Berhe"), ("Kedane", "Berhe")),
    (("Amanuel", "Tesfamariam"), ("Emmanuel", "Tesfamariam")),
    (("Tsegay", "Haile"), ("Tsegai", "Haile")),
    (("Chukwuemeka", "Okafor"), ("Chukuemeka", "Okafor")),
    (("Oksana", "Kovalenko"), ("Oxana", "Kovalenko")),
    (("Olena", "Shevchenko"), ("Elena", "Shevchenko")),
    (("Serhii", "Bondarenko"), ("Sergei", "Bondarenko")),
    (("Sergiy", "Melnyk"), ("Serhii", "Melnyk")),
    (("Yevhen", "Kravchenko"), ("Evgeny", "Kravchenko")),
    (("Mohamed", "El-Sayed"), ("Mohamed", "Elsayed")),
    (("Ahmed", "Al Sayed"), ("Ahmed", "Sayed")),
    (("Mohamed", "Ali"), ("Ali", "Mohamed")),  # given and family names swapped
    (("Omar", "Faruk"), ("Umar", "Farouk")),
    (("Mariam", "Traore"), ("Maryam", "Traoré")),
    (("Aboubacar", "Camara"), ("Abubakar", "Kamara")),
    (("Hassan", "Abdel Kader"), ("Hasan", "Abdelkader")),
    (("Yohannes", "Tesfay"), ("Johannes", "Tesfaye")),
    (("Oualid", "Ben Salah"), ("Walid", "Ben Salah")),
    (("Moussa", "Coulibaly"), ("Musa", "Kulibali")),
    (("Issa", "Ouedraogo"), ("Issa", "Wedraogo")),
    (("Oleksandr", "Petrenko"), ("Alexander", "Petrenko")),
    (("Omar", "Jalloh"), ("Umar", "Jallow")),
]

# Different people that neither search nor duplicate detection may take for each other: recorded
# (given, family), typed (given, family). The duplicate check gives both the same birth year and
# nationality, the hardest case.
DIFFERENT_PEOPLE: list[tuple[tuple[str, str], tuple[str, str]]] = [
    (("Ali", "Hassan"), ("Alice", "Hassan")),
    (("Amin", "Yusuf"), ("Amina", "Yusuf")),
    (("Fatou", "Diallo"), ("Fatou", "Diop")),
    (("Mohamed", "Ali"), ("Mohamed", "Hassan")),
    (("Hassan", "Kamara"), ("Hussein", "Kamara")),
    (("Mahmoud", "Kamara"), ("Mohamed", "Kamara")),
    (("Jamal", "Bah"), ("Jamila", "Bah")),
    (("Ahmed", "Traore"), ("Ahmed", "Toure")),
    (("Karim", "Diop"), ("Karima", "Diop")),
    (("Samuel", "Okafor"), ("Samson", "Okafor")),
    (("Ibrahim", "Sow"), ("Ibrahim", "Sall")),
    (("Aminata", "Diallo"), ("Aminata", "Barry")),
    (("Blessing", "Okoro"), ("Blessing", "Okonkwo")),
    (("Yonas", "Tesfay"), ("Yonas", "Tekle")),
    (("Fatima", "Zahra"), ("Fatoumata", "Camara")),
]


def test_the_tables_are_large_enough() -> None:
    assert len(SPELLING_PAIRS) >= 30
    assert len(DIFFERENT_PEOPLE) >= 10
    assert len(set(SPELLING_PAIRS)) == len(SPELLING_PAIRS)
