"""Finding people whatever the spelling of their names, and spotting likely duplicates.

Names reach an intake desk transliterated many ways (Mohammed, Muhammad, Mohamed; Aïcha, Aisha;
Serhii, Sergei), with given and family names swapped and Arabic articles written or not. Every
name is reduced to keys that the variants share; the keys are stored in `NameKey` rows and found
by exact lookups (the same SQL on SQLite and PostgreSQL); the few candidates are then scored in
Python with rapidfuzz. The pg_trgm indexes are not used: a substring search would give answers
that SQLite cannot reproduce, and every spelling variant that matters is caught by the keys.

Folding (`fold`)
    Any script to ASCII with anyascii, lower case, apostrophes dropped (N'Diaye -> ndiaye), any
    other punctuation a space. Arabic script first gets the vowels anyascii leaves out: a word
    that starts with alef or ayn starts with "a" (إبراهيم -> abrhym), alef inside a word is "a",
    ta marbuta is "a" (فاطمة -> ftma), the article ال is its own word ("al rhmn") and الله is
    "allah".

Tokens (`name_keys`, matching)
    Words with a digit or of one letter are ignored when there are others.
    - "abd" forms (abd, abdul, abdel, abdoul, abdur...) are joined to the next word, with an
      article in between: Abdul Rahman = Abd el-Rahman = Abdelrahman = Abdurrahman.
    - "abu" forms (abu, abou, abo) are joined to the next word: Abu Bakr = Abubakar.
    - A separate article (al, el, ul, il; ar, as, an, ad... before a word starting with the same
      consonant) is dropped: El-Sayed = El Sayed = Al Sayed = Sayed. The joined form is kept as a
      variant, so Elsayed matches too; a word that starts with al/el/ul and has 4 more letters
      (Elsayed) gets the rest as a variant (Sayed), and so does a doubled sun letter (Assayed).
    - bin, ibn, bint, ould are dropped; Md, Mohd, Muhd are Muhammad.
    - A word starting with "ye"/"ie" (Yevhen, Ievgen) gets the form without the first letter as a
      variant (Evgeny).

Phonetic form of a word (vowels kept, for the finer checks)
    - abd compounds: "abd" + the rest without its leading vowels and l's (Abdelkader -> abdkader,
      Abdulaziz -> abdaziz); the forms of Abdullah (Abdallah, Abdullahi, Abdoulaye, Abdou) are all
      "abdala".
    - x -> ks (Oxana = Oksana); sch, tch, tsh, sh, ch -> x (Aicha = Aisha); ph -> f
      (Moustapha = Mustafa); kh -> k, gh -> g, th -> t, dh -> d, ck -> k, q -> k; c -> s before
      e, i, y, otherwise k (Coulibaly = Kulibali).
    - dj, zh, j -> y, and di + vowel at the start -> y: Diallo = Djalo = Jallow, Yohannes =
      Johannes, Yusuf = Jusuf (and Joseph).
    - h between r, l or v after a vowel and a vowel -> g (Ukrainian against Russian: Serhii =
      Sergei, Yevhen = Evgeny, Olha = Olga; not in Arabic written without vowels, lrhmn).
    - ou + vowel at the start -> w (Oualid = Walid, Ouedraogo = Wedraogo); any other w is the vowel
      u (Jallow, Oluwaseun); y is a consonant only at the start before a vowel, otherwise the vowel
      i (Husayn = Hussain); i + a/o/u at the start -> y (Iuliia = Yuliia).
    - final h after a vowel is dropped (Fatimah, Abdallah); doubled letters are single.

Keys stored for each word (and its variants)
    - ``s:<skeleton>``: the consonant skeleton of the phonetic form: a leading vowel run becomes
      "a" (Ibrahim = Ebrahim, Ousmane = Usman = Osman, Olena = Elena = Alena, Amanuel =
      Emmanuel), the other vowels are dropped, a final d becomes t (Ahmed = Ahmad = Ahmet);
    - ``p:<first three letters of the skeleton>`` (five for an abd compound, whose first three
      are always "abd"), for skeletons of three letters or more: finds near misses too (a
      mistyped consonant, Ibrahin for Ibrahim), which are then checked letter by letter. A lookup
      uses the prefix key of a word when it has one (it covers the skeleton key: one indexed
      range of rows per word, not two), the skeleton key otherwise.
    index_person adds identifier keys: ``cf:`` tax code, ``tel:`` last nine digits of the phone,
    ``doc:`` document, permit and receipt numbers (upper case, letters and digits only).

Comparing two words (Python, after the keys found the candidates)
    Same spelling 1.0. Same skeleton: a match (0.90-0.97) when the first vowel after the first
    consonants is compatible (a; o or u; i or y; e and a missing vowel go with anything), so
    Mohamed = Muhammad but Mohamed != Mahmoud and Hussein != Hassan; and, for skeletons of three
    letters or fewer, when both end in a vowel or both in a consonant (final e goes with both),
    so Amin != Amina, Jamal != Jamila, Karim != Karima. Skeletons one edit apart with the same
    prefix key and a compatible vowel: a near miss (0.70-0.80), so Ibrahin finds Ibrahim
    and Oluwaseun finds Oluwasegun in a search, ranked lower, while their keys stay distinct.
    Anything else scores at most 0.4.

Search and duplicate detection use a handful of queries whatever the number of people: one
aggregation over NameKey (the people whose keys match every word of the query, or an identifier;
at most a few hundred, the most recent first; for a search by name alone, an INTERSECT of one
lookup per word), one for document numbers when the query looks like one, one for the candidates'
names (and one for their nationalities), one for the people shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii
from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from rapidfuzz.distance import Indel, Levenshtein

from percorsi.core.models import Site
from percorsi.people.choices import DatePrecision, Sex
from percorsi.people.models import IdentityDocument, LegalStatus, NameKey, Nationality, OtherName, Person

__all__ = [
    "DUPLICATE_THRESHOLD",
    "Candidate",
    "RankedHit",
    "SearchHit",
    "duplicate_candidates",
    "duplicates_elsewhere_count",
    "fold",
    "index_person",
    "name_keys",
    "normalize_identifier",
    "rank_people",
    "search_people",
]

# A candidate scoring below this is not shown as a possible duplicate.
DUPLICATE_THRESHOLD = 50
# A word of the query must match a word of the person at least this well to count as found.
TOKEN_MATCH = 0.7
# Candidates scored in Python, at most (the aggregation orders them by words matched, then
# identifier, then most recent first, so the cut is the same on every database).
SEARCH_CANDIDATES = 300
DUPLICATE_CANDIDATES = 200
# Search results when the caller gives no limit.
MAX_RESULTS = 200

KEY_LENGTH = 60
SEARCH_TEXT_LENGTH = 600
SEARCH_TEXT_SEPARATOR = " | "
PHONE_DIGITS = 9

VOWELS = frozenset("aeiou")


# --- Folding -------------------------------------------------------------------------------------

_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")
_ALEFS = "اأإآٱ"


def _arabic_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in ("الله", "ٱلله"):
        return "allah"
    article = ""
    if len(word) > 3 and word.startswith("ال"):
        article, word = "al ", word[2:]
    word = word.replace("ة", "a")
    if word[0] in _ALEFS + "ع":
        word = "a" + word[1:]
    word = word[0] + "".join("a" if char in _ALEFS else char for char in word[1:])
    return article + re.sub("a+", "a", word)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Any script to lower-case ASCII letters and digits, words separated by one space."""
    if not text:
        return ""
    text = _ARABIC_WORD.sub(_arabic_word, text)
    ascii_text = anyascii(text).lower()
    ascii_text = re.sub(r"['`\u00b4^]", "", ascii_text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text).split())


