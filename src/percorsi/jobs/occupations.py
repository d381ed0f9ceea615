"""Occupations: the ISCO-08 groups and ESCO occupations shipped in `jobs/data/`, and their search.

`load()` puts the data in the database (the migration `0002_occupations` calls it, so every
database has it after `migrate`); `search()` is what the occupation picker asks as the user types.

Every name of an occupation is kept in `Occupation.search_text`, folded (lower case, accents and
other scripts written in ASCII, punctuation as spaces), one line a kind of name, each name between
bars::

    | cuoco |                                   Italian name
    | cook |                                    English preferred label (ESCO)
    | cuoca | cuciniere | ... |                 Italian synonyms
    | fry cook | pantry supervisor | ... |      English alternative labels (ESCO)

so a word typed is found with a portable `LIKE '% word%'` (the start of a word), a whole name with
`LIKE '%| name |%'`, and the Italian name's start with `LIKE '| name%'`: the same answers on SQLite
and PostgreSQL, with no index needed for about 3,000 rows.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from anyascii import anyascii
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language

from percorsi.jobs.models import IscoGroup, Occupation

DATA_DIR = Path(__file__).resolve().parent / "data"
ISCO_LEVELS = {1: "major", 2: "sub-major", 3: "minor", 4: "unit"}
MAX_QUERY_LENGTH = 100  # characters a user may type in the picker
MAX_WORDS = 8  # words of a query that are searched; more only slow the query down
_WORD = re.compile(r"[a-z0-9]+")
# Lines of search_text, in this order.
_ITALIAN, _ENGLISH, _ITALIAN_OTHER, _ENGLISH_OTHER = range(4)


# --- folding ------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """`text` as the search compares it: ASCII, lower case, words separated by one space.

    "Operatore Socio-Sanitario" -> "operatore socio sanitario"; "Pâtissière" -> "patissiere"."""
    return " ".join(_WORD.findall(anyascii(text or "").lower()))


def split_names(text: str) -> list[str]:
    """The names of a multi-name field (one a line), without blanks."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def build_search_text(*, label_it: str, label: str, alt_labels_it: str, alt_labels: str) -> str:
    """The folded names of an occupation, one line a kind of name (see the module's docstring)."""
    lines = []
    for names in ([label_it], [label], split_names(alt_labels_it), split_names(alt_labels)):
        folded = dict.fromkeys(name for name in (fold(n) for n in names) if name)
        lines.append("|" + "".join(f" {name} |" for name in folded))
    return "\n".join(lines)


def refresh_search_text(occupation: Occupation) -> None:
    """Set `occupation.search_text` from its names (call it after changing a name, then save)."""
    occupation.search_text = build_search_text(
        label_it=occupation.label_it,
        label=occupation.label,
        alt_labels_it=occupation.alt_labels_it,
        alt_labels=occupation.alt_labels,
    )


def _parse(search_text: str) -> list[list[str]]:
    lines = (search_text or "").split("\n")
    lines += [""] * (4 - len(lines))
    return [[name.strip() for name in line.split("|") if name.strip()] for line in lines[:4]]


# --- the data files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    code: str
    name: str
    name_it: str

    @property
    def level(self) -> int:
        return len(self.code)

    @property
    def parent(self) -> str | None:
        return self.code[:-1] or None


@dataclass(frozen=True)
class OccupationRow:
    uri: str
    isco_group: str
    label: str
    alt_labels: str  # one a line
    label_it: str
    alt_labels_it: str  # one a line

    @property
    def search_text(self) -> str:
        return build_search_text(
            label_it=self.label_it,
            label=self.label,
            alt_labels_it=self.alt_labels_it,
            alt_labels=self.alt_labels,
        )


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    if path.suffix == ".gz":
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _bars_to_lines(cell: str) -> str:
    return "\n".join(name.strip() for name in cell.split("|") if name.strip())


def read_groups() -> list[GroupRow]:
    """The 619 groups of ISCO-08 (ESCO's copy), with Italian names for the major and sub-major ones."""
    italian = {row["code"]: row["name_it"].strip() for row in _rows("isco_groups_it.csv")}
    return [
        GroupRow(code=row["code"], name=row["name"], name_it=italian.get(row["code"], ""))
        for row in _rows("isco_groups.csv")
    ]


