"""Every field of every form page has a label a screen reader announces (the issue's accessibility list)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from percorsi.core.models import Membership
from tests.conftest import Persona


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label" and attributes.get("for"):
            self.label_for.add(str(attributes["for"]))
        if tag in {"input", "select", "textarea"} and attributes.get("type") not in {"hidden", "submit"}:
            self.fields.append(attributes)


def _unlabelled(html: str) -> list[str]:
    parser = _Fields()
    parser.feed(html)
    return [
        str(field.get("name"))
        for field in parser.fields
        if field.get("id") not in parser.label_for and not field.get("aria-label")
    ]


PAGES: list[tuple[str | None, str, dict[str, str]]] = [
    (None, "accounts:login", {}),
    (None, "accounts:password_reset", {}),
    ("operator_a", "accounts:password_change", {}),
    ("coordinator_a", "core:staff_new", {"site": "roma"}),
    ("coordinator_a", "core:staff_edit", {"site": "roma"}),
    ("admin_a", "core:site_settings", {"site": "roma"}),
    ("auditor_a", "core:audit_log", {"site": "roma"}),
]


@pytest.mark.parametrize(("persona", "name", "kwargs"), PAGES, ids=[name for _p, name, _k in PAGES])
def test_every_field_has_a_label(
    persona: str | None,
    name: str,
    kwargs: dict[str, str],
    client_for: Callable[[str], Client],
    personas: dict[str, Persona],
) -> None:
    if name == "core:staff_edit":
        kwargs = {**kwargs, "pk": str(Membership.objects.get(user=personas["operator_a"].user).pk)}
    client = Client() if persona is None else client_for(persona)
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Fields()
    parser.feed(html)
    assert parser.fields, "the page shows no form fields"
    assert _unlabelled(html) == []