def normalize_identifier(text: str) -> str:
    """A document, permit or tax code number as compared: upper case, letters and digits only."""
    return re.sub(r"[^A-Z0-9]", "", anyascii(text or "").upper())


def _phone_digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


# --- Tokens --------------------------------------------------------------------------------------

_ABD_FORMS = frozenset(
    {
        "abd",
        "abdul",
        "abdel",
        "abdal",
        "abdoul",
        "abdol",
        "abdil",
        "abdur",
        "abdar",
        "abder",
        "abdus",
        "abdou",
    }
)
_ABU_FORMS = frozenset({"abu", "abou", "abo"})
_ARTICLES = frozenset({"al", "el", "ul", "il"})
_SUN_ARTICLE = re.compile(r"^[aeu](sh|[tdrzsn])$")
_DROPPED = frozenset({"bin", "ibn", "bint", "binti", "ould"})
# Written abbreviations of Muhammad (Bangladesh, Pakistan, Malaysia).
_ABBREVIATIONS = {"md": "mohammad", "mohd": "mohammad", "muhd": "muhammad"}
_ATTACHED_ARTICLE = re.compile(r"^(?:al|el|ul)([a-z]{4,})$")
_ATTACHED_SUN_ARTICLE = re.compile(r"^[aeu]([tdrzsn])\1([a-z]{3,})$")

Token = tuple[str, ...]  # the variants of one word, the word as written first


def _is_article(word: str, following: str) -> bool:
    if word in _ARTICLES:
        return True
    match = _SUN_ARTICLE.match(word)
    return bool(match and following.startswith(match.group(1)))


@lru_cache(maxsize=65536)
def _tokens(folded: str) -> tuple[Token, ...]:
    """The words of a folded name, particles handled, each with its variants."""
    words = [_ABBREVIATIONS.get(word, word) for word in folded.split() if word.isalpha()]
    if len(words) > 1:
        words = [word for word in words if len(word) > 1] or words
    tokens: list[Token] = []
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in _ABD_FORMS and following:
            if following in _ARTICLES and i + 2 < len(words):
                tokens.append((word + following + words[i + 2],))
                i += 3
            else:
                tokens.append((word + following,))
                i += 2
            continue
        if word in _ABU_FORMS and following:
            tokens.append((word + following,))
            i += 2
            continue
        if following and _is_article(word, following):
            tokens.append((following, word + following))
            i += 2
            continue
        if word in _DROPPED and len(words) > 1:
            i += 1
            continue
        variants = [word]
        if not word.startswith("abd"):
            attached = _ATTACHED_ARTICLE.match(word)
            if attached:
                variants.append(attached.group(1))
            sun = _ATTACHED_SUN_ARTICLE.match(word)
            if sun:
                variants.append(sun.group(1) + sun.group(2))
        if len(word) > 3 and word[0] in "iy" and word[1] == "e":
            variants.append(word[1:])
        tokens.append(tuple(variants))
        i += 1
    return tuple(tokens)


