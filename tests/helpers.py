"""Small helpers for reading pages as a user does: the text on the page, in the page's language."""

from __future__ import annotations

import html

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext


def page_text(response: HttpResponse) -> str:
    """The page's HTML with entities decoded, so that a message with an apostrophe can be found."""
    return html.unescape(response.content.decode())


def italian(message: str) -> str:
    """A message as an Italian user reads it (the interface is Italian by default)."""
    with translation.override("it"):
        return gettext(message)


def shows(response: HttpResponse, message: str) -> bool:
    """Whether the page shows `message` (an English message id) in the page's language."""
    with translation.override(response["Content-Language"]):
        return gettext(message) in page_text(response)
