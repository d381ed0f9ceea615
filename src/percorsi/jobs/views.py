"""The job desk's pages: its home (what is open at the desk today)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from percorsi.core.decorators import site_permission_required


@require_GET
@site_permission_required("jobs:read")
def desk(request: HttpRequest, site: str) -> HttpResponse:
    """The job desk's home: where each part of the desk's work starts."""
    return render(request, "jobs/desk.html", {})