# --- Phonetic form and skeleton ------------------------------------------------------------------

_ALLAH_RESTS = frozenset({"", "h", "a", "ah", "ahi", "ai", "ay", "aye", "ahy", "i", "e"})
_SH = re.compile(r"sch|tch|tsh|sh|ch")
_DIGRAPHS = (("ph", "f"), ("kh", "k"), ("gh", "g"), ("th", "t"), ("dh", "d"), ("zh", "j"), ("dj", "j"))


def _abd(word: str) -> str:
    rest = word[3:].lstrip("aeiouy").lstrip("l")
    if rest in _ALLAH_RESTS:
        return "abdala"
    return "abd" + rest


@lru_cache(maxsize=65536)
def _phonetic(word: str) -> str:
    if word.startswith("abd") and len(word) > 3:
        word = _abd(word)
    word = word.replace("x", "ks")
    word = _SH.sub("x", word)
    for digraph, letter in _DIGRAPHS:
        word = word.replace(digraph, letter)
    word = word.replace("ck", "k").replace("q", "k")
    word = re.sub(r"c(?=[eiy])", "s", word).replace("c", "k")
    word = re.sub(r"^di(?=[aeou])", "j", word)
    word = re.sub(r"(?<=[aeiouy][rlv])h(?=[aeiouy])", "g", word)
    word = word.replace("j", "y")
    word = re.sub(r"^ou(?=[aeiy])", "w", word)
    word = re.sub(r"^i(?=[aou])", "y", word)
    if word:
        word = word[0] + word[1:].replace("w", "u")
    if len(word) > 1 and word[0] == "y" and word[1] in VOWELS:
        word = "y" + word[1:].replace("y", "i")
    else:
        word = word.replace("y", "i")
    word = re.sub(r"(?<=[aeiou])h$", "", word)
    return re.sub(r"(.)\1+", r"\1", word)


def _skeleton_of(phonetic: str) -> str:
    body = phonetic.lstrip("aeiou")
    lead = "a" if len(body) < len(phonetic) else ""
    consonants = re.sub(r"[aeiou]", "", body)
    if consonants and phonetic.endswith("d"):
        consonants = consonants[:-1] + "t"
    return (lead + consonants) or "a"


class _Word(NamedTuple):
    phonetic: str
    skeleton: str
    first_vowel: str  # "a", "u", "i" or "*" (e, or no vowel: goes with anything)
    final: str  # "v" vowel, "c" consonant, "*" final e


_VOWEL_CLASS = {"a": "a", "o": "u", "u": "u", "i": "i", "e": "*"}
_FIRST_VOWEL = re.compile(r"^[aeiou]*[^aeiou]+([aeiou]?)")


@lru_cache(maxsize=65536)
def _word(word: str) -> _Word:
    phonetic = _phonetic(word)
    match = _FIRST_VOWEL.match(phonetic)
    first_vowel = _VOWEL_CLASS.get(match.group(1), "*") if match else "*"
    last = phonetic[-1:] or "e"
    final = "*" if last == "e" else ("v" if last in VOWELS else "c")
    return _Word(phonetic, _skeleton_of(phonetic), first_vowel, final)


def _compatible(one: str, other: str) -> bool:
    return one == other or one == "*" or other == "*"


@lru_cache(maxsize=262144)
def _word_similarity(one: str, other: str) -> float:
    """How alike two folded words are as names, from 0 to 1 (see the module's docstring)."""
    if one == other:
        return 1.0
    a, b = _word(one), _word(other)
    if a.phonetic == b.phonetic:
        return 0.98
    ratio = Indel.normalized_similarity(a.phonetic, b.phonetic)
    vowels_agree = _compatible(a.first_vowel, b.first_vowel)
    if a.skeleton == b.skeleton:
        if vowels_agree and (len(a.skeleton) > 3 or _compatible(a.final, b.final)):
            return 0.9 + 0.07 * ratio
        return 0.4 * ratio
    if (
        vowels_agree
        and min(len(a.skeleton), len(b.skeleton)) >= 3
        and max(len(a.skeleton), len(b.skeleton)) >= 4
        and _prefix(a.skeleton) == _prefix(b.skeleton)
        and Levenshtein.distance(a.skeleton, b.skeleton) <= 1
    ):
        return 0.7 + 0.1 * ratio
    return 0.4 * ratio


def _prefix(skeleton: str) -> str:
    """The near-miss key: three letters, five for an abd compound (abd + the name it carries)."""
    if len(skeleton) < 3:
        return ""
    return skeleton[:5] if skeleton.startswith("abd") else skeleton[:3]


@lru_cache(maxsize=262144)
def _token_similarity(one: Token, other: Token) -> float:
    return max(_word_similarity(a, b) for a in one for b in other)


def _word_keys(word: str) -> list[str]:
    skeleton = _word(word).skeleton
    keys = [f"s:{skeleton}"[:KEY_LENGTH]]
    if prefix := _prefix(skeleton):
        keys.append(f"p:{prefix}")
    return keys


def _token_keys(token: Token) -> set[str]:
    return {key for word in token for key in _word_keys(word)}


