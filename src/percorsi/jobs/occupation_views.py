"""The occupation search: a page of its own, and the results the occupation picker (widgets.py) asks
for as the user types."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from percorsi.core.decorators import site_permission_required
from percorsi.jobs import occupations

PAGE_RESULTS = 25
PICKER_RESULTS = 10
# The picker sends its field's name, so that its choices carry it (a form prefix included).
_PICKER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


@require_GET
@site_permission_required("jobs:read")
def occupation_search(request: HttpRequest, site: str) -> HttpResponse:
    """Occupations by name, Italian or English: the page with its form, or, for htmx, its results
    (`?q=`), or the picker's choices (`?picker=<field>&<field>_q=`)."""
    picker = request.GET.get("picker", "")
    if not _PICKER_NAME.fullmatch(picker):
        picker = ""
    query = request.GET.get(f"{picker}_q" if picker else "q", "")
    too_long = len(query) > occupations.MAX_QUERY_LENGTH
    words = [] if too_long else occupations.query_words(query)
    limit = PICKER_RESULTS if picker else PAGE_RESULTS
    results = occupations.search(query, limit=limit) if words else []
    names = occupations.group_names() if results and not picker else {}
    for occupation in results:
        occupation.isco_path = occupations.isco_path(occupation.isco_group_id, names)
    context = {
        "query": query.strip(),
        "searched": bool(words),
        "too_long": too_long,
        "max_length": occupations.MAX_QUERY_LENGTH,
        "results": results,
        "limit": limit,
        "picker": picker,
    }
    template = "jobs/occupations/search.html"
    if request.htmx and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        template += "#choices" if picker else "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
