"""Writes for people: intake, the record, legal status, documents, consents, notes, status, transfer.

Every function runs in one transaction, checks the record's version when it edits, and writes its
audit entry there (ids only). `matching.index_person` keeps the search keys in step with the names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.errors import DomainError
from percorsi.core.models import Site
from percorsi.core.records import delete_file_after_commit, locked_for_edit, save_with_history
from percorsi.people import matching, uploads
from percorsi.people.choices import CaseStatus, ClosureReason, DatePrecision
from percorsi.people.models import (
    ConfidentialNote,
    Consent,
    HouseholdLink,
    IdentityDocument,
    LegalStatus,
    Merge,
    Nationality,
    OtherName,
    Person,
    PrivacyNotice,
    SpokenLanguage,
)
from percorsi.people.uploads import CleanUpload

# Every model that hangs from a person and carries the person's site.
PERSON_CHILDREN = (
    OtherName,
    Nationality,
    SpokenLanguage,
    HouseholdLink,
    LegalStatus,
    IdentityDocument,
    PrivacyNotice,
    Consent,
    ConfidentialNote,
)


def _locked(person: Person, version: int | None) -> Person:
    return locked_for_edit(Person, person, version)


@dataclass(frozen=True)
class IntakeData:
    given_names: str
    family_names: str
    sex: str
    birth_date: date | None
    birth_date_precision: str
    nationality: str
    phone: str
    mother_tongue: str
    arrival_date: date | None
    arrival_date_precision: str


def person_intake(*, site: Site, actor: User, data: IntakeData) -> Person:
    """Open a case with the few facts of the intake; the rest of the record can follow."""
    with transaction.atomic():
        person = Person(
            site=site,
            given_names=data.given_names.strip(),
            family_names=data.family_names.strip(),
            sex=data.sex,
            birth_date=data.birth_date,
            birth_date_precision=data.birth_date_precision,
            phone=data.phone,
            arrival_date=data.arrival_date,
            arrival_date_precision=data.arrival_date_precision,
            operator=actor,
        )
        save_with_history(person, actor)
        if data.nationality:
            save_with_history(Nationality(site=site, person=person, country=data.nationality), actor)
        if data.mother_tongue:
            save_with_history(
                SpokenLanguage(site=site, person=person, language=data.mother_tongue, is_mother_tongue=True),
                actor,
            )
        matching.index_person(person)
        audit.record(action="people.person.created", obj=person)
    return person


PERSON_FIELDS = (
    "given_names",
    "family_names",
    "native_name",
    "sex",
    "birth_date",
    "birth_date_precision",
    "birth_country",
    "birth_place",
    "stateless",
    "phone",
    "email",
    "address",
    "notional_address",
    "household_others",
    "arrival_date",
    "arrival_date_precision",
    "arrival_route",
    "operator",
    "tax_code",
    "tax_code_kind",
    "tax_code_mismatch_confirmed",
)


def person_update(
    *,
    person: Person,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    other_names: Iterable[str] | None = None,
    nationalities: Iterable[str] | None = None,
) -> Person:
    """Change the record's details. Other names and nationalities, when given, replace the current ones."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(person, version)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, fields[name])
        if current.stateless and nationalities:
            raise DomainError(
                _("A stateless person has no nationality: clear one or the other."), field="stateless"
            )
        current.version += 1
        save_with_history(current, actor)
        if other_names is not None:
            _replace_other_names(current, actor, other_names)
        if nationalities is not None:
            _replace_nationalities(current, actor, nationalities)
        matching.index_person(current)
        audit.record(action="people.person.updated", obj=current, data={"fields": len(changed)})
    return current


def _replace_other_names(person: Person, actor: User, names: Iterable[str]) -> None:
    wanted = {n.strip(): None for n in names if n.strip()}  # ordered, without duplicates
    existing = {o.name: o for o in person.other_names.all()}
    for name, row in existing.items():
        if name not in wanted:
            row._history_user = actor
            row.delete()
    for name in wanted:
        if name not in existing:
            save_with_history(OtherName(site=person.site, person=person, name=name), actor)


