"""People pages: list and search, intake, the case file and its parts, alerts."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from percorsi.core import audit
from percorsi.core.decorators import get_site_object_or_404, site_permission_required
from percorsi.core.errors import DomainError
from percorsi.core.forms import form_status
from percorsi.core.models import Site
from percorsi.core.selectors import operator_choices, site_staff
from percorsi.people import matching, reference, selectors, services
from percorsi.people.forms import (
    AlertsForm,
    CaseStatusForm,
    ConsentWithdrawForm,
    DocumentCorrectForm,
    DocumentForm,
    HouseholdForm,
    IntakeForm,
    LanguageForm,
    LegalStatusCorrectForm,
    LegalStatusForm,
    MergeForm,
    NoteForm,
    PersonForm,
    PrivacyNoticeForm,
    RemovalForm,
    SearchForm,
    TransferForm,
)
from percorsi.people.history import person_history_page
from percorsi.people.models import Consent, IdentityDocument, LegalStatus, Merge, Person

ALERTS_PAGE_SIZE = 100
PAGE_SIZE = 25


def _person(request: HttpRequest, pk: int) -> Person:
    """A person of the request's site; another site's person is a 404 with an audit entry."""
    person = get_site_object_or_404(Person, request, pk, action="people.person.accessed")
    if person.merged_into_id is not None:
        raise Http404
    return person


def live_person(request: HttpRequest, pk: int) -> Person:
    """As `_person`, for changes and for the pages of the apps above people: a 404 for a deleted
    record (restore it first) as for a merged one."""
    person = _person(request, pk)
    if person.deleted_at is not None:
        raise Http404
    return person


@require_GET
@site_permission_required("people:read")
def person_list(request: HttpRequest, site: str) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    sees_documents = request.membership.has("people:sensitive")
    people = selectors.people_found(
        site=request.site, query=query, status=status, sees_documents=sees_documents
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        action="people.person.listed",
        object_type="people.person",
        data={"page": page.number, "shown": len(page.object_list), "search": bool(query)},
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "params": params.urlencode(),
            "can_write": request.membership.has("people:write"),
            "can_export": request.membership.has("people:export"),
            "can_alerts": request.membership.has("people:sensitive"),
            "can_manage": request.membership.has("people:merge"),
            "can_unmerge": request.membership.has("people:unmerge"),
        },
    )


def _intake_data(data: dict[str, Any]) -> services.IntakeData:
    return services.IntakeData(
        given_names=data["given_names"],
        family_names=data["family_names"],
        sex=data["sex"],
        birth_date=data["birth_date"],
        birth_date_precision=data["birth_precision"],
        nationality=data["nationality"],
        phone=data["phone"],
        mother_tongue=data["mother_tongue"],
        arrival_date=data["arrival_date"],
        arrival_date_precision=data["arrival_precision"],
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:write")
def intake(request: HttpRequest, site: str) -> HttpResponse:
    """Open a case in two minutes. Likely duplicates are shown before the case is created."""
    form = IntakeForm(request.POST if request.method == "POST" else None)
    candidates: list[Any] = []
    elsewhere = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lookup = {
            "given_names": data["given_names"],
            "family_names": data["family_names"],
            "birth_date": data["birth_date"],
            "birth_date_precision": data["birth_precision"],
            "nationalities": [data["nationality"]] if data["nationality"] else [],
            "phone": data["phone"],
            "sex": data["sex"],
        }
        candidates = matching.duplicate_candidates(site=request.site, **lookup)
        elsewhere = matching.duplicates_elsewhere_count(site=request.site, **lookup)
        confirmed = data["confirm_new"]
        if (candidates or elsewhere) and request.POST.get("checked_matches") and not confirmed:
            form.add_error(
                "confirm_new",
                _("To open the case, tick the box below, or open the existing record instead."),
            )
        if (not candidates and not elsewhere) or confirmed:
            person = services.person_intake(site=request.site, actor=request.user, data=_intake_data(data))
            if elsewhere:
                request.session[f"elsewhere_{person.pk}"] = elsewhere
            messages.success(request, _("The case is open. Complete the record when you can."))
            return redirect("people:detail", site=site, pk=person.pk)
        audit.record(
            action="people.duplicates.shown",
            object_type="people.person",
            data={"candidates": len(candidates), "elsewhere": elsewhere},
        )
    return render(
        request,
        "people/intake.html",
        {"form": form, "candidates": candidates, "elsewhere": elsewhere},
        status=form_status(form),
    )


@require_GET
@site_permission_required("people:read")
def person_detail(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """The case file. Every view is audited; the sensitive parts only with `people:sensitive`."""
    sensitive = request.membership.has("people:sensitive")
    person = selectors.case_file(site=request.site, pk=pk, sensitive=sensitive)
    if person is None:
        # Merged into another record (go there), or not of this site (a 404, audited).
        merged_into = Person.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
        if merged_into:
            messages.info(request, _("Case %(old)s was merged into this one.") % {"old": pk})
            return redirect("people:detail", site=site, pk=merged_into)
        _person(request, pk)
        raise Http404
    audit.record(action="people.person.viewed", obj=person, data={"sensitive": sensitive})
    today = timezone.localdate()
    context = {
        "person": person,
        "sensitive": sensitive,
        "can_write": request.membership.has("people:write"),
        "can_manage": request.membership.has("people:merge"),
        "current_status": selectors.current_legal_status(person),
        "permit_valid_until": selectors.permit_valid_until(person, today),
        "expiries": selectors.expiries_for(person, today=today) if sensitive else [],
        # One event more than it shows: then there are more, on the timeline page.
        "timeline": selectors.full_timeline(person, request.membership, limit=selectors.TIMELINE_LATEST + 1),
        "timeline_latest": selectors.TIMELINE_LATEST,
        "panels": selectors.case_file_panels(person, request.membership),
        "nationalities": [reference.country_name(n.country) for n in person.nationalities.all()],
        "languages": [(reference.language_name(lang.language), lang) for lang in person.languages.all()],
        "birth_country": reference.country_name(person.birth_country) if person.birth_country else "",
        "age": person.age_on(today),
        "relatives": [
            (link, link.relative if link.relative.site_id == person.site_id else None)
            for link in person.household_links.all()
        ],
        "elsewhere": request.session.get(f"elsewhere_{person.pk}", 0),
    }
    return render(request, "people/person_detail.html", context)


TIMELINE_PAGE_SIZE = 50


@require_GET
@site_permission_required("people:read")
def person_timeline(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """Everything recorded about the person, newest first, a kind at a time if asked; audited as the
    case file is, with what the role may see of it."""
    sensitive = request.membership.has("people:sensitive")
    person = selectors.case_file(site=request.site, pk=pk, sensitive=sensitive)
    if person is None:
        _person(request, pk)  # another site's person: a 404 with an audit entry
        raise Http404
    events = selectors.full_timeline(person, request.membership)
    counts = Counter(event.kind for event in events)
    order = list(selectors.TIMELINE_KINDS)
    kinds = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    kind = request.GET.get("kind", "")
    if kind not in counts:
        kind = ""  # an unknown kind (an old link, a typed address): everything
    shown = [event for event in events if event.kind == kind] if kind else events
    page = Paginator(shown, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        action="people.person.timeline_viewed",
        obj=person,
        data={"sensitive": sensitive, "kind": kind, "page": page.number},
    )
    return render(
        request,
        "people/timeline.html",
        {
            "person": person,
            "page": page,
            "kind": kind,
            "total": len(events),
            "kinds": [(k, selectors.TIMELINE_KINDS.get(k, k), counts[k]) for k in kinds],
            "rows": [(event, selectors.TIMELINE_KINDS.get(event.kind, event.kind)) for event in page],
            "query": urlencode({"kind": kind}) if kind else "",
        },
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:write")
def person_edit(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS if name != "operator"}
    initial |= {
        "operator": person.operator_id,
        "version": person.version,
        "other_names": "\n".join(o.name for o in person.other_names.all()),
        "nationalities": [n.country for n in person.nationalities.all()],
    }
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        operators=operator_choices(request.site),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields = {name: data[name] for name in services.PERSON_FIELDS if name not in ("operator",)}
        fields["operator"] = next(
            (m.user for m in site_staff(site=request.site) if m.user_id == data["operator"]), None
        )
        try:
            services.person_update(
                person=person,
                actor=request.user,
                version=data["version"],
                fields=fields,
                other_names=data["other_names"],
                nationalities=data["nationalities"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("people:detail", site=site, pk=pk)
    return render(
        request, "people/person_edit.html", {"form": form, "person": person}, status=form_status(form)
    )


def _small_form_page(
    request: HttpRequest,
    *,
    person: Person,
    form: Any,
    title: str,
    action: Any,
    success: str,
    template: str = "people/small_form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page with one small form about a person: validate, call the service, back to the case file."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, success)
            return redirect("people:detail", site=request.site.slug, pk=person.pk)
    context = {"form": form, "person": person, "title": title} | (extra or {})
    return render(request, template, context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@site_permission_required("people:write")
def language_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    return _small_form_page(
        request,
        person=person,
        form=LanguageForm(request.POST if request.method == "POST" else None),
        title=_("Add a language"),
        success=_("The language was saved."),
        action=lambda d: services.language_set(
            person=person,
            actor=request.user,
            language=d["language"],
            level=d["level"],
            is_mother_tongue=d["is_mother_tongue"],
        ),
    )


@require_POST
@site_permission_required("people:write")
def language_remove(request: HttpRequest, site: str, pk: int, language_id: int) -> HttpResponse:
    person = live_person(request, pk)
    try:
        services.language_remove(person=person, actor=request.user, language_id=language_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The language was removed."))
    return redirect("people:detail", site=site, pk=pk)


@require_http_methods(["GET", "POST"])
@site_permission_required("people:write")
def household_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    form = HouseholdForm(request.POST if request.method == "POST" else None)

    def link(data: dict[str, Any]) -> None:
        relative = Person.objects.filter(pk=data["relative"], deleted_at__isnull=True).first()
        if relative is None:
            raise DomainError(_("No case with this number at this site."), field="relative")
        services.household_link_add(
            person=person, actor=request.user, relative=relative, relation=data["relation"]
        )

    return _small_form_page(
        request,
        person=person,
        form=form,
        title=_("Link a relative followed too"),
        success=_("The relative was linked."),
        action=link,
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:sensitive")
def legal_status_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    return _small_form_page(
        request,
        person=person,
        form=LegalStatusForm(request.POST if request.method == "POST" else None),
        title=_("Record a legal status"),
        success=_("The legal status was added to the history."),
        action=lambda d: services.legal_status_add(person=person, actor=request.user, fields=d),
        extra={"help": _("A new entry never replaces the earlier ones: they stay in the history.")},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:sensitive")
def document_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    form = DocumentForm(request.POST if request.method == "POST" else None, request.FILES or None)

    def add(data: dict[str, Any]) -> None:
        scan = data.pop("scan_file", None)
        services.document_add(person=person, actor=request.user, fields=data, scan=scan)

    return _small_form_page(
        request,
        person=person,
        form=form,
        title=_("Record a document"),
        success=_("The document was recorded."),
        action=add,
        extra={"multipart": True},
    )


@require_GET
@site_permission_required("people:sensitive")
def document_scan(request: HttpRequest, site: str, pk: int, document_id: int) -> FileResponse:
    """The scan, through this view only: permission-checked and audited."""
    person = _person(request, pk)
    document = IdentityDocument.objects.filter(pk=document_id, person=person).first()
    if document is None or not document.scan:
        raise Http404
    with transaction.atomic():
        audit.record(action="people.document.downloaded", obj=document, data={"person": person.pk})
    extension = document.scan.name.rsplit(".", 1)[-1]
    response = FileResponse(
        document.scan.open("rb"),
        content_type=document.scan_content_type or "application/octet-stream",
        as_attachment=request.GET.get("download") == "1",
        filename=f"document-{document.pk}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"
    return response


@require_POST
@site_permission_required("people:sensitive")
def document_replace(request: HttpRequest, site: str, pk: int, document_id: int) -> HttpResponse:
    person = live_person(request, pk)
    document = IdentityDocument.objects.filter(
        pk=document_id, person=person, replaced_at__isnull=True
    ).first()
    if document is None:
        raise Http404
    services.document_replace(document=document, actor=request.user)
    messages.success(request, _("The document is marked as no longer current."))
    return redirect("people:detail", site=site, pk=pk)


def _legal_status(person: Person, status_id: int) -> LegalStatus:
    """An entry of the person's legal status history; any other (another person's) is a 404."""
    entry = LegalStatus.objects.filter(pk=status_id, person=person).first()
    if entry is None:
        raise Http404
    return entry


def _document(person: Person, document_id: int) -> IdentityDocument:
    """A document of the person; any other (another person's) is a 404."""
    document = IdentityDocument.objects.filter(pk=document_id, person=person).first()
    if document is None:
        raise Http404
    return document


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != "version"}


