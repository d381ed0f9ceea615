"""Reads for the job desk: offers and their matches, a person's work, the most requested trades."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from percorsi.jobs import cv as cv_content
from percorsi.jobs.choices import (
    APPLICATION_ENDED,
    CEFR_ORDER,
    LICENCE_COVERS,
    OfferStatus,
)
from percorsi.jobs.models import CV, Application, IscoGroup, JobOffer, Occupation, Placement
from percorsi.people import selectors as people_selectors
from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person


def offers_found(
    *,
    status: str = OfferStatus.OPEN,
    query: str = "",
    sector: str = "",
    source: str = "",
) -> QuerySet[JobOffer]:
    """The site's offers with the list's filters, newest first, each with its applications count."""
    offers = JobOffer.objects.select_related("employer", "occupation").annotate(
        applications_count=Count("applications")
    )
    if status:
        offers = offers.filter(status=status)
    if source:
        offers = offers.filter(source=source)
    if sector:
        offers = offers.filter(occupation__isco_group__code__startswith=sector)
    for word in query.split()[:5]:
        offers = offers.filter(
            Q(title__icontains=word) | Q(employer__name__icontains=word) | Q(place__icontains=word)
        )
    return offers.order_by("-created_at", "-pk")


# --- Matching -----------------------------------------------------------------------------------------

# Points of each part of the fit; a perfect fit has them all.
POINTS_DESIRED = {4: 40, 3: 25, 2: 12}  # the job wanted: same unit group, minor group, sub-major group
POINTS_PAST = {4: 25, 3: 15, 2: 6}  # work done before
POINTS_ITALIAN = 15
POINTS_LICENCE = 10
POINTS_AVAILABLE = 5
POINTS_PLACE = 5
# Words for "anywhere" in where a person can work.
ANYWHERE = ("ovunque", "dovunque", "anywhere", "everywhere", "qualsiasi")


@dataclass
class Fit:
    """How well a person and an offer fit: a score (0-100), the reasons, what is missing."""

    score: int = 0
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # requirements of the offer the person lacks
    checks: list[str] = field(default_factory=list)  # preferences that differ: worth a question


@dataclass
class Match:
    fit: Fit
    person: Person | None = None
    offer: JobOffer | None = None
    cv: CV | None = None


def _shared_digits(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _occupation_points(codes: list[str], target: str, points: dict[int, int]) -> int:
    best = 0
    for code in codes:
        shared = _shared_digits(code, target)
        best = max(best, next((p for digits, p in points.items() if shared >= digits), 0))
    return best


def fit(cv: CV, offer: JobOffer, *, today: date | None = None) -> Fit:
    """The fit of a person's CV (its matching profile) to an offer, with the reasons shown to the desk."""
    today = today or timezone.localdate()
    result = Fit()
    target = offer.occupation.isco_group_id if offer.occupation_id else ""  # type: ignore[union-attr]
    if target:
        desired = _occupation_points(cv.desired_isco, target, POINTS_DESIRED)
        past = _occupation_points(cv.past_isco, target, POINTS_PAST)
        if desired:
            result.reasons.append(
                _("wants this job") if desired == POINTS_DESIRED[4] else _("wants a job in the same field")
            )
        if past:
            result.reasons.append(
                _("has done this job before") if past == POINTS_PAST[4] else _("has worked in the same field")
            )
        if not desired and not past:
            result.missing.append(_("neither wants nor has done work of this kind"))
        result.score += desired + past
    else:
        result.score += POINTS_DESIRED[4] + POINTS_PAST[4]  # no occupation to compare: nobody is favoured
    required = offer.italian_level
    if required:
        held = cv.italian_level
        if not held:
            result.missing.append(_("Italian level not assessed (%(level)s required)") % {"level": required})
        elif CEFR_ORDER.get(held, -1) >= CEFR_ORDER.get(required, 99):
            result.score += POINTS_ITALIAN
            result.reasons.append(_("Italian %(level)s") % {"level": held})
        else:
            result.missing.append(
                _("Italian %(required)s required, has %(held)s") % {"required": required, "held": held}
            )
    else:
        result.score += POINTS_ITALIAN
    if offer.driving_licence:
        covered = (
            set().union(*(LICENCE_COVERS.get(code, {code}) for code in cv.licences)) if cv.licences else set()
        )
        if offer.driving_licence in covered:
            result.score += POINTS_LICENCE
            result.reasons.append(_("driving licence %(licence)s") % {"licence": offer.driving_licence})
        else:
            result.missing.append(
                _("driving licence %(licence)s required") % {"licence": offer.driving_licence}
            )
    else:
        result.score += POINTS_LICENCE
    available = cv.available_from is None or cv.available_from <= max(today, offer.deadline or today)
    working_time_fits = not offer.working_time or not cv.working_time or cv.working_time == offer.working_time
    if available and working_time_fits:
        result.score += POINTS_AVAILABLE
    elif not available:
        result.missing.append(
            _("available only from %(day)s")
            % {"day": formats.date_format(cv.available_from, "SHORT_DATE_FORMAT")}  # type: ignore[arg-type]
        )
    else:
        result.checks.append(_("looks for %(wanted)s work") % {"wanted": cv.get_working_time_display()})
    # The place: words of the offer's place found in where the person can work ("Roma" in "Roma e
    # provincia"). Towns and provinces are not known to Percorsi, so a difference is something to
    # ask the person, not a requirement missing.
    place = offer.place.strip().lower()
    places = cv.places.lower()
    anywhere = any(word in places.split() for word in ANYWHERE)
    near = any(word in places for word in place.replace(",", " ").split() if len(word) > 2)
    if not place or not places or anywhere or near:
        result.score += POINTS_PLACE
        if place and places:
            result.reasons.append(_("can work in %(place)s") % {"place": offer.place})
    else:
        result.checks.append(
            _("check the place: works in %(places)s, the job is in %(place)s")
            % {"places": cv.places, "place": offer.place}
        )
    return result