def _replace_nationalities(person: Person, actor: User, countries: Iterable[str]) -> None:
    wanted = set(countries)
    existing = {n.country: n for n in person.nationalities.all()}
    for country, row in existing.items():
        if country not in wanted:
            row._history_user = actor
            row.delete()
    for country in sorted(wanted - existing.keys()):
        save_with_history(Nationality(site=person.site, person=person, country=country), actor)


def language_set(
    *, person: Person, actor: User, language: str, level: str, is_mother_tongue: bool
) -> SpokenLanguage:
    with transaction.atomic():
        row = SpokenLanguage.objects.filter(person=person, language=language).first()
        if row is None:
            row = SpokenLanguage(site=person.site, person=person, language=language)
        row.level, row.is_mother_tongue = level, is_mother_tongue
        save_with_history(row, actor)
        audit.record(action="people.language.saved", obj=row, data={"person": person.pk})
    return row


def language_remove(*, person: Person, actor: User, language_id: int) -> None:
    with transaction.atomic():
        row = SpokenLanguage.objects.filter(person=person, pk=language_id).first()
        if row is None:
            raise DomainError(_("This language is no longer in the record."))
        row._history_user = actor
        row.delete()
        audit.record(
            action="people.language.removed",
            object_type="people.spokenlanguage",
            object_id=language_id,
            data={"person": person.pk},
        )


def household_link_add(*, person: Person, actor: User, relative: Person, relation: str) -> HouseholdLink:
    if relative.pk == person.pk:
        raise DomainError(_("A person cannot be their own relative."), field="relative")
    with transaction.atomic():
        if HouseholdLink.objects.filter(person=person, relative=relative).exists():
            raise DomainError(_("This relative is already linked."), field="relative")
        link = HouseholdLink(site=person.site, person=person, relative=relative, relation=relation)
        save_with_history(link, actor)
        audit.record(
            action="people.household.linked", obj=link, data={"person": person.pk, "relative": relative.pk}
        )
    return link


def legal_status_add(*, person: Person, actor: User, fields: dict[str, Any]) -> LegalStatus:
    """A new entry of the legal status history; the earlier entries stay as they were."""
    with transaction.atomic():
        entry = LegalStatus(site=person.site, person=person, recorded_by=actor, **fields)
        if entry.issued_on and entry.expires_on and entry.expires_on < entry.issued_on:
            raise DomainError(_("The expiry date is before the issue date."), field="expires_on")
        save_with_history(entry, actor)
        matching.index_person(person)  # the permit and receipt numbers are searchable
        audit.record(action="people.legal_status.added", obj=entry, data={"person": person.pk})
    return entry


def document_add(
    *, person: Person, actor: User, fields: dict[str, Any], scan: CleanUpload | None
) -> IdentityDocument:
    with transaction.atomic():
        document = IdentityDocument(site=person.site, person=person, recorded_by=actor, **fields)
        if document.issued_on and document.expires_on and document.expires_on < document.issued_on:
            raise DomainError(_("The expiry date is before the issue date."), field="expires_on")
        if scan is not None:
            uploads.store(document.scan, scan)
            document.scan_content_type = scan.content_type
            document.scan_size = scan.size
        try:
            save_with_history(document, actor)
        except Exception:
            if document.scan:
                document.scan.delete(save=False)  # nothing stored when the record is not
            raise
        matching.index_person(person)  # the document number is searchable
        audit.record(
            action="people.document.added", obj=document, data={"person": person.pk, "scan": bool(scan)}
        )
    return document


def document_replace(*, document: IdentityDocument, actor: User) -> IdentityDocument:
    """Mark a document as no longer current (a newer one replaced it); it stays in the record."""
    with transaction.atomic():
        document.replaced_at = timezone.now()
        document.version += 1
        save_with_history(document, actor)
        audit.record(action="people.document.replaced", obj=document, data={"person": document.person_id})
    return document


