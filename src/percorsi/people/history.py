"""The history of everything recorded about a person, as one list (core.history does the merging).

Which history belongs to a person: the person's own rows, and the rows of every model that hangs
from the person (other names, nationalities, ... notes). A row moved to this person by a merge
(an update, which simple-history does not record) was recorded under the absorbed person: it is
found by its id among the person's current rows, so its earlier history comes with it.

Call inside the person's site scope (a request is): names of people and the current rows are read
through the scoped managers.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from percorsi.core.history import PAGE_SIZE, HistoryRow, HistorySource, IndexEntry, history_page
from percorsi.people import reference
from percorsi.people.models import (
    ConfidentialNote,
    Consent,
    HouseholdLink,
    IdentityDocument,
    LegalStatus,
    Nationality,
    OtherName,
    Person,
    PrivacyNotice,
    SpokenLanguage,
)

# The fields of a child that say nothing on its own page: always this person and their site.
_CHILD_HIDDEN = frozenset({"person", "site"})
_CASE_STATUS_FIELDS = frozenset({"case_status", "case_status_since", "closure_reason"})


def _child(model: type[Any], person: Person, **options: Any) -> HistorySource:
    current = model.objects.filter(person_id=person.pk).values("pk")
    records = model.history.filter(Q(person_id=person.pk) | Q(id__in=current))
    return HistorySource(
        records=records, hidden_fields=_CHILD_HIDDEN | options.pop("hidden", set()), **options
    )


def person_history_sources(person: Person) -> list[HistorySource]:
    return [
        HistorySource(
            records=Person.history.filter(id=person.pk),
            label=_("personal details"),
            labels_by_fields=((_CASE_STATUS_FIELDS, Person._meta.get_field("case_status").verbose_name),),
            extra_fields={"deleted_at": _("deleted on"), "merged_into": _("merged into")},
            formatters={"birth_country": reference.country_name},
        ),
        _child(OtherName, person, title_fields=("name",)),
        _child(
            Nationality, person, title_fields=("country",), formatters={"country": reference.country_name}
        ),
        _child(
            SpokenLanguage,
            person,
            title_fields=("language",),
            formatters={"language": reference.language_name},
        ),
        _child(HouseholdLink, person, title_fields=("relative", "relation")),
        _child(LegalStatus, person, title_fields=("status",)),
        _child(IdentityDocument, person, title_fields=("kind",)),
        _child(
            PrivacyNotice,
            person,
            title_fields=("given_on",),
            formatters={"language": reference.language_name},
        ),
        _child(Consent, person, title_fields=("purpose",), hidden={"notice"}),
        # The text of a note is read on the case file, not here: the history says when and by whom.
        _child(ConfidentialNote, person, title_fields=("category",), concealed_fields=frozenset({"text"})),
    ]


def person_history_page(
    person: Person, *, number: Any = 1, per_page: int = PAGE_SIZE
) -> tuple[Page[IndexEntry], list[HistoryRow]]:
    """One page of the person's history, newest first: a fixed number of queries for any page."""
    return history_page(person_history_sources(person), number=number, per_page=per_page)
