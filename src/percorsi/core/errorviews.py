"""Error pages in the page shell, translated; they reveal nothing about what exists."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Without the request: the page shell's context would query the database, which may be the
    # very thing that failed.
    context = {"request_id": getattr(request, "request_id", ""), "LANGUAGE_CODE": translation.get_language()}
    return HttpResponse(render_to_string("errors/500.html", context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page opened too long ago (or from elsewhere): say what to do."""
    return render(request, "errors/403_csrf.html", status=403)