# Corrections and removals of legal status entries and documents. A correction fixes a mistake
# (a typo, a wrong date) in place; a change of status is a new entry (`legal_status_add`). A
# removal is for an entry recorded by mistake (on the wrong person, twice). Either way the history
# (django-simple-history) keeps the values before; the removal's reason goes there too, never into
# the audit, which holds identifiers only.

LEGAL_STATUS_FIELDS = (
    "status",
    "valid_from",
    "permit_type",
    "permit_number",
    "issued_by",
    "issued_on",
    "expires_on",
    "renewal_requested_on",
    "receipt_number",
)
DOCUMENT_FIELDS = ("kind", "number", "issuer", "issued_on", "expires_on")
REMOVAL_REASON_MAX_LENGTH = 200


def _locked_entry[E: (LegalStatus, IdentityDocument)](model: type[E], entry: E, version: int | None) -> E:
    gone = _("This entry is no longer in the record: someone removed it.")
    return locked_for_edit(model, entry, version, gone=gone, person_id=entry.person_id)


def _check_expiry_after_issue(entry: LegalStatus | IdentityDocument) -> None:
    if entry.issued_on and entry.expires_on and entry.expires_on < entry.issued_on:
        raise DomainError(_("The expiry date is before the issue date."), field="expires_on")


def _removal_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the entry is removed."), field="reason")
    if len(reason) > REMOVAL_REASON_MAX_LENGTH:
        raise DomainError(
            _("Keep the reason short: at most %(count)d characters.") % {"count": REMOVAL_REASON_MAX_LENGTH},
            field="reason",
        )
    return reason


def _changed_fields(current: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, fields[name])
    return changed


def legal_status_correct(
    *, entry: LegalStatus, actor: User, version: int | None, fields: dict[str, Any]
) -> LegalStatus:
    """Correct a mistake in an entry of the legal status history; the value before stays in its history.

    Not for a change of status: that is a new entry (`legal_status_add`)."""
    with transaction.atomic():
        current = _locked_entry(LegalStatus, entry, version)
        changed = _changed_fields(current, fields, LEGAL_STATUS_FIELDS)
        if not changed:
            raise DomainError(_("Nothing was changed: correct a field, or cancel."))
        _check_expiry_after_issue(current)
        current.version += 1
        save_with_history(current, actor)
        matching.index_person(current.person)  # the permit and receipt numbers are searchable
        audit.record(
            action="people.legal_status.corrected",
            obj=current,
            data={"person": current.person_id, "fields": len(changed)},
        )
    return current


def legal_status_remove(*, entry: LegalStatus, actor: User, reason: str) -> None:
    """Remove an entry recorded by mistake. Its history keeps it, with the reason."""
    reason = _removal_reason(reason)
    with transaction.atomic():
        current = _locked_entry(LegalStatus, entry, None)
        person = current.person
        entry_id = current.pk
        current._history_user = actor
        current._change_reason = reason
        current.delete()
        matching.index_person(person)
        audit.record(
            action="people.legal_status.removed",
            object_type="people.legalstatus",
            object_id=entry_id,
            site_id=person.site_id,
            data={"person": person.pk},
        )


