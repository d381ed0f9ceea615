"""Reads for people: lists, the case file, its timeline, and expiry alerts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, overload

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from percorsi.core.models import Site
from percorsi.people import matching
from percorsi.people.choices import CaseStatus, DocumentKind, LegalStatusKind
from percorsi.people.models import (
    Consent,
    IdentityDocument,
    LegalStatus,
    Person,
)

ALERT_DAYS_DEFAULT = 60
# Identity documents expired longer ago than this no longer raise an alert (permits always do).
STALE_DOCUMENT_DAYS = 180
_PERMIT_DOCUMENTS = {DocumentKind.PERMIT, DocumentKind.RECEIPT}
# Statuses whose permit does not expire (or that are not a permit at all).
_NO_PERMIT_EXPIRY = {LegalStatusKind.CITIZEN, LegalStatusKind.NONE}


def people_list(*, site: Site, status: str = "", operator_id: int | None = None) -> QuerySet[Person]:
    """People of the site for the list page, by name; not deleted, not merged."""
    people = Person.objects.filter(site=site, deleted_at__isnull=True, merged_into__isnull=True)
    if status:
        people = people.filter(case_status=status)
    if operator_id is not None:
        people = people.filter(operator_id=operator_id)
    return people.select_related("operator").order_by("family_names", "given_names", "pk")


def people_found(
    *, site: Site, query: str, status: str, sees_documents: bool
) -> Sequence[Person] | QuerySet[Person]:
    """What the list page (and its export) shows: the search's hits, best first, or everyone by name.

    A match on a document or permit number or on the tax code would tell whose it is: such hits are
    left out for a role that does not see documents."""
    if not query:
        return people_list(site=site, status=status)
    hits = matching.rank_people(site=site, query=query)
    if not sees_documents:
        hidden = {matching.MatchedOn.DOCUMENT, matching.MatchedOn.TAX_CODE}
        hits = [hit for hit in hits if hit.matched_on not in hidden]
    pks = [hit.pk for hit in hits]
    if status:
        with_status = set(
            Person.objects.filter(site=site, pk__in=pks, case_status=status).values_list("pk", flat=True)
        )
        pks = [pk for pk in pks if pk in with_status]
    return FoundPeople(site, pks)


class FoundPeople(Sequence[Person]):
    """The search's hits in their order, read from the database only when asked for: a slice (the
    list page's 25) in one query, or all of them at once (the export).

    Reading every hit with its operator, as `matching.search_people` does, took 7 of its 17 ms for
    the 189 hits of "Mohamad Dialo" at 100,000 people on PostgreSQL; the page of 25 is read in 2."""

    def __init__(self, site: Site, pks: list[int]) -> None:
        self.site = site
        self.pks = pks

    def __len__(self) -> int:
        return len(self.pks)

    @overload
    def __getitem__(self, index: int) -> Person: ...

    @overload
    def __getitem__(self, index: slice) -> list[Person]: ...

    def __getitem__(self, index: int | slice) -> Person | list[Person]:
        if isinstance(index, slice):
            return self._read(self.pks[index])
        return self._read([self.pks[index]])[0]

    def __iter__(self) -> Iterator[Person]:
        return iter(self._read(self.pks))

    def _read(self, pks: list[int]) -> list[Person]:
        people = Person.objects.filter(site=self.site).select_related("operator").in_bulk(pks)
        return [people[pk] for pk in pks]


def deleted_people(*, site: Site) -> QuerySet[Person]:
    return Person.objects.filter(site=site, deleted_at__isnull=False, merged_into__isnull=True).order_by(
        "-deleted_at"
    )


@dataclass(frozen=True)
class Expiry:
    """A permit or document expired or expiring soon."""

    person_id: int
    person_name: str
    what: str
    expires_on: date
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def days_ago(self) -> int:
        return -self.days_left


@dataclass(frozen=True)
class ConsentState:
    """Whether the person consents to a purpose today: the consent in force, or the last one
    withdrawn (None when never given)."""

    given: Consent | None
    withdrawn: Consent | None

    @property
    def in_force(self) -> bool:
        return self.given is not None


def consent_state(person: Person, purpose: str, today: date | None = None) -> ConsentState:
    """The person's consent to the purpose: given on or before today and not withdrawn by then.
    One query."""
    today = today or timezone.localdate()
    consents = Consent.objects.filter(person=person, purpose=purpose, given_on__lte=today).order_by(
        "-given_on", "-pk"
    )
    given = withdrawn = None
    for consent in consents:
        if _in_force(consent, today):
            given = given or consent
        elif withdrawn is None:
            withdrawn = consent
    return ConsentState(given=given, withdrawn=None if given else withdrawn)


def _in_force(consent: Consent, today: date) -> bool:
    """The rule `people_consenting` writes as a query: given by today, not withdrawn by then."""
    return consent.given_on <= today and (consent.withdrawn_on is None or consent.withdrawn_on > today)


def people_consenting(person_ids: Iterable[int], purpose: str, today: date | None = None) -> set[int]:
    """Of the people, those who consent to the purpose today. One query."""
    today = today or timezone.localdate()
    return set(
        Consent.objects.filter(person_id__in=list(person_ids), purpose=purpose, given_on__lte=today)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        .values_list("person_id", flat=True)
    )


def current_legal_status(person: Person) -> LegalStatus | None:
    """The latest entry of the history (from the prefetched list when there is one)."""
    statuses = list(person.legal_statuses.all())
    return statuses[0] if statuses else None


def permit_valid_until(person: Person, today: date | None = None) -> date | None:
    """What a desk volunteer or a teacher may know: the date until which the person has a valid permit.

    The permit of the current status counts; a renewal requested before it expired keeps it valid
    (the receipt), which is shown as "renewal requested" to those who may see the details."""
    today = today or timezone.localdate()
    status = current_legal_status(person)
    if status is None or status.status in _NO_PERMIT_EXPIRY or status.expires_on is None:
        return None
    return status.expires_on if status.expires_on >= today else None


def expiries_for(
    person: Person, *, within_days: int = ALERT_DAYS_DEFAULT, today: date | None = None
) -> list[Expiry]:
    """The permit of the current status and the current documents expired or expiring within the days."""
    today = today or timezone.localdate()
    limit = today + timedelta(days=within_days)
    found = []
    status = current_legal_status(person)
    permit_followed = status is not None and status.expires_on is not None
    if (
        status is not None
        and status.expires_on
        and status.expires_on <= limit
        and status.renewal_requested_on is None
        and status.status not in _NO_PERMIT_EXPIRY
    ):
        found.append(
            Expiry(
                person.pk,
                person.full_name,
                _("residence permit (%(status)s)") % {"status": status.get_status_display()},
                status.expires_on,
                (status.expires_on - today).days,
            )
        )
    stale = today - timedelta(days=STALE_DOCUMENT_DAYS)
    for document in person.documents.all():
        if document.kind in _PERMIT_DOCUMENTS and permit_followed:
            continue  # the permit is followed through the legal status: not twice
        if document.kind not in _PERMIT_DOCUMENTS and document.expires_on and document.expires_on < stale:
            continue  # an identity document long expired is a fact of the record, not an alert
        if document.replaced_at is None and document.expires_on and document.expires_on <= limit:
            found.append(
                Expiry(
                    person.pk,
                    person.full_name,
                    document.get_kind_display(),
                    document.expires_on,
                    (document.expires_on - today).days,
                )
            )
    return sorted(found, key=lambda e: e.expires_on)


def _current_status(person_ref: str) -> QuerySet[LegalStatus]:
    """The current entry of a person's legal status history (the first in the history's order)."""
    return LegalStatus.objects.filter(person=OuterRef(person_ref)).order_by(*LegalStatus._meta.ordering)


def _expiry_querysets(
    site: Site, within_days: int, today: date
) -> tuple[QuerySet[LegalStatus], QuerySet[IdentityDocument]]:
    """The permits and the documents the alerts show, as two queries (the rules of `expiries_for`).

    Open cases only (active or suspended, not deleted, not merged); the permit of the current
    status without a renewal request; current documents, but an identity document expired long ago
    is no longer an alert, and a permit card or receipt counts only when the current status carries
    no expiry date of its own (otherwise the permit is followed through the status, not twice)."""
    limit = today + timedelta(days=within_days)
    open_case = Q(site=site, person__deleted_at__isnull=True, person__merged_into__isnull=True) & ~Q(
        person__case_status=CaseStatus.CLOSED
    )
    permits = (
        LegalStatus.objects.filter(open_case, expires_on__lte=limit, renewal_requested_on__isnull=True)
        .exclude(status__in=_NO_PERMIT_EXPIRY)
        .filter(pk=Subquery(_current_status("person_id").values("pk")[:1]))
    )
    documents = (
        IdentityDocument.objects.filter(open_case, expires_on__lte=limit, replaced_at__isnull=True)
        .annotate(status_expires_on=Subquery(_current_status("person_id").values("expires_on")[:1]))
        .filter(
            (~Q(kind__in=_PERMIT_DOCUMENTS) & Q(expires_on__gte=today - timedelta(days=STALE_DOCUMENT_DAYS)))
            | Q(kind__in=_PERMIT_DOCUMENTS, status_expires_on__isnull=True)
        )
    )
    return permits, documents


def site_expiries(
    *, site: Site, within_days: int = ALERT_DAYS_DEFAULT, today: date | None = None
) -> list[Expiry]:
    """Every expired or expiring permit and document of the site's open cases.

    What expires soon first, the soonest at the top; then what already expired, the latest first.
    Two queries of plain rows whatever the number of people (no records are built)."""
    today = today or timezone.localdate()
    permits, documents = _expiry_querysets(site, within_days, today)
    names = ("person_id", "person__given_names", "person__family_names", "expires_on")
    status_labels = dict(LegalStatusKind.choices)
    kind_labels = dict(DocumentKind.choices)
    found = [
        Expiry(
            person_id,
            " ".join(part for part in (given, family) if part),
            _("residence permit (%(status)s)") % {"status": status_labels.get(code, code)},
            expires_on,
            (expires_on - today).days,
        )
        for person_id, given, family, expires_on, code in permits.values_list(*names, "status")
    ] + [
        Expiry(
            person_id,
            " ".join(part for part in (given, family) if part),
            str(kind_labels.get(code, code)),
            expires_on,
            (expires_on - today).days,
        )
        for person_id, given, family, expires_on, code in documents.values_list(*names, "kind")
    ]
    coming = sorted((e for e in found if not e.expired), key=lambda e: (e.expires_on, e.person_name))
    past = sorted((e for e in found if e.expired), key=lambda e: (-e.expires_on.toordinal(), e.person_name))
    return coming + past


def expiry_counts(*, site: Site, within_days: int = ALERT_DAYS_DEFAULT) -> tuple[int, int]:
    """(expired, expiring soon) for the home page, counted by the database."""
    today = timezone.localdate()
    expired = expiring = 0
    for queryset in _expiry_querysets(site, within_days, today):
        counts = queryset.aggregate(
            expired=Count("pk", filter=Q(expires_on__lt=today)),
            expiring=Count("pk", filter=Q(expires_on__gte=today)),
        )
        expired += counts["expired"]
        expiring += counts["expiring"]
    return expired, expiring


def home_figures(site: Site, membership: Any) -> list[tuple[str, int, str]]:
    """Expired and expiring permits and documents, on the home page of those who handle them."""
    if not membership.has("people:sensitive"):
        return []
    expired, expiring = expiry_counts(site=site)
    return [
        (_("permits or documents expired"), expired, "people:alerts"),
        (_("expiring within 60 days"), expiring, "people:alerts"),
    ]


def case_file(*, site: Site, pk: int, sensitive: bool = True) -> Person | None:
    """The person with everything the case file shows, in a fixed number of queries.

    Without `sensitive` the documents and the confidential notes are not even read."""
    person = (
        Person.objects.filter(site=site, pk=pk, merged_into__isnull=True).select_related("operator").first()
    )
    if person is None:
        return None
    related: dict[str, QuerySet[Any]] = {
        "other_names": person.other_names.all(),
        "nationalities": person.nationalities.all(),
        "languages": person.languages.all(),
        "legal_statuses": person.legal_statuses.all(),  # the current one: "valid permit until"
        "privacy_notices": person.privacy_notices.order_by("-given_on", "-pk"),
        "consents": person.consents.order_by("purpose", "-given_on"),
        "household_links": person.household_links.select_related("relative"),
    }
    if sensitive:
        related["documents"] = person.documents.all()
        related["confidential_notes"] = person.confidential_notes.select_related("author")
    fill_related(person, related)
    return person


def fill_related(instance: Any, related: dict[str, QuerySet[Any]]) -> None:
    """Read each related queryset once and keep it where `prefetch_related` would, so that
    `instance.<name>.all()` reads nothing more. For one instance a plain query through its related
    manager costs about half of what the prefetch machinery adds to it (0.23 against 0.45 ms each on
    SQLite, and the case file has nine)."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        len(rows)  # evaluates the queryset: its rows stay in it
        cache[name] = rows


