"""The autonomy matrix: ten domains scored 1 (acute problems) to 5 (fully self-sufficient).

Modelled on the Arizona Self-Sufficiency Matrix and the Dutch ZRM (Zelfredzaamheid-Matrix), with
levels written for refugees and other forced migrants in Italy. Each level of each domain has a
descriptor, so two operators score the same situation the same way. The domains are the fields of
`AutonomyAssessment`, in the order of `AutonomyAssessment.DOMAINS`.

`chart()` draws the scores over time as small multiples (one small panel per domain) for a
server-side SVG that prints as drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils import formats
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LEVELS = (1, 2, 3, 4, 5)

# The ZRM's names for its five levels.
LEVEL_NAMES: dict[int, Promise] = {
    1: _("acute problems"),
    2: _("not self-sufficient"),
    3: _("barely self-sufficient"),
    4: _("adequately self-sufficient"),
    5: _("fully self-sufficient"),
}


@dataclass(frozen=True)
class Domain:
    key: str  # the field of AutonomyAssessment
    label: Promise
    levels: tuple[Promise, Promise, Promise, Promise, Promise]  # descriptors of levels 1 to 5

    def descriptor(self, level: int) -> Promise:
        return self.levels[level - 1]


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "income",
        _("income"),
        (
            _("No income and no benefit: depends on others or on emergency help for food and basic needs."),
            _(
                "Only the pocket money of the reception centre, occasional cash or emergency "
                "contributions; basic needs are not always met."
            ),
            _(
                "Some regular income (a benefit, a traineeship allowance, occasional work) that does not "
                "cover the month's costs without help."
            ),
            _(
                "A regular income that covers the basic costs of the month; an unexpected expense still "
                "needs help."
            ),
            _("An own, stable income that covers all costs and leaves some savings; manages money alone."),
        ),
    ),
    Domain(
        "work",
        _("work"),
        (
            _("Not yet allowed to work, or no work and not looking for it."),
            _("Looking for work without a plan; only informal or undeclared odd jobs."),
            _(
                "Registered at the job centre, in a traineeship or a training course, or occasional "
                "declared work."
            ),
            _("A declared job on a fixed-term, agency or part-time contract."),
            _(
                "Stable work: an open-ended contract or self-employment that pays its way, found and "
                "kept without help."
            ),
        ),
    ),
    Domain(
        "housing",
        _("housing"),
        (
            _("Sleeping rough, in a night or emergency shelter, or in an unsafe or overcrowded squat."),
            _(
                "In a reception centre (CAS, SAI) or temporary shelter that will end, with nowhere to go "
                "afterwards."
            ),
            _(
                "Temporary or precarious housing: hosted by friends, a room without a contract, or a "
                "semi-autonomy flat of the project."
            ),
            _(
                "A rented room or home with a registered contract, affordable with some help (a "
                "contribution, a guarantee)."
            ),
            _(
                "A stable home with the tenancy in one's own name, paid from one's own income; residence "
                "registered."
            ),
        ),
    ),
    Domain(
        "language",
        _("Italian language"),
        (
            _(
                "No Italian, and cannot read or write in any language or only in another script: "
                "needs a literacy course."
            ),
            _("Pre-A1 or A1: a few words and set phrases; needs an interpreter at every office."),
            _("A2: simple everyday conversations; needs help with offices and written forms."),
            _("B1: manages work and services in Italian and understands most letters and instructions."),
            _(
                "B2 or higher, or an Italian school diploma: at ease at work and with public offices, "
                "reads and writes without help."
            ),
        ),
    ),
    Domain(
        "legal",
        _("legal status and documents"),
        (
            _(
                "No valid document, or staying irregularly: no asylum application yet, or refused "
                "with no appeal left."
            ),
            _(
                "Asylum application or appeal pending, with the receipt (ricevuta) or the asylum "
                "seeker's permit."
            ),
            _(
                "Has a residence permit, but it is about to expire or cannot be renewed without help; "
                "tax code or health card missing."
            ),
            _("A valid residence permit, tax code and identity card; books and follows the renewals alone."),
            _("An EU long-term residence permit or Italian citizenship; every document in order."),
        ),
    ),
    Domain(
        "health",
        _("health access"),
        (
            _("Urgent health needs without care; no access to the national health service."),
            _(
                "Only emergency care (the emergency room, an STP code); not registered with the health "
                "service."
            ),
            _(
                "Registered with the health service and a family doctor, but needs someone to go along "
                "to use them."
            ),
            _(
                "Sees the family doctor and books examinations (CUP) with occasional help; follows the "
                "treatment."
            ),
            _(
                "Manages their own and their family's health care alone: bookings, exemptions, "
                "prescriptions, screening."
            ),
        ),
    ),
    Domain(
        "education",
        _("education and qualifications"),
        (
            _("No schooling, and no record of studies or skills."),
            _("Some schooling or skills from abroad, without documents or unknown in Italy."),
            _(
                "Studies and skills identified; recognition requested or a course under way (CPIA, "
                "vocational training)."
            ),
            _(
                "A qualification recognised, or an Italian certificate obtained (lower-secondary "
                "diploma, vocational certificate)."
            ),
            _("Qualifications recognised and put to use; keeps training on their own initiative."),
        ),
    ),
    Domain(
        "social",
        _("social network"),
        (
            _("Isolated, or in harmful or exploitative relationships (trafficking, exploitation, violence)."),
            _("Contacts only inside the reception centre or with the staff of the services."),
            _("Some support from their own community; few contacts outside it."),
            _(
                "A stable network of friends, neighbours or colleagues, Italian and from their "
                "community, who help when needed."
            ),
            _("A wide network; takes part in associations, sport or community life, and helps others."),
        ),
    ),
    Domain(
        "mobility",
        _("mobility"),
        (
            _("Cannot get around the town alone: does not know the way or cannot pay for transport."),
            _("Gets around only on known routes with help, or travels without a ticket or on lifts."),
            _("Uses public transport alone on regular routes; a new journey needs help."),
            _(
                "Plans journeys alone (timetables, apps), has a season ticket or a bicycle; reaches work "
                "and services."
            ),
            _(
                "Travels anywhere, outside the town too; has a driving licence, or had one converted, "
                "when the work needs it."
            ),
        ),
    ),
    Domain(
        "daily_life",
        _("daily-life skills"),
        (
            _("Cannot manage daily life alone: food, hygiene, the home or basic bills need constant help."),
            _(
                "Manages basic needs with daily support; does not know how the bank, the post office or "
                "public offices work."
            ),
            _("Runs the home and the shopping; needs help with bills, the bank, letters and appointments."),
            _(
                "Runs the home, bills and appointments; occasional help with complex paperwork (ISEE, "
                "tax return)."
            ),
            _("Manages the home, money, paperwork and the children's school alone."),
        ),
    ),
)

DOMAIN_KEYS: tuple[str, ...] = tuple(domain.key for domain in DOMAINS)
BY_KEY: dict[str, Domain] = {domain.key: domain for domain in DOMAINS}


def is_valid_score(value: object) -> bool:
    """A score is an int from 1 to 5, or None (not assessed)."""
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value in LEVELS)


def has_scores(scores: Mapping[str, int | None] | None) -> bool:
    return scores is not None and any(value is not None for value in scores.values())


# The chart: one small panel per domain, dates on x, levels 1 (bottom) to 5 (top) on y. Every
# coordinate is computed here: the template only writes them out.
PANEL_WIDTH = 300
PANEL_HEIGHT = 122
PLOT_LEFT = 22  # room for the level numbers
PLOT_RIGHT = PANEL_WIDTH - 4
INSET = 14  # the first and last dates stand clear of the level numbers and of the edge
PLOT_TOP = 36  # room for the domain's name and a score of 5 above its dot
PLOT_HEIGHT = 64
DATE_Y = PLOT_TOP + PLOT_HEIGHT + 18
COLUMNS = 2
GAP = 26


class Scored(Protocol):
    """What `chart()` reads of an assessment (an `AutonomyAssessment`)."""

    assessed_on: date

    def scores(self) -> dict[str, int | None]: ...


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: int
    day: date

    @property
    def label_y(self) -> float:
        return round(self.y - 8, 1)


@dataclass(frozen=True)
class Panel:
    domain: Domain
    x: int
    y: int
    points: list[Point]

    @property
    def path(self) -> str:
        """The line through the scored points (a domain not assessed once is a gap, not a zero)."""
        return " ".join(f"{'M' if n == 0 else 'L'}{p.x},{p.y}" for n, p in enumerate(self.points))

    @property
    def first(self) -> int | None:
        return self.points[0].score if self.points else None

    @property
    def last(self) -> int | None:
        return self.points[-1].score if self.points else None

    @property
    def change(self) -> int | None:
        """From the first score to the last, when scored at least twice."""
        if len(self.points) < 2:
            return None
        return self.points[-1].score - self.points[0].score


@dataclass(frozen=True)
class Chart:
    panels: list[Panel]
    ticks: list[float]  # the x of each assessment date, inside a panel
    width: int
    height: int
    starts_on: date | None
    ends_on: date | None
    gridlines: list[tuple[int, float, float]]  # (level, y of the line, y of its number)
    columns: list[Scored]  # the assessments, oldest first: the table's columns
    rows: list[tuple[Domain, list[int | None]]]  # the table's rows: each domain's scores
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_TOP + PLOT_HEIGHT
    date_y: int = DATE_Y
    level_x: int = PLOT_LEFT - 6
    first_x: int = PLOT_LEFT + INSET
    last_x: int = PLOT_RIGHT - INSET

    def __bool__(self) -> bool:
        return bool(self.columns)

    @property
    def middle(self) -> tuple[float, float]:
        """The centre of a panel's plot, for the words of a domain never scored."""
        return (self.plot_left + self.plot_right) / 2, (self.plot_top + self.plot_bottom) / 2 + 4