def _live_people() -> Q:
    return Q(person__deleted_at__isnull=True, person__merged_into__isnull=True) & ~Q(
        person__case_status=CaseStatus.CLOSED
    )


def matches_for_offer(
    offer: JobOffer, *, limit: int = 30, today: date | None = None
) -> tuple[list[Match], int]:
    """The site's people with a CV ranked by their fit to the offer (best first; at equal score, the
    one missing fewer requirements), and how many active people have no CV (so are not ranked)."""
    cvs = list(
        CV.objects.filter(_live_people(), current__isnull=False)
        .select_related("person")
        .only(
            "pk",
            "person__id",
            "person__given_names",
            "person__family_names",
            "person__site_id",
            "desired_isco",
            "past_isco",
            "italian_level",
            "licences",
            "available_from",
            "working_time",
            "places",
        )
    )
    matches = [Match(fit=fit(cv, offer, today=today), person=cv.person, cv=cv) for cv in cvs]
    matches.sort(
        key=lambda m: (
            -m.fit.score,
            len(m.fit.missing),
            len(m.fit.checks),
            m.person.family_names,
            m.person.pk,
        )
    )  # type: ignore[union-attr]
    without = (
        Person.objects.filter(deleted_at__isnull=True, merged_into__isnull=True, cv__isnull=True)
        .exclude(case_status=CaseStatus.CLOSED)
        .count()
    )
    return matches[:limit], without


def matches_for_person(person: Person, *, limit: int = 30, today: date | None = None) -> list[Match]:
    """The site's open offers ranked by their fit to the person's CV (none without a CV)."""
    cv = CV.objects.filter(person=person, current__isnull=False).first()
    if cv is None:
        return []
    today = today or timezone.localdate()
    offers = (
        JobOffer.objects.filter(status=OfferStatus.OPEN)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .select_related("employer", "occupation")
    )
    matches = [Match(fit=fit(cv, offer, today=today), offer=offer, cv=cv) for offer in offers]
    matches.sort(key=lambda m: (-m.fit.score, len(m.fit.missing), len(m.fit.checks), -m.offer.pk))  # type: ignore[union-attr]
    return matches[:limit]


# --- A person's work at the desk ----------------------------------------------------------------------


def person_placements(person: Person) -> list[Placement]:
    return list(Placement.objects.filter(person=person).select_related("employer", "occupation"))


def person_applications(person: Person) -> list[Application]:
    return list(Application.objects.filter(person=person).select_related("offer__employer", "employer"))


def open_applications(applications: list[Application]) -> list[Application]:
    return [a for a in applications if a.status not in APPLICATION_ENDED]


def person_cv(person: Person) -> CV | None:
    return CV.objects.filter(person=person).select_related("current", "current__created_by").first()


