"""Country and language names in the user's language, for the people pages."""

from django import template

from percorsi.people import reference

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return reference.country_name(code) if code else ""


@register.filter
def language_name(code: str) -> str:
    return reference.language_name(code) if code else ""