def document_correct(
    *,
    document: IdentityDocument,
    actor: User,
    version: int | None,
    fields: dict[str, Any],
    scan: CleanUpload | None = None,
    remove_scan: bool = False,
) -> IdentityDocument:
    """Correct a mistake in a document; a new scan replaces the stored one, or the scan is removed.

    The replaced or removed file is deleted from storage after the commit (it was the wrong file, or
    a worse copy); the history keeps the values before the correction."""
    if scan is not None and remove_scan:
        raise DomainError(
            _("Either upload a new scan or remove the current one, not both."), field="remove_scan"
        )
    new_file = None
    try:
        with transaction.atomic():
            current = _locked_entry(IdentityDocument, document, version)
            changed = _changed_fields(current, fields, DOCUMENT_FIELDS)
            had_scan = bool(current.scan)
            if not changed and scan is None and not (remove_scan and had_scan):
                raise DomainError(_("Nothing was changed: correct a field, or cancel."))
            _check_expiry_after_issue(current)
            if had_scan and (scan is not None or remove_scan):
                delete_file_after_commit(current.scan)  # takes the old name before it changes
            if scan is not None:
                uploads.store(current.scan, scan)
                new_file = current.scan
                current.scan_content_type, current.scan_size = scan.content_type, scan.size
                scan_change = "replaced" if had_scan else "added"
            elif remove_scan and had_scan:
                current.scan, current.scan_content_type, current.scan_size = "", "", None
                scan_change = "removed"
            else:
                scan_change = "kept" if had_scan else "none"
            current.version += 1
            save_with_history(current, actor)
            matching.index_person(current.person)  # the document number is searchable
            audit.record(
                action="people.document.corrected",
                obj=current,
                data={"person": current.person_id, "fields": len(changed), "scan": scan_change},
            )
    except Exception:
        if new_file is not None:
            new_file.delete(save=False)  # nothing stored when the record is not
        raise
    return current


def document_remove(*, document: IdentityDocument, actor: User, reason: str) -> None:
    """Remove a document recorded by mistake, and its scan (it may be someone else's document).

    The history keeps the document's details and the reason; the file is deleted after the commit."""
    reason = _removal_reason(reason)
    with transaction.atomic():
        current = _locked_entry(IdentityDocument, document, None)
        person = current.person
        document_id = current.pk
        had_scan = bool(current.scan)
        if had_scan:
            delete_file_after_commit(current.scan)
        current._history_user = actor
        current._change_reason = reason
        current.delete()
        matching.index_person(person)
        audit.record(
            action="people.document.removed",
            object_type="people.identitydocument",
            object_id=document_id,
            site_id=person.site_id,
            data={"person": person.pk, "scan": had_scan},
        )


def privacy_notice_add(
    *,
    person: Person,
    actor: User,
    given_on: date,
    language: str,
    interpreter: str,
    purposes: Iterable[str],
) -> PrivacyNotice:
    """The notice given to the person, and the purposes they consented to on that day."""
    with transaction.atomic():
        notice = PrivacyNotice(
            site=person.site,
            person=person,
            given_on=given_on,
            language=language,
            interpreter=interpreter.strip(),
            recorded_by=actor,
        )
        save_with_history(notice, actor)
        for purpose in purposes:
            consent = Consent(
                site=person.site,
                person=person,
                purpose=purpose,
                given_on=given_on,
                notice=notice,
                recorded_by=actor,
            )
            save_with_history(consent, actor)
        audit.record(action="people.privacy_notice.added", obj=notice, data={"person": person.pk})
    return notice


def consent_withdraw(*, consent: Consent, actor: User, withdrawn_on: date) -> Consent:
    with transaction.atomic():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.withdrawn_on is not None:
            raise DomainError(_("This consent was already withdrawn."))
        if withdrawn_on < current.given_on:
            raise DomainError(_("A consent cannot be withdrawn before it was given."), field="withdrawn_on")
        current.withdrawn_on = withdrawn_on
        save_with_history(current, actor)
        audit.record(action="people.consent.withdrawn", obj=current, data={"person": current.person_id})
    return current


def note_add(*, person: Person, actor: User, category: str, text: str) -> ConfidentialNote:
    with transaction.atomic():
        note = ConfidentialNote(
            site=person.site, person=person, category=category, text=text.strip(), author=actor
        )
        save_with_history(note, actor)
        audit.record(action="people.note.added", obj=note, data={"person": person.pk})
    return note


