"""Small helpers for reading pages as a user does: the text on the page, in the page's language."""

from __future__ import annotations

import html
from typing import Any

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


def form_fields(response: HttpResponse, form_index: int = -1) -> dict[str, Any]:
    """What a browser would send for a form of the page as it is shown (text, hidden, checked boxes,
    selected options, textareas): a test then changes what the user changes and posts it."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.forms: list[dict[str, Any]] = []
            self.select: str | None = None
            self.textarea: str | None = None

        def _add(self, name: str, value: str) -> None:
            fields = self.forms[-1]
            if name in fields:
                current = fields[name]
                fields[name] = [*current, value] if isinstance(current, list) else [current, value]
            else:
                fields[name] = value

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "form":
                self.forms.append({})
            elif not self.forms:
                return
            elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                self._add(a["name"], a.get("value", "on" if a.get("type") == "checkbox" else ""))
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and "selected" in a:
                self._add(self.select, a.get("value", ""))
            elif tag == "textarea":
                self.textarea = a.get("name")
                self.forms[-1][self.textarea or ""] = ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data: str) -> None:
            if self.textarea and self.forms:
                fields = self.forms[-1]
                # A browser drops the newline right after <textarea>.
                fields[self.textarea] += data if fields[self.textarea] else data.lstrip("\n")

    parser = Forms()
    parser.feed(response.content.decode())
    return parser.forms[form_index]