def _lookup_keys(token: Token) -> set[str]:
    """The keys a word is looked up by: every stored key of a similar word holds one of them."""
    return {_word_keys(word)[-1] for word in token}


def name_keys(*names: str) -> set[str]:
    """The keys stored for a person's names (given, family, other names, name in their script)."""
    keys: set[str] = set()
    for name in names:
        for token in _tokens(fold(name)):
            keys |= _token_keys(token)
    return keys


def _identifier_keys(*, tax_code: str, phone: str, numbers: Iterable[str]) -> set[str]:
    keys = set()
    if code := normalize_identifier(tax_code):
        keys.add(f"cf:{code}")
    digits = _phone_digits(phone)
    if len(digits) >= PHONE_DIGITS:
        keys.add(f"tel:{digits[-PHONE_DIGITS:]}")
    for number in numbers:
        if normalized := normalize_identifier(number):
            keys.add(f"doc:{normalized}"[:KEY_LENGTH])
    return keys


# --- Indexing ------------------------------------------------------------------------------------


def _search_text(names: Sequence[str]) -> str:
    text = ""
    for name in names:
        folded = fold(name)
        if not folded:
            continue
        candidate = f"{text}{SEARCH_TEXT_SEPARATOR}{folded}" if text else folded
        if len(candidate) > SEARCH_TEXT_LENGTH:
            break
        text = candidate
    return text


def index_person(person: Person) -> None:
    """Recompute the person's search text and name keys (with the keys of their identifiers).

    Call it, inside the transaction of the write, after a change to the person's names, other
    names, name in their own script, tax code, phone, documents or legal statuses, and after a
    merge or restore. It saves `search_text` only (with update(), so neither the history nor the
    version of the person changes) and replaces the person's NameKey rows."""
    with scopes_disabled():
        other_names = list(
            OtherName.objects.filter(person_id=person.pk).order_by("pk").values_list("name", flat=True)
        )
        numbers = list(IdentityDocument.objects.filter(person_id=person.pk).values_list("number", flat=True))
        for permit, receipt in LegalStatus.objects.filter(person_id=person.pk).values_list(
            "permit_number", "receipt_number"
        ):
            numbers += [permit, receipt]
        main_name = f"{person.given_names} {person.family_names}"
        names = [main_name, *other_names, person.native_name]
        person.search_text = _search_text(names)
        Person.objects.filter(pk=person.pk).update(search_text=person.search_text)
        keys = name_keys(*names) | _identifier_keys(
            tax_code=person.tax_code, phone=person.phone, numbers=numbers
        )
        NameKey.objects.filter(person_id=person.pk).delete()
        NameKey.objects.bulk_create(
            [NameKey(site_id=person.site_id, person_id=person.pk, key=key) for key in sorted(keys)]
        )


# --- Candidates ----------------------------------------------------------------------------------