def case_status_set(
    *, person: Person, actor: User, version: int | None, status: str, since: date, closure_reason: str = ""
) -> Person:
    if status == CaseStatus.CLOSED and not closure_reason:
        raise DomainError(_("Say why the case is closed."), field="closure_reason")
    if status != CaseStatus.CLOSED:
        closure_reason = ""
    elif closure_reason not in ClosureReason.values:
        raise DomainError(_("Choose a reason from the list."), field="closure_reason")
    with transaction.atomic():
        current = _locked(person, version)
        if since < current.case_opened_on:
            raise DomainError(_("The date is before the case was opened."), field="since")
        before = current.case_status
        current.case_status, current.case_status_since, current.closure_reason = status, since, closure_reason
        current.version += 1
        save_with_history(current, actor)
        audit.record(
            action="people.person.status_changed",
            obj=current,
            data={"from": before, "to": status, "reason": closure_reason or None},
        )
    return current


def person_transfer(*, person: Person, actor: User, version: int | None, to_site: Site) -> Person:
    """Move a case, with everything recorded about it, to another site. The explicit cross-site write."""
    if to_site.pk == person.site_id or not to_site.is_active:
        raise DomainError(_("Choose another active site."), field="to_site")
    from_site_id = person.site_id
    with transaction.atomic(), scopes_disabled():
        current = _locked(person, version)
        links = HouseholdLink.objects.filter(person=current).exclude(relative__site=to_site).count()
        for model in PERSON_CHILDREN:
            model.objects.filter(person=current).update(site=to_site)
        for model, path in _TRANSFERRED:
            model.objects.filter(**{path: current}).update(site=to_site)
        current.name_keys.update(site=to_site)
        current.site = to_site
        current.operator = None  # the receiving site assigns its own operator
        current.version += 1
        save_with_history(current, actor)
        data = {"from_site": from_site_id, "to_site": to_site.pk, "relatives_elsewhere": links}
        audit.record(action="people.person.transferred", obj=current, site_id=from_site_id, data=data)
        audit.record(action="people.person.transferred", obj=current, site_id=to_site.pk, data=data)
    return current


def person_delete(*, person: Person, actor: User) -> Person:
    """Soft delete: the record disappears from lists and search, and can be restored."""
    with transaction.atomic():
        current = _locked(person, None)
        if current.deleted_at is not None:
            raise DomainError(_("This record is already deleted."))
        current.deleted_at = timezone.now()
        current.version += 1
        save_with_history(current, actor)
        audit.record(action="people.person.deleted", obj=current)
    return current


def person_restore(*, person: Person, actor: User) -> Person:
    with transaction.atomic():
        current = _locked(person, None)
        if current.deleted_at is None:
            raise DomainError(_("This record is not deleted."))
        current.deleted_at = None
        current.version += 1
        save_with_history(current, actor)
        audit.record(action="people.person.restored", obj=current)
    return current


def birth_date_from_year(year: int) -> tuple[date, str]:
    """1 January of the year: the customary placeholder when only the year is known."""
    return date(year, 1, 1), DatePrecision.YEAR


# Blank fields of the kept record that the absorbed record can fill at a merge.
_FILLABLE = (
    "family_names",
    "native_name",
    "birth_country",
    "birth_place",
    "phone",
    "email",
    "address",
    "notional_address",
    "arrival_route",
    "tax_code",
    "tax_code_kind",
)
# Rows that move with a merge, and the fields that must stay unique per person.
_MOVABLE: list[tuple[type[Any], tuple[str, ...]]] = [
    (OtherName, ()),
    (Nationality, ("country",)),
    (SpokenLanguage, ("language",)),
    (HouseholdLink, ("relative_id",)),
    (LegalStatus, ()),
    (IdentityDocument, ()),
    (PrivacyNotice, ()),
    (Consent, ()),
    (ConfidentialNote, ()),
]
# What the apps above people (plans, jobs...) keep about a person: `register_person_records` adds
# their models, so that a transfer moves them to the other site and a merge to the kept record.
_TRANSFERRED: list[tuple[type[Any], str]] = []
_MERGE_CHECKS: list[Callable[[Person, Person], str | None]] = []