@require_http_methods(["GET", "POST"])
@site_permission_required("people:sensitive")
def legal_status_edit(request: HttpRequest, site: str, pk: int, status_id: int) -> HttpResponse:
    """Correct a mistake in an entry; a change of status is a new entry (`legal_status_add`)."""
    person = live_person(request, pk)
    entry = _legal_status(person, status_id)
    initial = {name: getattr(entry, name) for name in services.LEGAL_STATUS_FIELDS}
    form = LegalStatusCorrectForm(
        request.POST if request.method == "POST" else None, initial=initial | {"version": entry.version}
    )
    return _small_form_page(
        request,
        person=person,
        form=form,
        title=_("Correct a legal status entry"),
        success=_("The entry was corrected. The history of changes keeps the values before the correction."),
        action=lambda d: services.legal_status_correct(
            entry=entry, actor=request.user, version=d["version"], fields=_without_version(d)
        ),
        template="people/entry_correct.html",
        extra={"entry": entry},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:sensitive")
def legal_status_remove(request: HttpRequest, site: str, pk: int, status_id: int) -> HttpResponse:
    """Confirm, with a reason, the removal of an entry recorded by mistake."""
    person = live_person(request, pk)
    entry = _legal_status(person, status_id)
    return _small_form_page(
        request,
        person=person,
        form=RemovalForm(request.POST if request.method == "POST" else None),
        title=_("Remove a legal status entry"),
        success=_("The entry was removed. The history of changes keeps it, with the reason."),
        action=lambda d: services.legal_status_remove(entry=entry, actor=request.user, reason=d["reason"]),
        template="people/entry_remove.html",
        extra={"entry": entry, "danger": True, "submit_label": _("Remove the entry")},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:sensitive")
def document_edit(request: HttpRequest, site: str, pk: int, document_id: int) -> HttpResponse:
    """Correct a mistake in a document; its scan is kept, replaced or removed."""
    person = live_person(request, pk)
    document = _document(person, document_id)
    initial = {name: getattr(document, name) for name in services.DOCUMENT_FIELDS}
    form = DocumentCorrectForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial=initial | {"version": document.version},
        has_scan=bool(document.scan),
    )

    def correct(data: dict[str, Any]) -> None:
        fields = {name: value for name, value in data.items() if name in services.DOCUMENT_FIELDS}
        services.document_correct(
            document=document,
            actor=request.user,
            version=data["version"],
            fields=fields,
            scan=data.get("scan_file"),
            remove_scan=data.get("remove_scan", False),
        )

    return _small_form_page(
        request,
        person=person,
        form=form,
        title=_("Correct a document"),
        success=_(
            "The document was corrected. The history of changes keeps the values before the correction."
        ),
        action=correct,
        template="people/entry_correct.html",
        extra={"document": document, "multipart": True},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:sensitive")
def document_remove(request: HttpRequest, site: str, pk: int, document_id: int) -> HttpResponse:
    """Confirm, with a reason, the removal of a document recorded by mistake, with its scan."""
    person = live_person(request, pk)
    document = _document(person, document_id)
    return _small_form_page(
        request,
        person=person,
        form=RemovalForm(request.POST if request.method == "POST" else None),
        title=_("Remove a document"),
        success=_("The document was removed. The history of changes keeps its details, with the reason."),
        action=lambda d: services.document_remove(document=document, actor=request.user, reason=d["reason"]),
        template="people/entry_remove.html",
        extra={"document": document, "danger": True, "submit_label": _("Remove the document")},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:write")
def privacy_notice_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    return _small_form_page(
        request,
        person=person,
        form=PrivacyNoticeForm(request.POST if request.method == "POST" else None),
        title=_("Privacy notice and consents"),
        success=_("The privacy notice and the consents were recorded."),
        action=lambda d: services.privacy_notice_add(
            person=person,
            actor=request.user,
            given_on=d["given_on"],
            language=d["language"],
            interpreter=d["interpreter"],
            purposes=d["purposes"],
        ),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:write")
def consent_withdraw(request: HttpRequest, site: str, pk: int, consent_id: int) -> HttpResponse:
    person = live_person(request, pk)
    consent = Consent.objects.filter(pk=consent_id, person=person).first()
    if consent is None:
        raise Http404
    return _small_form_page(
        request,
        person=person,
        form=ConsentWithdrawForm(
            request.POST if request.method == "POST" else None, initial={"withdrawn_on": timezone.localdate()}
        ),
        title=_("Withdraw the consent: %(purpose)s") % {"purpose": consent.get_purpose_display()},
        extra={"submit_label": _("Record the withdrawal")},
        success=_("The withdrawal was recorded."),
        action=lambda d: services.consent_withdraw(
            consent=consent, actor=request.user, withdrawn_on=d["withdrawn_on"]
        ),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:sensitive")
def note_add(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    return _small_form_page(
        request,
        person=person,
        form=NoteForm(request.POST if request.method == "POST" else None),
        title=_("Add a confidential note"),
        success=_("The note was added."),
        action=lambda d: services.note_add(
            person=person, actor=request.user, category=d["category"], text=d["text"]
        ),
        extra={"help": _("Only operators and coordinators read confidential notes.")},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:write")
def case_status(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    initial = {
        "status": person.case_status,
        "since": timezone.localdate(),
        "closure_reason": person.closure_reason,
        "version": person.version,
    }
    return _small_form_page(
        request,
        person=person,
        form=CaseStatusForm(request.POST if request.method == "POST" else None, initial=initial),
        title=_("Case status"),
        success=_("The case status was saved."),
        action=lambda d: services.case_status_set(
            person=person,
            actor=request.user,
            version=d["version"],
            status=d["status"],
            since=d["since"],
            closure_reason=d["closure_reason"],
        ),
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:merge")
def transfer(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    sites = [(s.pk, s.name) for s in Site.objects.filter(is_active=True).exclude(pk=request.site.pk)]
    form = TransferForm(
        request.POST if request.method == "POST" else None, initial={"version": person.version}, sites=sites
    )
    if request.method == "POST" and form.is_valid():
        to_site = Site.objects.get(pk=form.cleaned_data["to_site"])
        try:
            services.person_transfer(
                person=person, actor=request.user, version=form.cleaned_data["version"], to_site=to_site
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The case was transferred to %(site)s.") % {"site": to_site.name})
            return redirect("people:list", site=site)
    return render(
        request,
        "people/small_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Transfer the case to another site"),
            "submit_label": _("Transfer the case"),
            "help": _(
                "Everything recorded about the person moves with the case, and this site no longer sees it."
            ),
            "danger": True,
        },
        status=form_status(form),
    )


@require_POST
@site_permission_required("people:merge")
def person_delete(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        services.person_delete(person=person, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("people:detail", site=site, pk=pk)
    messages.success(request, _("The record was deleted. You can restore it from the deleted records."))
    return redirect("people:list", site=site)


@require_POST
@site_permission_required("people:merge")
def person_restore(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        services.person_restore(person=person, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The record was restored."))
    return redirect("people:detail", site=site, pk=pk)


@require_GET
@site_permission_required("people:merge")
def deleted_list(request: HttpRequest, site: str) -> HttpResponse:
    page = Paginator(selectors.deleted_people(site=request.site), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(action="people.person.listed", object_type="people.person", data={"deleted": True})
    return render(request, "people/deleted_list.html", {"page": page, "params": ""})


@require_GET
@site_permission_required("people:sensitive")
def person_history(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = _person(request, pk)
    page, rows = person_history_page(person, number=request.GET.get("page"))
    audit.record(action="people.person.history_viewed", obj=person, data={"page": page.number})
    return render(
        request,
        "people/history.html",
        {"person": person, "page": page, "rows": rows, "title": _("History of the record")},
    )


@require_GET
@site_permission_required("people:write")
def duplicates(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    lookup = {
        "given_names": person.given_names,
        "family_names": person.family_names,
        "birth_date": person.birth_date,
        "birth_date_precision": person.birth_date_precision,
        "nationalities": [n.country for n in person.nationalities.all()],
        "tax_code": person.tax_code,
        "phone": person.phone,
        "document_numbers": [d.number for d in person.documents.all() if d.number],
        "sex": person.sex,
    }
    candidates = matching.duplicate_candidates(site=request.site, exclude_pk=person.pk, **lookup)
    elsewhere = matching.duplicates_elsewhere_count(site=request.site, exclude_pk=person.pk, **lookup)
    audit.record(action="people.duplicates.checked", obj=person, data={"candidates": len(candidates)})
    return render(
        request,
        "people/duplicates.html",
        {
            "person": person,
            "candidates": candidates,
            "elsewhere": elsewhere,
            "merge_from": person.pk if request.membership.has("people:merge") else None,
        },
    )


@require_GET
@site_permission_required("people:sensitive")
def alerts(request: HttpRequest, site: str) -> HttpResponse:
    form = AlertsForm(request.GET or None)
    days = (form.cleaned_data.get("days") if form.is_valid() else None) or selectors.ALERT_DAYS_DEFAULT
    expiries = selectors.site_expiries(site=request.site, within_days=days)
    page = Paginator(expiries, ALERTS_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        action="people.alerts.viewed",
        object_type="people.person",
        data={"days": days, "page": page.number, "shown": len(page.object_list)},
    )
    # The page's rows under their headings; a section split by the pager goes on under its heading.
    coming = [e for e in page.object_list if not e.expired]
    past = [e for e in page.object_list if e.expired]
    total_past = sum(1 for e in expiries if e.expired)
    sections = [
        (coming, _("Expiring"), len(expiries) - total_past),
        (past, _("Already expired"), total_past),
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "people/alerts.html",
        {"form": form, "page": page, "sections": sections, "days": days, "params": params.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("people:merge")
def merge(request: HttpRequest, site: str, pk: int, other_pk: int) -> HttpResponse:
    """Two records side by side; the coordinator chooses the one to keep and confirms."""
    first, second = live_person(request, pk), live_person(request, other_pk)
    if first.pk == second.pk:
        raise Http404
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        initial={"keep": min(first.pk, second.pk)},
        people=[first, second],
    )
    if request.method == "POST" and form.is_valid():
        keep = first if form.cleaned_data["keep"] == first.pk else second
        absorb = second if keep is first else first
        try:
            services.person_merge(keep=keep, absorb=absorb, actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The records were merged into case %(number)s. An administrator can undo the merge.")
                % {"number": keep.pk},
            )
            return redirect("people:detail", site=site, pk=keep.pk)
    people = [selectors.case_file(site=request.site, pk=p.pk) for p in (first, second)]
    audit.record(action="people.merge.compared", obj=first, data={"other": second.pk})
    return render(
        request,
        "people/merge.html",
        {"form": form, "people": people, "person": first},
        status=form_status(form),
    )


@require_GET
@site_permission_required("people:unmerge")
def merge_list(request: HttpRequest, site: str) -> HttpResponse:
    merges = Merge.objects.filter(site=request.site).select_related(
        "kept", "absorbed", "merged_by", "undone_by"
    )
    page = Paginator(merges, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(action="people.merge.listed", object_type="people.merge", data={"page": page.number})
    return render(request, "people/merge_list.html", {"page": page, "query": ""})


@require_POST
@site_permission_required("people:unmerge")
def merge_undo(request: HttpRequest, site: str, merge_id: int) -> HttpResponse:
    record = get_site_object_or_404(Merge, request, merge_id, action="people.merge.accessed")
    try:
        services.merge_undo(merge=record, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The merge was undone: the two records are separate again."))
    return redirect("people:merges", site=site)


@require_POST
@site_permission_required("people:write")
def ask_coordinators(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """Possible matches at other sites: the coordinators (here and there) are asked to check them."""
    person = live_person(request, pk)
    try:
        count = services.ask_coordinators_about_matches(person=person, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        request.session.pop(f"elsewhere_{person.pk}", None)
        messages.success(
            request,
            ngettext(
                "The request was sent to %(count)d coordinator of the sites involved.",
                "The request was sent to %(count)d coordinators of the sites involved.",
                count,
            )
            % {"count": count},
        )
    return redirect("people:detail", site=site, pk=pk)