@dataclass(frozen=True)
class CasePanel:
    """A part of the case file that an app above people adds (the plan, later the job desk...)."""

    template: str
    context: dict[str, Any]
    order: int = 100


# Apps above people register here (people may not import them): a panel maker gets the person and
# the membership and returns a panel or None; a timeline source gets the person, the membership and
# `limit`, how many of the newest events the page shows (None: all), and returns events about the
# person: at least its `limit` newest ones (more are left out), all of them without a limit.
CASE_FILE_PANELS: list[Callable[[Person, Any], CasePanel | None]] = []
TIMELINE_SOURCES: list[Callable[[Person, Any, int | None], list[TimelineEvent]]] = []
# The kinds of events, with their names for the timeline's filter, in the filter's order; apps above
# people add theirs.
TIMELINE_KINDS: dict[str, Any] = {
    "case": gettext_lazy("case"),
    "status": gettext_lazy("legal status"),
    "document": gettext_lazy("documents"),
    "consent": gettext_lazy("privacy and consents"),
    "note": gettext_lazy("confidential notes"),
}
# The case file shows the newest events; the timeline page all of them.
TIMELINE_LATEST = 20


def case_file_panels(person: Person, membership: Any) -> list[CasePanel]:
    panels = [panel for make in CASE_FILE_PANELS if (panel := make(person, membership)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    kind: str  # for the icon and the filter: case, status, document, consent, note
    title: str
    detail: str = ""
    sensitive: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def timeline(person: Person, *, sensitive: bool) -> list[TimelineEvent]:
    """Everything recorded about the person, newest first, from the prefetched case file.

    Without `people:sensitive` the legal status entries, documents and notes are left out."""
    events = [TimelineEvent(person.case_opened_on, "case", _("Case opened"))]
    if person.arrival_date:
        events.append(TimelineEvent(person.arrival_date, "case", _("Arrival in Italy")))
    if person.case_status != CaseStatus.ACTIVE or person.case_status_since != person.case_opened_on:
        events.append(
            TimelineEvent(
                person.case_status_since,
                "case",
                _("Case %(status)s") % {"status": person.get_case_status_display()},
                person.get_closure_reason_display() if person.closure_reason else "",
            )
        )
    for notice in person.privacy_notices.all():
        events.append(TimelineEvent(notice.given_on, "consent", _("Privacy notice given")))
    for consent in person.consents.all():
        events.append(
            TimelineEvent(consent.given_on, "consent", _("Consent given"), consent.get_purpose_display())
        )
        if consent.withdrawn_on:
            events.append(
                TimelineEvent(
                    consent.withdrawn_on, "consent", _("Consent withdrawn"), consent.get_purpose_display()
                )
            )
    if sensitive:
        for status in person.legal_statuses.all():
            day = status.valid_from or status.issued_on or status.created_at.date()
            events.append(TimelineEvent(day, "status", status.get_status_display(), status.permit_type, True))
            if status.renewal_requested_on:
                events.append(
                    TimelineEvent(
                        status.renewal_requested_on, "status", _("Permit renewal requested"), "", True
                    )
                )
        for document in person.documents.all():
            day = document.issued_on or document.created_at.date()
            events.append(TimelineEvent(day, "document", document.get_kind_display(), document.issuer, True))
        for note in person.confidential_notes.all():
            events.append(
                TimelineEvent(
                    note.created_at.date(), "note", _("Confidential note"), note.get_category_display(), True
                )
            )
    return sorted(events, key=lambda e: e.day, reverse=True)


def full_timeline(person: Person, membership: Any, *, limit: int | None = None) -> list[TimelineEvent]:
    """The person's timeline, newest first: people's own events and those of the apps above (plans,
    the job desk...); with `limit`, only the newest `limit` events."""
    events = timeline(person, sensitive=membership.has("people:sensitive"))
    for source in TIMELINE_SOURCES:
        events.extend(source(person, membership, limit))
    events.sort(key=lambda e: e.day, reverse=True)
    return events if limit is None else events[:limit]
