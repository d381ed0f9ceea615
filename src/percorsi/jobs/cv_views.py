"""The CV pages: the CV as it reads, the editor, the versions, the downloads (PDF and DOCX in
Italian or English, Europass XML) and the import of a Europass XML file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from percorsi.core import audit
from percorsi.core.decorators import site_permission_required
from percorsi.core.errors import DomainError
from percorsi.jobs import cv as cv_content
from percorsi.jobs import selectors, services
from percorsi.jobs.cv_documents import period
from percorsi.jobs.cv_forms import CVEditor, CVImportForm
from percorsi.jobs.models import CVVersion
from percorsi.jobs.views import consent_context
from percorsi.people.reference import country_name, language_name
from percorsi.people.views import live_person

IMPORT_LIMIT = 5 * 1024 * 1024
FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xml": ("application/xml", "xml"),
}


def _content(cv: Any) -> dict[str, Any]:
    return cv.current.content if cv is not None and cv.current_id else cv_content.empty()


def _readable(content: dict[str, Any]) -> dict[str, Any]:
    """The content with names for its codes, for the page."""
    return {
        **content,
        "work": [
            {
                **w,
                "country_name": country_name(w["country"]) if w["country"] else "",
                "period": period(w["start"], w["end"], w["current"]),
            }
            for w in content["work"]
        ],
        "education": [
            {
                **e,
                "country_name": country_name(e["country"]) if e["country"] else "",
                "period": period(e["start"], e["end"]),
            }
            for e in content["education"]
        ],
        "mother_tongue_names": [language_name(code) for code in content["mother_tongues"]],
        "languages": [{**entry, "name": language_name(entry["language"])} for entry in content["languages"]],
    }


@require_GET
@site_permission_required("jobs:read")
def cv_detail(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    cv = selectors.person_cv(person)
    versions = (
        list(cv.versions.select_related("created_by").only("number", "note", "created_at", "created_by"))
        if cv
        else []
    )
    shown = cv.current if cv and cv.current_id else None
    number = request.GET.get("version", "")
    if number.isdigit() and cv is not None:
        shown = next((v for v in versions if v.number == int(number)), None)
        if shown is None:
            raise Http404
        shown = CVVersion.objects.get(pk=shown.pk)
    content = shown.content if shown else cv_content.empty()
    audit.record(action="jobs.cv.viewed", obj=person, data={"version": shown.number if shown else 0})
    return render(
        request,
        "jobs/cv/detail.html",
        {
            "person": person,
            "cv": cv,
            "shown": shown,
            "content": _readable(content),
            "personal": selectors.cv_personal(person, content),
            "versions": versions,
            "can_write": request.membership.has("jobs:write"),
            **consent_context(request, person),
        },
    )


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def cv_edit(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    person = live_person(request, pk)
    cv = selectors.person_cv(person)
    version = cv.version if cv else 0
    more = request.POST.get("more") == "1"
    editor = CVEditor(
        request.POST if request.method == "POST" else None,
        content=_content(cv),
        version=version,
        extra_rows=2 if request.GET.get("more") else 0,
    )
    if request.method == "POST" and editor.is_valid():
        try:
            services.cv_save(
                person=person,
                actor=request.user,
                content=editor.content(),
                version=editor.main.cleaned_data["version"] or None,
                note=editor.main.cleaned_data["note"],
            )
        except DomainError as error:
            editor.main.add_error(None, error.message)
        except cv_content.CVError as error:
            editor.main.add_error(None, error.message)
        else:
            if more:
                messages.success(request, _("The CV was saved: add the new rows below."))
                return redirect(f"{request.path}?more=1")
            messages.success(request, _("The CV was saved."))
            return redirect("jobs:cv", site=site, pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "jobs/cv/edit.html", {"person": person, "editor": editor, "cv": cv}, status=status)


@require_GET
@site_permission_required("jobs:read")
def cv_download(request: HttpRequest, site: str, pk: int, kind: str) -> HttpResponse:
    """The current CV as a PDF or DOCX (in Italian or English: ?language=en) or Europass XML."""
    if kind not in FORMATS:
        raise Http404
    person = live_person(request, pk)
    cv = selectors.person_cv(person)
    if cv is None or not cv.current_id:
        messages.error(request, _("There is no CV to download yet: write it first."))
        return redirect("jobs:cv", site=site, pk=person.pk)
    language = request.GET.get("language", "it")
    language = language if language in ("it", "en") else "it"
    content = cv.current.content
    personal = selectors.cv_personal(person, content, language=language)
    if kind == "pdf":
        from percorsi.jobs.cv_documents import cv_pdf

        body = cv_pdf(content, personal, language=language)
    elif kind == "docx":
        from percorsi.jobs.cv_documents import cv_docx

        body = cv_docx(content, personal, language=language)
    else:
        from percorsi.jobs.europass import to_xml

        body = to_xml(content, personal, language=language)
    audit.record(
        action="jobs.cv.downloaded",
        obj=person,
        data={"format": kind, "language": language, "version": cv.current.number},
    )
    content_type, extension = FORMATS[kind]
    # The file's name says whose CV it is by case number only: names stay out of download lists.
    name = slugify(f"cv-{person.pk}-{language}") if kind != "xml" else f"cv-{person.pk}-europass"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@site_permission_required("jobs:write")
def cv_import(request: HttpRequest, site: str, pk: int) -> HttpResponse:
    """A Europass XML file into the CV, as a new version; a file that is not one changes nothing."""
    from percorsi.jobs.europass import from_xml

    person = live_person(request, pk)
    cv = selectors.person_cv(person)
    form = CVImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > IMPORT_LIMIT:
            form.add_error("file", _("The file is larger than 5 MB: this is not a Europass CV."))
        else:
            try:
                imported = from_xml(upload.read())
                content = dict(imported.content)
                # The choice of personal data stays the CV's: the file does not decide it.
                content["include"] = _content(cv)["include"]
                services.cv_save(
                    person=person,
                    actor=request.user,
                    content=content,
                    version=cv.version if cv else None,
                    note=_("Imported from a Europass file"),
                )
            except cv_content.CVError as error:
                form.add_error("file", error.message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                for warning in imported.warnings:
                    messages.warning(request, warning)
                messages.success(
                    request,
                    _("The Europass CV was imported as a new version: check it, then change what is needed."),
                )
                return redirect("jobs:cv", site=site, pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "jobs/cv/import.html", {"person": person, "form": form, "cv": cv}, status=status)