def read_occupations() -> list[OccupationRow]:
    """ESCO's occupations, with the Italian names of `occupations_it.csv` where there are some.

    A row of the Italian file that names no ESCO occupation (by URI and English name) is an error in
    the data shipped, not something to skip quietly."""
    italian: dict[str, tuple[int, dict[str, str]]] = {}
    for number, row in enumerate(_rows("occupations_it.csv"), start=2):
        if row["uri"] in italian:
            raise ValueError(f"occupations_it.csv line {number}: {row['uri']} is there twice")
        italian[row["uri"]] = (number, row)
    result = []
    for row in _rows("occupations.csv.gz"):
        number, it = italian.pop(row["uri"], (0, {}))
        if it and (it["label_en"], it["isco_group"]) != (row["label"], row["isco_group"]):
            raise ValueError(
                f"occupations_it.csv line {number}: {row['uri']} is {row['label']!r} "
                f"in {row['isco_group']}, not {it['label_en']!r} in {it['isco_group']}"
            )
        result.append(
            OccupationRow(
                uri=row["uri"],
                isco_group=row["isco_group"],
                label=row["label"],
                alt_labels=_bars_to_lines(row["alt_labels"]),
                label_it=it["label_it"].strip() if it else "",
                alt_labels_it=_bars_to_lines(it["synonyms_it"]) if it else "",
            )
        )
    if italian:
        lines = sorted(number for number, _row in italian.values())
        raise ValueError(f"occupations_it.csv lines {lines}: no ESCO occupation has these URIs")
    return result