def register_person_records(
    *,
    transferred: Iterable[tuple[type[Any], str]] = (),
    merged: Iterable[type[Any] | tuple[type[Any], tuple[str, ...]]] = (),
    merge_check: Callable[[Person, Person], str | None] | None = None,
) -> None:
    """Called by an app's ready(): `transferred` are (model, path to the person) whose site follows
    the person's; `merged` models have a `person` field and move to the kept record (a model with the
    fields that are unique per person, e.g. `(TrainingEnrolment, ("training_id",))`: a row that would
    repeat one of the kept record's stays with the absorbed record); `merge_check` returns a
    translated reason to refuse a merge (e.g. both have an active plan), or None."""
    _TRANSFERRED.extend(transferred)
    _MOVABLE.extend(item if isinstance(item, tuple) else (item, ()) for item in merged)
    if merge_check is not None:
        _MERGE_CHECKS.append(merge_check)


def person_merge(*, keep: Person, absorb: Person, actor: User) -> Merge:
    """The kept record absorbs the other with everything recorded about it; the other disappears.

    Rows that would repeat one of the kept record (the same nationality or language) stay with the
    absorbed record; everything that moved is listed in the Merge so that `merge_undo` can reverse it."""
    if keep.pk == absorb.pk:
        raise DomainError(_("Choose two different records."))
    with transaction.atomic():
        keep = _locked(keep, None)
        absorb = _locked(absorb, None)
        if keep.site_id != absorb.site_id:
            raise DomainError(_("Only records of the same site can be merged."))
        if keep.merged_into_id or absorb.merged_into_id or keep.deleted_at or absorb.deleted_at:
            raise DomainError(_("A deleted or already merged record cannot be merged."))
        for check in _MERGE_CHECKS:
            if reason := check(keep, absorb):
                raise DomainError(reason)
        moved: dict[str, list[int]] = {}
        for model, unique in _MOVABLE:
            rows = list(model.objects.filter(person=absorb))
            taken = (
                {tuple(getattr(r, f) for f in unique) for r in model.objects.filter(person=keep)}
                if unique
                else set()
            )
            ids = []
            for row in rows:
                key = tuple(getattr(row, f) for f in unique)
                if unique and None not in key and key in taken:
                    continue  # an empty field (a spontaneous application has no offer) repeats nothing
                if model is HouseholdLink and row.relative_id == keep.pk:
                    continue  # would link the record to itself
                ids.append(row.pk)
            model.objects.filter(pk__in=ids).update(person=keep)
            if ids:
                moved[model._meta.label_lower] = ids
        # Relatives' links that pointed at the absorbed record now point at the kept one.
        pointing = HouseholdLink.objects.filter(relative=absorb).exclude(person=keep)
        pointing = pointing.exclude(person__in=HouseholdLink.objects.filter(relative=keep).values("person"))
        repointed = list(pointing.values_list("pk", flat=True))
        HouseholdLink.objects.filter(pk__in=repointed).update(relative=keep)
        if repointed:
            moved["people.householdlink.relative"] = repointed
        known = {o.name for o in keep.other_names.all()} | {keep.full_name}
        added = []
        for name in (absorb.full_name, *(o.name for o in absorb.other_names.all())):
            if name and name not in known:
                added.append(OtherName.objects.create(site=keep.site, person=keep, name=name).pk)
                known.add(name)
        filled = {}
        for field_name in _FILLABLE:
            if not getattr(keep, field_name) and getattr(absorb, field_name):
                filled[field_name] = getattr(keep, field_name)
                setattr(keep, field_name, getattr(absorb, field_name))
        if keep.arrival_date is None and absorb.arrival_date is not None:
            filled["arrival_date"] = None
            filled["arrival_date_precision"] = keep.arrival_date_precision
            keep.arrival_date, keep.arrival_date_precision = (
                absorb.arrival_date,
                absorb.arrival_date_precision,
            )
        keep.version += 1
        save_with_history(keep, actor)
        absorb.merged_into = keep
        absorb.version += 1
        save_with_history(absorb, actor)
        merge = Merge(
            site=keep.site,
            kept=keep,
            absorbed=absorb,
            moved=moved,
            added_names=added,
            filled_fields=filled,
            merged_by=actor,
        )
        save_with_history(merge, actor)
        matching.index_person(keep)
        matching.index_person(absorb)
        audit.record(action="people.person.merged", obj=merge, data={"kept": keep.pk, "absorbed": absorb.pk})
    return merge


