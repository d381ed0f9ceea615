"""Make this folder's ESCO files from the ESCO classification's CSV download (see README.md).

    python src/percorsi/jobs/data/extract_esco.py ../shared/data/esco

Keeps the columns Percorsi uses (no descriptions), with their whitespace tidied (no-break and
zero-width spaces, doubled spaces), and writes `isco_groups.csv` and `occupations.csv.gz` next to
this script; the gzip file carries no date, so the same input gives the same bytes. It also checks
that every row of `occupations_it.csv` names an ESCO occupation by its URI and English name.

Run by hand when ESCO is updated, never by Percorsi itself: at run time and in the tests the
project reads only the files of this folder."""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_SPACES = re.compile(r"\s+")


def tidy(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u200b", "").replace("\xa0", " ")).strip()


def names(cell: str) -> list[str]:
    """ESCO puts one alternative label a line; the same label twice counts once."""
    seen: dict[str, None] = {}
    for line in cell.splitlines():
        if tidy(line):
            seen.setdefault(tidy(line), None)
    return list(seen)


def main(source: Path) -> None:
    with (source / "ISCOGroups_en.csv").open(encoding="utf-8", newline="") as f:
        groups = sorted(csv.DictReader(f), key=lambda row: row["code"])
    with (HERE / "isco_groups.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["code", "uri", "name"])
        for row in groups:
            out.writerow([row["code"], row["conceptUri"], tidy(row["preferredLabel"])])

    with (source / "occupations_en.csv").open(encoding="utf-8", newline="") as f:
        occupations = sorted(csv.DictReader(f), key=lambda row: row["conceptUri"])
    text = io.StringIO()
    out = csv.writer(text, lineterminator="\n")
    out.writerow(["uri", "isco_group", "label", "alt_labels"])
    for row in occupations:
        label = tidy(row["preferredLabel"])
        alt = [name for name in names(row["altLabels"]) if name != label]
        if any("|" in name for name in alt):
            raise SystemExit(f"{row['conceptUri']}: a label holds '|', the separator of alt_labels")
        out.writerow([row["conceptUri"], row["iscoGroup"], label, " | ".join(alt)])
    with (
        (HERE / "occupations.csv.gz").open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as packed,
    ):
        packed.write(text.getvalue().encode("utf-8"))

    by_uri = {row["conceptUri"]: tidy(row["preferredLabel"]) for row in occupations}
    with (HERE / "occupations_it.csv").open(encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            if by_uri.get(row["uri"]) != row["label_en"]:
                raise SystemExit(f"occupations_it.csv line {number}: {row['uri']} is not {row['label_en']!r}")
    print(f"{len(groups)} ISCO-08 groups, {len(occupations)} occupations")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/esco"))