def load(apps: Any = None, *, using: str = "default") -> dict[str, int]:
    """Put the shipped groups and occupations in the database: new ones created, changed ones updated.

    Called by the migration with its historical `apps`; without `apps`, with the current models
    (e.g. to put the data back in a test database that was emptied). Uses only the fields that
    migration 0002 knows. Returns how many rows were created and updated."""
    group_model = apps.get_model("jobs", "IscoGroup") if apps else IscoGroup
    occupation_model = apps.get_model("jobs", "Occupation") if apps else Occupation
    with transaction.atomic(using=using):
        existing_groups = group_model.objects.using(using).in_bulk()
        new_groups, changed_groups = [], []
        # Parents before children, so that every row's parent is already there.
        for row in sorted(read_groups(), key=lambda r: (r.level, r.code)):
            fields = {"level": row.level, "parent_id": row.parent, "name": row.name, "name_it": row.name_it}
            group = existing_groups.get(row.code)
            if group is None:
                new_groups.append(group_model(code=row.code, **fields))
            elif any(getattr(group, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(group, key, value)
                changed_groups.append(group)
        group_model.objects.using(using).bulk_create(new_groups, batch_size=500)
        group_model.objects.using(using).bulk_update(
            changed_groups, ["level", "parent", "name", "name_it"], batch_size=500
        )

        existing = {o.uri: o for o in occupation_model.objects.using(using).all()}
        new, changed = [], []
        names = ["isco_group_id", "label", "alt_labels", "label_it", "alt_labels_it", "search_text"]
        for row in read_occupations():
            fields = {
                "isco_group_id": row.isco_group,
                "label": row.label,
                "alt_labels": row.alt_labels,
                "label_it": row.label_it,
                "alt_labels_it": row.alt_labels_it,
                "search_text": row.search_text,
            }
            occupation = existing.get(row.uri)
            if occupation is None:
                new.append(occupation_model(uri=row.uri, **fields))
            elif any(getattr(occupation, key) != fields[key] for key in names):
                for key in names:
                    setattr(occupation, key, fields[key])
                changed.append(occupation)
        occupation_model.objects.using(using).bulk_create(new, batch_size=500)
        occupation_model.objects.using(using).bulk_update(
            changed, [name.removesuffix("_id") for name in names], batch_size=500
        )
    return {
        "groups_created": len(new_groups),
        "groups_updated": len(changed_groups),
        "occupations_created": len(new),
        "occupations_updated": len(changed),
    }


def unload(apps: Any = None, *, using: str = "default") -> None:
    """Remove every occupation and group (the migration's reverse); children before their parents."""
    group_model = apps.get_model("jobs", "IscoGroup") if apps else IscoGroup
    occupation_model = apps.get_model("jobs", "Occupation") if apps else Occupation
    with transaction.atomic(using=using):
        occupation_model.objects.using(using).all().delete()
        for level in (4, 3, 2, 1):
            group_model.objects.using(using).filter(level=level).delete()


@cache
def shipped_counts() -> tuple[int, int]:
    """How many groups and occupations the data files hold."""
    return len(read_groups()), len(read_occupations())


def ensure_loaded() -> None:
    """Load the data if the database lacks some of it (a test database emptied by a flush)."""
    groups, occupations = shipped_counts()
    if IscoGroup.objects.count() != groups or Occupation.objects.count() != occupations:
        load()


# --- search -------------------------------------------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The words of a query that the search looks for (at most MAX_WORDS)."""
    return fold(query).split()[:MAX_WORDS]


def _has_words(name: str, words: list[str]) -> bool:
    name_words = name.split()
    return all(any(w.startswith(word) for w in name_words) for word in words)


def _rank(search_text: str, phrase: str, words: list[str]) -> tuple[int, int, int, str]:
    """How well an occupation answers a query; smaller is better. Also which name answered.

    Italian name starting with the query, then the English preferred label, then an Italian
    synonym starting with it; then every word in a preferred label; then an English alternative
    label starting with the query; then the rest. Within each, the shorter name first."""
    lines = _parse(search_text)
    preferred = lines[_ITALIAN] + lines[_ENGLISH]
    fallback = len(preferred[0]) if preferred else 999
    for tier, kind in enumerate((_ITALIAN, _ENGLISH, _ITALIAN_OTHER)):
        starting = [name for name in lines[kind] if name.startswith(phrase)]
        if starting:
            name = min(starting, key=len)
            return (tier, len(name), kind, name)
    answering = [name for name in preferred if _has_words(name, words)]
    if answering:
        name = min(answering, key=len)
        return (3, len(name), _ITALIAN if name in lines[_ITALIAN] else _ENGLISH, name)
    starting = [name for name in lines[_ENGLISH_OTHER] if name.startswith(phrase)]
    if starting:
        name = min(starting, key=len)
        return (4, len(name), _ENGLISH_OTHER, name)
    for kind in (_ITALIAN_OTHER, _ENGLISH_OTHER):
        answering = [name for name in lines[kind] if _has_words(name, words)]
        if answering:
            name = min(answering, key=len)
            return (5, fallback, kind, name)
    return (6, fallback, _ITALIAN, "")


def _original(names: list[str], folded: str) -> str:
    return next((name for name in names if fold(name) == folded), "")


def search(query: str, limit: int = 15) -> list[Occupation]:
    """The occupations whose names hold every word of `query` (each the start of a word), best first.

    Each result carries `matched_name`: the synonym or alternative label that answered, when it is
    not one of the names the picker shows anyway ("" otherwise)."""
    words = query_words(query)
    if not words or limit <= 0:
        return []
    phrase = " ".join(words)
    candidates: QuerySet[Occupation] = Occupation.objects.all()
    for word in words:
        candidates = candidates.filter(search_text__contains=f" {word}")
    ranked = sorted(
        (_rank(text, phrase, words), label, pk)
        for pk, label, text in candidates.values_list("pk", "label", "search_text")
    )[:limit]
    found = Occupation.objects.select_related("isco_group").in_bulk([pk for *_, pk in ranked])
    results = []
    for (_tier, _length, kind, name), _label, pk in ranked:
        occupation = found[pk]
        occupation.matched_name = ""
        if kind == _ITALIAN_OTHER:
            occupation.matched_name = _original(split_names(occupation.alt_labels_it), name)
        elif kind == _ENGLISH_OTHER:
            occupation.matched_name = _original(split_names(occupation.alt_labels), name)
        results.append(occupation)
    return results


def named(text: str) -> list[Occupation]:
    """The occupations one of whose names is exactly `text` (folded): "Cuoco", "cook", "OSS"...

    When several are, those where it is the Italian name or the English preferred label."""
    name = fold(text)
    if not name:
        return []
    found = list(Occupation.objects.select_related("isco_group").filter(search_text__contains=f"| {name} |"))
    preferred = [o for o in found if name in (fold(o.label_it), fold(o.label))]
    return preferred or found


# --- ISCO-08 groups -----------------------------------------------------------------------------------


def group_names(codes: list[str] | None = None) -> dict[str, str]:
    """The names of ISCO-08 groups by code, in the user's language where there is one (Italian for
    the major and sub-major groups); the major and sub-major groups when `codes` is None."""
    italian = (get_language() or "it").startswith("it")
    groups = (
        IscoGroup.objects.filter(level__lte=2) if codes is None else IscoGroup.objects.filter(code__in=codes)
    )
    return {
        code: (name_it if italian and name_it else name)
        for code, name, name_it in groups.values_list("code", "name", "name_it")
    }


def isco_label(code: str) -> str:
    """The name of one ISCO-08 group, in the user's language where there is one ("" if no such group)."""
    return group_names([code]).get(code, "") if code else ""


def isco_path(code: str, names: dict[str, str]) -> list[tuple[str, str]]:
    """The major and sub-major groups above a group, as (code, name), from `group_names()`."""
    return [(code[:n], names[code[:n]]) for n in (1, 2) if len(code) > n and code[:n] in names]