def merge_undo(*, merge: Merge, actor: User) -> Person:
    """Give the absorbed record back everything that moved, and the kept record its blank fields."""
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise DomainError(_("This merge was already undone."))
        with scopes_disabled():
            keep = _locked(merge.kept, None)
            absorb = _locked(merge.absorbed, None)
        if keep.site_id != merge.site_id or absorb.site_id != merge.site_id:
            raise DomainError(
                _(
                    "The record kept was transferred to another site since: "
                    "the merge can no longer be undone here."
                )
            )
        for model, _unique in _MOVABLE:
            ids = merge.moved.get(model._meta.label_lower, [])
            model.objects.filter(pk__in=ids, person=keep).update(person=absorb)
        HouseholdLink.objects.filter(
            pk__in=merge.moved.get("people.householdlink.relative", []), relative=keep
        ).update(relative=absorb)
        for other in OtherName.objects.filter(pk__in=merge.added_names, person=keep):
            other._history_user = actor
            other.delete()
        for field_name, previous in merge.filled_fields.items():
            setattr(keep, field_name, previous)  # all were blank (empty text, or no arrival date)
        keep.version += 1
        save_with_history(keep, actor)
        absorb.merged_into = None
        absorb.version += 1
        save_with_history(absorb, actor)
        merge.undone_at, merge.undone_by = timezone.now(), actor
        save_with_history(merge, actor)
        matching.index_person(keep)
        matching.index_person(absorb)
        audit.record(
            action="people.person.merge_undone", obj=merge, data={"kept": keep.pk, "absorbed": absorb.pk}
        )
    return absorb


def ask_coordinators_about_matches(*, person: Person, actor: User) -> int:
    """Ask the coordinators of this site and of the sites holding likely duplicates to check them.

    The user who asks never learns which sites or records; the e-mail carries case numbers and
    site names only, no names. Returns how many coordinators were written to."""
    by_site = matching.duplicates_elsewhere_by_site(site=person.site, person=person)
    if not by_site:
        raise DomainError(_("No possible match at other sites any more: nothing to check."))
    with scopes_disabled():
        sites = {s.pk: s for s in Site.objects.filter(pk__in=[person.site_id, *by_site])}
        coordinators = list(
            User.objects.filter(
                is_active=True,
                memberships__is_active=True,
                memberships__role="coordinator",
                memberships__site_id__in=sites,
            ).distinct()
        )
    if not coordinators:
        raise DomainError(_("No coordinator can be reached for these sites: ask an administrator."))
    cases = [(sites[site_id].name, sorted(pks)) for site_id, pks in sorted(by_site.items())]
    with transaction.atomic():
        audit.record(
            action="people.duplicates.coordinators_asked",
            obj=person,
            data={"sites": len(by_site), "coordinators": len(coordinators)},
        )
        transaction.on_commit(
            lambda: _mail_coordinators(coordinators, person=person, actor=actor, cases=cases)
        )
    return len(coordinators)


def _mail_coordinators(
    coordinators: list[User], *, person: Person, actor: User, cases: list[tuple[str, list[int]]]
) -> None:
    for coordinator in coordinators:
        with translation.override(coordinator.preferred_language):
            others = "; ".join(
                _("%(site)s: cases %(numbers)s") % {"site": name, "numbers": ", ".join(map(str, pks))}
                for name, pks in cases
            )
            body = render_to_string(
                "people/email/possible_duplicate.txt",
                {"site": person.site.name, "case": person.pk, "actor": actor, "others": others},
            )
            send_mail(_("Percorsi: a possible duplicate to check"), body, None, [coordinator.email])