def cv_personal(person: Person, content: dict[str, Any], *, language: str = "it") -> cv_content.Personal:
    """The person's data for their CV: the name always, the rest only as chosen in the CV. The legal
    status is never more than "a residence permit valid until <date>" (what an employer needs to
    know, and what every role of the desk may see)."""
    from django.utils import translation

    include = set(content.get("include", []))
    nationalities: tuple[str, ...] = ()
    if "nationality" in include:
        nationalities = tuple(n.country for n in person.nationalities.all())
    legal = ""
    if "legal_status" in include:
        until = people_selectors.permit_valid_until(person)
        if until is not None:
            with translation.override(language):
                legal = _("Residence permit valid until %(day)s") % {
                    "day": formats.date_format(until, "SHORT_DATE_FORMAT")
                }
    birth = ""
    if "birth_date" in include and person.birth_date:
        precision = person.birth_date_precision
        birth = (
            str(person.birth_date.year)
            if precision in ("year", "estimated")
            else person.birth_date.isoformat()[: 7 if precision == "month" else 10]
        )
    return cv_content.Personal(
        given_names=person.given_names,
        family_names=person.family_names,
        native_name=person.native_name,
        birth_date=birth,
        nationalities=nationalities,
        phone=person.phone if "phone" in include else "",
        email=person.email if "email" in include else "",
        address=person.address if "address" in include else "",
        country="IT" if "address" in include and person.address else "",
        legal_status=legal,
    )


# --- The most requested trades ------------------------------------------------------------------------


@dataclass(frozen=True)
class TradeRow:
    group: IscoGroup | None  # the ISCO-08 sub-major group (None: offers without an occupation)
    offers: int
    occupations: list[tuple[Occupation, int]]


def most_requested_trades(*, start: date, end: date) -> tuple[list[TradeRow], int]:
    """Job offers entered in the period counted by ISCO-08 sub-major group and, inside it, by
    occupation, most requested first; and the total. Two queries."""
    offers = JobOffer.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
    by_occupation = Counter(
        dict(offers.values("occupation").annotate(n=Count("pk")).values_list("occupation", "n"))
    )
    total = sum(by_occupation.values())
    occupations = {
        o.pk: o
        for o in Occupation.objects.filter(pk__in=[pk for pk in by_occupation if pk]).select_related(
            "isco_group"
        )
    }
    groups = {g.code: g for g in IscoGroup.objects.filter(level=2)}
    rows: dict[str, list[tuple[Occupation, int]]] = {}
    unknown = 0
    for pk, n in by_occupation.items():
        occupation = occupations.get(pk)
        if occupation is None:
            unknown += n
            continue
        rows.setdefault(occupation.isco_group_id[:2], []).append((occupation, n))
    result = [
        TradeRow(
            group=groups.get(code),
            offers=sum(n for _o, n in items),
            occupations=sorted(items, key=lambda item: (-item[1], item[0].display_name)),
        )
        for code, items in rows.items()
    ]
    result.sort(key=lambda row: (-row.offers, row.group.code if row.group else ""))
    if unknown:
        result.append(TradeRow(group=None, offers=unknown, occupations=[]))
    return result, total


# --- The case file's part -----------------------------------------------------------------------------


def _case_file_work(person: Person) -> tuple[list[Placement], list[Application]]:
    """The person's placements and applications, read once per case file view (panel and timeline)."""
    cached = getattr(person, "_case_file_work", None)
    if cached is None:
        cached = (person_placements(person), person_applications(person))
        person._case_file_work = cached  # type: ignore[attr-defined]
    return cached


def case_file_panel(person: Person, membership: Any) -> Any:
    """The case file's "Work" panel: current work at a glance, applications in progress, the CV."""
    from percorsi.people.selectors import CasePanel

    if not membership.has("jobs:read"):
        return None
    placements, applications = _case_file_work(person)
    today = timezone.localdate()
    return CasePanel(
        "jobs/_case_file_panel.html",
        {
            "person": person,
            "current": [p for p in placements if p.is_current(today)],
            "open_applications": open_applications(applications),
            # When the CV was last saved, not its content: a small read.
            "cv_updated": CV.objects.filter(person=person, current__isnull=False)
            .values_list("updated_at", flat=True)
            .first(),
            "can_write": membership.has("jobs:write") and person.deleted_at is None,
        },
        12,
    )


def timeline_events(person: Person, membership: Any, limit: int | None = None) -> list[Any]:
    """Applications and placements on the case file's timeline."""
    from percorsi.people.selectors import TimelineEvent

    if not membership.has("jobs:read"):
        return []
    placements, applications = _case_file_work(person)
    events = []
    for placement in placements:
        events.append(
            TimelineEvent(
                placement.started_on,
                "work",
                _("Started work: %(job)s") % {"job": placement.job_title},
                f"{placement.employer} · {placement.get_contract_type_display()}",
            )
        )
        end = placement.ended_early_on or placement.ends_on
        if end is not None and end <= timezone.localdate():
            events.append(
                TimelineEvent(
                    end,
                    "work",
                    _("Work ended: %(job)s") % {"job": placement.job_title},
                    str(placement.employer),
                )
            )
    for application in applications:
        target = application.offer.title if application.offer else str(application.employer)
        events.append(
            TimelineEvent(
                application.created_at.date(),
                "application",
                _("Application: %(target)s") % {"target": target},
                application.get_status_display(),
            )
        )
    return events