def _level_y(level: float) -> float:
    return round(PLOT_TOP + PLOT_HEIGHT * (5 - level) / 4, 1)


def chart(assessments: Iterable[Scored]) -> Chart:
    """The chart and its table from the assessments (no query); several on one day are kept apart
    in the table and drawn on the same x."""
    ordered: Sequence[Scored] = sorted(assessments, key=lambda a: a.assessed_on)
    days = sorted({a.assessed_on for a in ordered})
    start, end = (days[0], days[-1]) if days else (None, None)
    span = (end - start).days if start is not None and end is not None else 0

    def x(day: date) -> float:
        if not span or start is None:
            return round((PLOT_LEFT + PLOT_RIGHT) / 2, 1)
        left, right = PLOT_LEFT + INSET, PLOT_RIGHT - INSET
        return round(left + (right - left) * (day - start).days / span, 1)

    panels = [
        Panel(
            domain,
            (n % COLUMNS) * (PANEL_WIDTH + GAP),
            (n // COLUMNS) * (PANEL_HEIGHT + GAP),
            [
                Point(x(a.assessed_on), _level_y(score), score, a.assessed_on)
                for a in ordered
                if (score := a.scores().get(domain.key)) is not None
            ],
        )
        for n, domain in enumerate(DOMAINS)
    ]
    lines = (len(DOMAINS) + COLUMNS - 1) // COLUMNS
    return Chart(
        panels=panels,
        ticks=[x(day) for day in days],
        width=COLUMNS * PANEL_WIDTH + (COLUMNS - 1) * GAP,
        height=lines * PANEL_HEIGHT + (lines - 1) * GAP,
        starts_on=start,
        ends_on=end,
        gridlines=[(level, _level_y(level), round(_level_y(level) + 4, 1)) for level in LEVELS],
        columns=list(ordered),
        rows=[(domain, [a.scores().get(domain.key) for a in ordered]) for domain in DOMAINS],
    )


def _short(day: date | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day is not None else ""


def svg(chart: Chart, chart_id: str = "matrix-chart") -> SafeString:
    """The chart as an SVG element. Written here rather than by a template: ten panels of grid
    lines, dots and numbers make thousands of template nodes, which were the largest part of
    rendering a case file (and of the plan and matrix pages). Every text is escaped."""
    ink, grey, blue = "#17324d", "#5d7083", "#0066cc"
    written: dict[date | None, str] = {}

    def short(day: date | None) -> str:  # each day written once, though ten panels show it
        if day not in written:
            written[day] = escape(_short(day))
        return written[day]

    title = gettext(
        "Autonomy scores by domain from %(start)s to %(end)s, from 1 (acute problems) to 5 (fully "
        "self-sufficient); the same scores are in the table."
    ) % {"start": _short(chart.starts_on), "end": _short(chart.ends_on)}
    out = [
        f'<svg class="matrix-chart" viewBox="-6 -6 {chart.width + 12} {chart.height + 12}" role="img"'
        f' aria-labelledby="{escape(chart_id)}-title"'
        " font-family=\"'Titillium Web', Geneva, Tahoma, sans-serif\">",
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    grid = "".join(
        f'<line x1="{chart.plot_left}" x2="{chart.plot_right}" y1="{y}" y2="{y}" stroke="#d9dadb"'
        f' stroke-width="1"/><text x="{chart.level_x}" y="{text_y}" text-anchor="end" font-size="11"'
        f' fill="{grey}">{level}</text>'
        for level, y, text_y in chart.gridlines
    )
    ticks = "".join(
        f'<line x1="{x}" x2="{x}" y1="{chart.plot_top}" y2="{chart.plot_bottom}" stroke="#e6e9f2"'
        ' stroke-width="1"/>'
        for x in chart.ticks
    )
    dates = ""
    if chart.starts_on:
        anchor = "middle" if chart.ends_on == chart.starts_on else "start"
        dates = (
            f'<text x="{chart.ticks[0]}" y="{chart.date_y}" text-anchor="{anchor}" font-size="11"'
            f' fill="{grey}">{short(chart.starts_on)}</text>'
        )
        if chart.ends_on != chart.starts_on:
            dates += (
                f'<text x="{chart.last_x}" y="{chart.date_y}" text-anchor="end" font-size="11"'
                f' fill="{grey}">{short(chart.ends_on)}</text>'
            )
    middle_x, middle_y = chart.middle
    not_assessed = escape(gettext("not assessed"))
    for panel in chart.panels:
        name = escape(capfirst(str(panel.domain.label)))
        if panel.change is not None:
            sign = "+" if panel.change > 0 else ""
            name += f' <tspan font-weight="400" fill="{grey}">({sign}{panel.change})</tspan>'
        out.append(
            f'<g transform="translate({panel.x} {panel.y})">'
            f'<text x="0" y="15" font-size="14" font-weight="600" fill="{ink}">{name}</text>{grid}{ticks}'
        )
        if panel.points:
            out.append(
                f'<path d="{panel.path}" fill="none" stroke="{blue}" stroke-width="2.5"'
                ' stroke-linejoin="round" stroke-linecap="round"/>'
            )
            out.extend(
                f'<circle cx="{point.x}" cy="{point.y}" r="4.5" fill="{blue}" stroke="#fff"'
                f' stroke-width="1.5"><title>{short(point.day)}: {point.score}</title></circle>'
                f'<text x="{point.x}" y="{point.label_y}" text-anchor="middle" font-size="11"'
                f' font-weight="600" fill="{ink}">{point.score}</text>'
                for point in panel.points
            )
        else:
            out.append(
                f'<text x="{middle_x}" y="{middle_y}" text-anchor="middle" font-size="12"'
                f' font-style="italic" fill="{grey}">{not_assessed}</text>'
            )
        out.append(f"{dates}</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)
