"""Template tags for the recognition of qualifications: the person's section of the work page."""

from __future__ import annotations

from django import template

from percorsi.jobs import recognition
from percorsi.jobs.choices import DocumentHeld
from percorsi.people.models import Person
from percorsi.people.reference import country_name as _country_name

register = template.Library()


@register.simple_tag
def person_recognition(person: Person) -> list[recognition.QualificationRows]:
    """The person's qualifications, each with its recognition procedures, steps and total cost."""
    return recognition.person_qualifications(person)


@register.filter
def country_name(code: str) -> str:
    """A country's name in the reader's language (the code itself when unknown)."""
    return _country_name(code) if code else ""


@register.filter
def documents_held(values: list[str]) -> list[str]:
    """The labels of the documents held, in the list's order."""
    labels = dict(DocumentHeld.choices)
    return [str(labels.get(value, value)) for value in values or []]