def _candidates(
    keys_qs: QuerySet[NameKey],
    *,
    slots: Sequence[set[str]],
    identifier_keys: set[str],
    min_slots: int,
    cap: int,
) -> tuple[list[int], set[int]]:
    """People whose keys match at least `min_slots` of the words, or an identifier, best first;
    and those of them who hold one of the document numbers.

    One aggregation query (an INTERSECT for a search by name alone); the order (words matched,
    identifier, most recent) is total, so the same people come back on every database."""
    all_keys = set().union(*slots, identifier_keys)
    if not all_keys:
        return [], set()
    if slots and not identifier_keys and min_slots >= len(slots):
        return _people_with_every_word(keys_qs, slots=slots, cap=cap), set()

    def flag(keys: Iterable[str]) -> Max:
        return Max(
            Case(
                When(key__in=sorted(keys) or ["-"], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )

    annotations = {f"m{i}": flag(slot) for i, slot in enumerate(slots)}
    qs = keys_qs.filter(key__in=sorted(all_keys)).values("person_id").annotate(**annotations)
    qs = qs.annotate(
        words=sum((F(name) for name in annotations), Value(0)),
        ident=flag(identifier_keys),
        doc=flag(key for key in identifier_keys if key.startswith("doc:")),
    )
    wanted = Q(ident=1)
    if slots:
        wanted |= Q(words__gte=max(1, min_slots))
    rows = qs.filter(wanted).order_by("-words", "-ident", "-person_id")[:cap]
    ids, documents = [], set()
    for row in rows:
        ids.append(row["person_id"])
        if row["doc"]:
            documents.add(row["person_id"])
    return ids, documents


def _people_with_every_word(keys_qs: QuerySet[NameKey], *, slots: Sequence[set[str]], cap: int) -> list[int]:
    """What `_candidates` finds when every word must match and there is no identifier (a search by
    name): the people holding a key of each word, most recent first.

    The same people in the same order as the aggregation (all of them match every word), as an
    INTERSECT of one indexed lookup per word: nothing is computed for each key read, and a common
    name reads thousands (Mohamed's p:mhm, 11,000 at 100,000 people). For "Mohamed Hasan" there,
    PostgreSQL takes 3.5 ms instead of the aggregation's 10, whose CASE expressions on each key
    were most of it."""
    lookups = [
        keys_qs.filter(key__in=sorted(slot)).order_by().values_list("person_id", flat=True) for slot in slots
    ]
    people = lookups[0].distinct() if len(lookups) == 1 else lookups[0].intersection(*lookups[1:])
    return list(people.order_by("-person_id")[:cap])


def _query_slots(tokens: Sequence[Token]) -> list[set[str]]:
    return [_lookup_keys(token) for token in tokens]


def _person_tokens(
    search_text: str, given_names: str, family_names: str
) -> tuple[tuple[Token, ...], list[Token]]:
    """The words of the person's main name, and of all their names."""
    segments = search_text.split(SEARCH_TEXT_SEPARATOR) if search_text else []
    main = _tokens(fold(f"{given_names} {family_names}"))
    pool = list(main)
    for segment in segments:
        pool.extend(_tokens(segment))
    return main, pool


def _best(token: Token, pool: Sequence[Token]) -> float:
    return max((_token_similarity(token, other) for other in pool), default=0.0)


# --- Search --------------------------------------------------------------------------------------


class MatchedOn:
    NAME = "name"
    TAX_CODE = "tax_code"
    DOCUMENT = "document"
    PHONE = "phone"


@dataclass(frozen=True)
class SearchHit:
    person: Person
    score: int  # 0-100
    matched_on: str  # a MatchedOn value


class RankedHit(NamedTuple):
    """A search hit before the person is read: `rank_people`'s answer."""

    pk: int
    score: int  # 0-100
    matched_on: str  # a MatchedOn value


_TAX_CODE = re.compile(r"[A-Z0-9]{6,16}")
_PHONE_QUERY = re.compile(r"\+?[\d\s().\-/]+")


def _phone_guesses(raw: str) -> set[str]:
    """E.164 forms the phone typed may be stored as (an exact, indexed lookup)."""
    digits = _phone_digits(raw)
    if raw.strip().startswith("+"):
        return {"+" + digits}
    if digits.startswith("00"):
        return {"+" + digits[2:]}
    return {"+" + digits, "+39" + digits}


def _same_phone(one: str, other: str) -> bool:
    a, b = _phone_digits(one), _phone_digits(other)
    return len(a) >= PHONE_DIGITS and len(b) >= PHONE_DIGITS and a[-PHONE_DIGITS:] == b[-PHONE_DIGITS:]


def _document_person_ids(people_filter: Q, numbers: Iterable[str]) -> set[int]:
    """People holding one of these document, permit or receipt numbers as typed (exact lookups,
    one query); the keys of index_person find them whatever the spaces and dashes."""
    variants: set[str] = set()
    for number in numbers:
        if normalize_identifier(number):
            variants |= {number.strip(), number.strip().upper(), normalize_identifier(number)}
    if not variants:
        return set()
    values = sorted(variants)
    documents = (
        IdentityDocument.objects.filter(people_filter, number__in=values).order_by().values_list("person_id")
    )
    statuses = (
        LegalStatus.objects.filter(people_filter, Q(permit_number__in=values) | Q(receipt_number__in=values))
        .order_by()
        .values_list("person_id")
    )
    return {person_id for (person_id,) in documents.union(statuses).order_by()}


def search_people(*, site: Site, query: str, limit: int | None = None) -> list[SearchHit]:
    """People of `site` found by name (any spelling, any order), tax code, document number or phone.

    Best first; the deleted and the merged are left out. A handful of queries whatever the size of
    the table, and the same answers on SQLite and PostgreSQL."""
    ranked = rank_people(site=site, query=query, limit=limit)
    with scope(site=site):
        # With their operator (the list shows it), not one query per person.
        people = (
            Person.objects.filter(site=site).select_related("operator").in_bulk([hit.pk for hit in ranked])
        )
    return [SearchHit(person=people[hit.pk], score=hit.score, matched_on=hit.matched_on) for hit in ranked]


def rank_people(*, site: Site, query: str, limit: int | None = None) -> list[RankedHit]:
    """`search_people`'s hits, in its order, without reading the people: for a caller that shows
    only some of them (the list page, a page of 25 out of up to MAX_RESULTS)."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    limit = MAX_RESULTS if limit is None else min(limit, MAX_RESULTS)
    folded = fold(query)
    tokens = _tokens(folded)
    compact = normalize_identifier(query)
    digits = _phone_digits(query)
    single_word = len(query.split()) == 1

    tax_exact = tax_prefix = ""
    if _TAX_CODE.fullmatch(compact) and (single_word or any(char.isdigit() for char in compact)):
        if len(compact) == 16 or (len(compact) == 11 and compact.isdigit()):
            tax_exact = compact
        elif len(compact) < 16:
            tax_prefix = compact
    phone_query = len(digits) >= PHONE_DIGITS and bool(_PHONE_QUERY.fullmatch(query))
    document_query = len(compact) >= 4 and any(char.isdigit() for char in compact)

    identifier_keys: set[str] = set()
    if tax_exact:
        identifier_keys.add(f"cf:{tax_exact}")
    if phone_query:
        identifier_keys.add(f"tel:{digits[-PHONE_DIGITS:]}")
    if document_query:
        identifier_keys.add(f"doc:{compact}"[:KEY_LENGTH])

    with scope(site=site):
        site_filter = Q(site=site)
        slots = _query_slots(tokens)
        ids, document_ids = _candidates(
            NameKey.objects.filter(site_filter),
            slots=slots,
            identifier_keys=identifier_keys,
            min_slots=len(slots),
            cap=SEARCH_CANDIDATES,
        )
        if document_query:
            document_ids |= _document_person_ids(site_filter, [query])
        wanted = Q(pk__in=sorted({*ids, *document_ids}))
        if tax_exact:
            wanted |= Q(tax_code=tax_exact)
        if tax_prefix:
            wanted |= Q(tax_code__startswith=tax_prefix)
        if phone_query:
            wanted |= Q(phone__in=sorted(_phone_guesses(query)))
        rows = list(
            Person.objects.filter(
                site_filter, wanted, deleted_at__isnull=True, merged_into__isnull=True
            ).values_list("pk", "given_names", "family_names", "search_text", "tax_code", "phone")
        )

        scored: list[tuple[int, str, str, int, str]] = []
        for pk, given_names, family_names, search_text, tax_code, phone in rows:
            hit = _score_identifiers(
                pk=pk,
                tax_code=tax_code,
                phone=phone,
                query=query,
                tax_exact=tax_exact,
                tax_prefix=tax_prefix,
                phone_query=phone_query,
                document_ids=document_ids,
            )
            if hit is None and tokens:
                hit = _score_name(tokens, folded, search_text, given_names, family_names)
            if hit is not None:
                score, matched_on = hit
                scored.append((score, fold(family_names), fold(given_names), pk, matched_on))
        if not scored:
            scored = _partial_name_hits(site_filter, folded)
        scored.sort(key=lambda row: (-row[0], row[1], row[2], row[3]))
    return [RankedHit(pk, score, matched_on) for score, _f, _g, pk, matched_on in scored[:limit]]


PARTIAL_SCORE = 40
PARTIAL_MIN_LENGTH = 3


def _partial_name_hits(site_filter: Q, folded: str) -> list[tuple[int, str, str, int, str]]:
    """When no name matches whole, the beginning or the middle of names: "Trao" finds Traoré.

    Every word of the query must occur in the folded names. On PostgreSQL the trigram index on
    `search_text` serves this LIKE '%...%'; SQLite scans, with the same answers (all lower case)."""
    words = [word for word in folded.split() if len(word) >= PARTIAL_MIN_LENGTH]
    if not words or len(words) != len(folded.split()):
        return []
    contains = Q()
    for word in words:
        contains &= Q(search_text__contains=word)
    rows = (
        Person.objects.filter(site_filter, contains, deleted_at__isnull=True, merged_into__isnull=True)
        .order_by("-pk")
        .values_list("pk", "given_names", "family_names")[:SEARCH_CANDIDATES]
    )
    return [(PARTIAL_SCORE, fold(family), fold(given), pk, MatchedOn.NAME) for pk, given, family in rows]


def _score_identifiers(
    *,
    pk: int,
    tax_code: str,
    phone: str,
    query: str,
    tax_exact: str,
    tax_prefix: str,
    phone_query: bool,
    document_ids: set[int],
) -> tuple[int, str] | None:
    code = normalize_identifier(tax_code)
    if tax_exact and code == tax_exact:
        return 100, MatchedOn.TAX_CODE
    if tax_prefix and code.startswith(tax_prefix):
        return 90, MatchedOn.TAX_CODE
    if phone_query and _same_phone(phone, query):
        return 100, MatchedOn.PHONE
    # Found through a document key or a document lookup (the keys of a tax code or phone that
    # no longer match the record are stale and ignored).
    if pk in document_ids:
        return 100, MatchedOn.DOCUMENT
    return None


def _score_name(
    tokens: Sequence[Token], folded_query: str, search_text: str, given_names: str, family_names: str
) -> tuple[int, str] | None:
    main, pool = _person_tokens(search_text, given_names, family_names)
    best = [_best(token, pool) for token in tokens]
    if not best or min(best) < TOKEN_MATCH:
        return None
    forward = sum(best) / len(best)
    backward = sum(_best(token, tokens) for token in main) / len(main) if main else 0.0
    main_folded = fold(f"{given_names} {family_names}")
    if folded_query == main_folded:
        order = 1.0
    elif folded_query in main_folded or main_folded in folded_query:
        order = 0.5
    else:
        order = 0.0
    score = round(100 * (0.75 * forward + 0.2 * backward + 0.05 * order))
    return min(score, 100), MatchedOn.NAME


# --- Duplicates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: int  # 0-100
    reasons: list[str] = field(default_factory=list)  # translated, for the user


@dataclass(frozen=True)
class _Record:
    """What is known of the person being registered."""

    given_names: str
    family_names: str
    birth_date: date | None
    birth_date_precision: str
    nationalities: frozenset[str]
    tax_code: str
    phone: str
    document_numbers: tuple[str, ...]
    sex: str


def _is_exact(day: date, precision: str) -> bool:
    # 1 January is the customary placeholder for an unknown date (DOMAIN.md).
    return precision == DatePrecision.EXACT and (day.month, day.day) != (1, 1)


# Reasons are collected as codes and put in words only for the candidates shown.
_SAME_TAX_CODE = "tax_code"
_SAME_DOCUMENT = "document"
_SAME_NAME = "same_name"
_SIMILAR_NAME = "similar_name"
_SAME_BIRTH_DATE = "birth_date"
_SAME_BIRTH_YEAR = "birth_year"
_BIRTH_WITHIN_A_YEAR = "birth_within_a_year"
_SAME_NATIONALITY = "nationality"
_SAME_PHONE = "phone"


def _reason_text(code: str, row: _Row) -> str:
    if code == _SIMILAR_NAME:
        return _("similar name: %(name)s") % {"name": f"{row.given_names} {row.family_names}".strip()}
    return {
        _SAME_TAX_CODE: _("same tax code"),
        _SAME_DOCUMENT: _("same document number"),
        _SAME_NAME: _("same name"),
        _SAME_BIRTH_DATE: _("same birth date"),
        _SAME_BIRTH_YEAR: _("born the same year"),
        _BIRTH_WITHIN_A_YEAR: _("birth date within a year"),
        _SAME_NATIONALITY: _("same nationality"),
        _SAME_PHONE: _("same phone"),
    }[code]


def _birth_points(
    one: date | None, one_precision: str, other: date | None, other_precision: str
) -> tuple[int, str]:
    if one is None or other is None:
        return 0, ""
    years = abs(one.year - other.year)
    if _is_exact(one, one_precision) and _is_exact(other, other_precision):
        if one == other:
            return 25, _SAME_BIRTH_DATE
        if years == 0:
            return 0, ""
        return (-10, "") if years == 1 else (-40, "")
    if years == 0:
        return 15, _SAME_BIRTH_YEAR
    if abs((one - other).days) <= 366:
        return 8, _BIRTH_WITHIN_A_YEAR
    if years <= 2:
        return 0, ""
    return (-15, "") if years <= 4 else (-40, "")


def _name_points(record_tokens: Sequence[Token], main: Sequence[Token], pool: Sequence[Token]) -> float:
    if not record_tokens or not main:
        return 0.0
    forward = sum(_best(token, pool) for token in record_tokens) / len(record_tokens)
    backward = sum(_best(token, record_tokens) for token in main) / len(main)
    similarity = 0.6 * forward + 0.4 * backward
    return 60 * min(1.0, max(0.0, (similarity - 0.7) / 0.25))


class _Row(NamedTuple):
    pk: int
    given_names: str
    family_names: str
    search_text: str
    birth_date: date | None
    birth_date_precision: str
    sex: str
    tax_code: str
    phone: str


def _score_candidate(
    record: _Record,
    record_tokens: Sequence[Token],
    row: _Row,
    nationalities: set[str],
    *,
    same_document: bool,
) -> tuple[int, list[str]]:
    """The score (0-100) and the codes of the reasons; (0, []) when the name is not close and no
    identifier is shared."""
    reasons: list[str] = []
    certain = 0
    points = 0.0
    record_code, row_code = normalize_identifier(record.tax_code), normalize_identifier(row.tax_code)
    if record_code and record_code == row_code:
        reasons.append(_SAME_TAX_CODE)
        certain = 97
    elif len(record_code) == 16 and len(row_code) == 16:
        points -= 30  # one person has one tax code
    if same_document:
        reasons.append(_SAME_DOCUMENT)
        certain = max(certain, 93)
    main, pool = _person_tokens(row.search_text, row.given_names, row.family_names)
    name_points = _name_points(record_tokens, main, pool)
    if not certain and name_points == 0:
        return 0, []
    points += name_points
    if name_points > 0:
        same = fold(f"{record.given_names} {record.family_names}") == fold(
            f"{row.given_names} {row.family_names}"
        )
        reasons.append(_SAME_NAME if same else _SIMILAR_NAME)
    birth, birth_reason = _birth_points(
        record.birth_date, record.birth_date_precision, row.birth_date, row.birth_date_precision
    )
    points += birth
    if birth_reason:
        reasons.append(birth_reason)
    if record.nationalities and nationalities:
        if record.nationalities & nationalities:
            points += 10
            reasons.append(_SAME_NATIONALITY)
        else:
            points -= 10
    if _same_phone(record.phone, row.phone):
        points += 15
        reasons.append(_SAME_PHONE)
    if {record.sex, row.sex} == {Sex.FEMALE, Sex.MALE}:
        points -= 30
    score = max(certain, round(min(100.0, max(0.0, points))))
    return score, reasons


def _duplicates(
    *, people_filter: Q, record: _Record, exclude_pk: int | None
) -> list[tuple[int, list[str], _Row]]:
    """Every likely duplicate of the record among the people matched by `people_filter`, best first."""
    record_tokens = _tokens(fold(f"{record.given_names} {record.family_names}"))
    slots = _query_slots(record_tokens)
    identifier_keys = _identifier_keys(
        tax_code=record.tax_code, phone=record.phone, numbers=record.document_numbers
    )
    ids, document_ids = _candidates(
        NameKey.objects.filter(people_filter),
        slots=slots,
        identifier_keys=identifier_keys,
        min_slots=(len(slots) + 1) // 2,
        cap=DUPLICATE_CANDIDATES,
    )
    document_ids |= _document_person_ids(people_filter, record.document_numbers)
    wanted = Q(pk__in=sorted({*ids, *document_ids}))
    if code := normalize_identifier(record.tax_code):
        wanted |= Q(tax_code=code)
    if len(_phone_digits(record.phone)) >= PHONE_DIGITS:
        wanted |= Q(phone__in=sorted(_phone_guesses(record.phone)))
    people = Person.objects.filter(people_filter, wanted, deleted_at__isnull=True, merged_into__isnull=True)
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    rows = [_Row(*values) for values in people.values_list(*_Row._fields)]
    if not rows:
        return []
    nationalities: dict[int, set[str]] = {}
    for person_id, country in Nationality.objects.filter(
        people_filter, person_id__in=[row.pk for row in rows]
    ).values_list("person_id", "country"):
        nationalities.setdefault(person_id, set()).add(country.upper())
    found = []
    for row in rows:
        score, reasons = _score_candidate(
            record, record_tokens, row, nationalities.get(row.pk, set()), same_document=row.pk in document_ids
        )
        if score >= DUPLICATE_THRESHOLD:
            found.append((score, reasons, row))
    found.sort(key=lambda item: (-item[0], fold(item[2].family_names), fold(item[2].given_names), item[2].pk))
    return found


def _record(
    *,
    given_names: str,
    family_names: str,
    birth_date: date | None,
    birth_date_precision: str,
    nationalities: Iterable[str],
    tax_code: str,
    phone: str,
    document_numbers: Iterable[str],
    sex: str,
) -> _Record:
    return _Record(
        given_names=given_names or "",
        family_names=family_names or "",
        birth_date=birth_date,
        birth_date_precision=birth_date_precision or DatePrecision.EXACT,
        nationalities=frozenset(country.upper() for country in nationalities if country),
        tax_code=tax_code or "",
        phone=phone or "",
        document_numbers=tuple(number for number in document_numbers if number),
        sex=sex or "",
    )


def duplicate_candidates(
    *,
    site: Site,
    given_names: str,
    family_names: str,
    birth_date: date | None,
    birth_date_precision: str,
    nationalities: Sequence[str],
    tax_code: str = "",
    phone: str = "",
    document_numbers: Sequence[str] = (),
    sex: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[Candidate]:
    """People of `site` who may be the person described, best first, with the reasons.

    The score (0-100) adds up name similarity, birth date, nationality, phone and sex; the same tax
    code or document number makes it near-certain. Below DUPLICATE_THRESHOLD nobody is shown."""
    record = _record(
        given_names=given_names,
        family_names=family_names,
        birth_date=birth_date,
        birth_date_precision=birth_date_precision,
        nationalities=nationalities,
        tax_code=tax_code,
        phone=phone,
        document_numbers=document_numbers,
        sex=sex,
    )
    with scope(site=site):
        found = _duplicates(people_filter=Q(site=site), record=record, exclude_pk=exclude_pk)[:limit]
        people = Person.objects.filter(site=site).in_bulk([row.pk for _score, _reasons, row in found])
    return [
        Candidate(person=people[row.pk], score=score, reasons=[_reason_text(code, row) for code in reasons])
        for score, reasons, row in found
    ]


def duplicates_elsewhere_count(
    *,
    site: Site,
    given_names: str,
    family_names: str,
    birth_date: date | None,
    birth_date_precision: str,
    nationalities: Sequence[str],
    tax_code: str = "",
    phone: str = "",
    document_numbers: Sequence[str] = (),
    sex: str = "",
    exclude_pk: int | None = None,
) -> int:
    """How many likely duplicates the other sites hold: a number, never who they are."""
    record = _record(
        given_names=given_names,
        family_names=family_names,
        birth_date=birth_date,
        birth_date_precision=birth_date_precision,
        nationalities=nationalities,
        tax_code=tax_code,
        phone=phone,
        document_numbers=document_numbers,
        sex=sex,
    )
    # Deliberately across sites: only the count leaves this function.
    return len(_duplicates_elsewhere(site=site, record=record, exclude_pk=exclude_pk))


def _duplicates_elsewhere(
    *, site: Site, record: _Record, exclude_pk: int | None
) -> list[tuple[int, list[str], _Row]]:
    """Likely duplicates at the other sites, read with the scope explicitly lifted. The sites are
    listed so that the lookups use the (site, key) index."""
    with scopes_disabled():
        others = list(Site.objects.exclude(pk=site.pk).order_by("pk").values_list("pk", flat=True))
        if not others:
            return []
        return _duplicates(people_filter=Q(site_id__in=others), record=record, exclude_pk=exclude_pk)


def duplicates_elsewhere_by_site(
    *,
    site: Site,
    person: Person,
) -> dict[int, list[int]]:
    """For the coordinators' check only: {other site id: [case numbers]} of the person's likely duplicates.

    Never shown to the user who asked; it addresses the question to the other sites' coordinators."""
    record = _record(
        given_names=person.given_names,
        family_names=person.family_names,
        birth_date=person.birth_date,
        birth_date_precision=person.birth_date_precision,
        nationalities=[n.country for n in person.nationalities.all()],
        tax_code=person.tax_code,
        phone=person.phone,
        document_numbers=[d.number for d in person.documents.all() if d.number],
        sex=person.sex,
    )
    found = _duplicates_elsewhere(site=site, record=record, exclude_pk=person.pk)
    with scopes_disabled():
        rows = Person.objects.filter(pk__in=[row.pk for _score, _reasons, row in found]).values_list(
            "site_id", "pk"
        )
        by_site: dict[int, list[int]] = {}
        for site_id, pk in rows:
            by_site.setdefault(site_id, []).append(pk)
    return by_site
