"""The occupation picker: a form field that stores an ESCO occupation, chosen from a search box.

Use `OccupationField` in any form that asks for an occupation (job offers, training, CVs,
placements); see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_scopes import get_scope

from percorsi.jobs import occupations
from percorsi.jobs.models import Occupation


class OccupationInput(NamedTuple):
    """What the picker sends: the chosen occupation's pk (hidden input), the text in the search box
    (None when the request has no such field: a form posted by code with only the pk) and the
    result chosen in the list (radio buttons, which also work without JavaScript)."""

    pk: str
    text: str | None
    choice: str


@dataclass(frozen=True)
class Resolution:
    occupation: Occupation | None
    problem: str = ""  # "", or the key of the field's error message
    text: str = ""


def _by_pk(pk: Any) -> Occupation | None:
    try:
        return Occupation.objects.select_related("isco_group").filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def resolve(value: Any) -> Resolution:
    """The occupation a picker's value stands for, or why there is none.

    The result chosen in the list wins; then the chosen occupation, if the search box still shows
    one of its names; then the occupation whose name the box holds exactly (how the picker works
    without JavaScript). An empty box is no occupation."""
    if isinstance(value, Occupation):
        return Resolution(value, text=value.display_name)
    if value is None or value == "":
        return Resolution(None)
    if not isinstance(value, OccupationInput):
        value = OccupationInput(pk=str(value), text=None, choice="")
    if value.text is not None and len(value.text) > occupations.MAX_QUERY_LENGTH:
        return Resolution(None, "too_long", value.text)
    if value.choice:
        chosen = _by_pk(value.choice)
        return Resolution(chosen, "" if chosen else "invalid_choice", value.text or "")
    if value.text is None:
        if not value.pk:
            return Resolution(None)
        chosen = _by_pk(value.pk)
        return Resolution(chosen, "" if chosen else "invalid_choice")
    name = occupations.fold(value.text)
    if not name:
        return Resolution(None, text=value.text)
    if value.pk:
        chosen = _by_pk(value.pk)
        if chosen is not None and f"| {name} |" in chosen.search_text:
            return Resolution(chosen, text=value.text)
    found = occupations.named(value.text)
    if len(found) == 1:
        return Resolution(found[0], text=value.text)
    return Resolution(None, "ambiguous" if found else "no_match", value.text)


def _search_url() -> str:
    site = get_scope().get("site")
    if site is None:
        return ""
    try:
        return reverse("jobs:occupations", kwargs={"site": site.slug})
    except NoReverseMatch:
        return ""


class OccupationWidget(forms.Widget):
    """A search box that asks `jobs:occupations` for results as the user types (htmx), a list of
    radio buttons to choose from, and a hidden input with the chosen occupation's pk."""

    template_name = "jobs/occupations/widget.html"
    results = 10

    def __init__(self, attrs: dict[str, Any] | None = None, *, search_url: str | None = None) -> None:
        super().__init__(attrs)
        self.search_url = search_url

    def value_from_datadict(self, data: Any, files: Any, name: str) -> OccupationInput:
        text = data.get(f"{name}_q")
        return OccupationInput(
            pk=str(data.get(name) or "").strip(),
            text=None if text is None else str(text),
            choice=str(data.get(f"{name}_choice") or "").strip(),
        )

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(key not in data for key in (name, f"{name}_q", f"{name}_choice"))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        resolution = resolve(value)
        chosen = resolution.occupation
        typed = isinstance(value, OccupationInput) and value.text is not None and not value.choice
        text = capfirst(chosen.display_name) if chosen is not None and not typed else resolution.text
        results = None
        if chosen is None and typed and occupations.query_words(text) and resolution.problem != "too_long":
            # The list a browser without JavaScript shows after saving: choose, then save again.
            results = occupations.search(text, limit=self.results)
        element_id = widget["attrs"].get("id") or f"occupation-{name}"
        described = [f"{element_id}-hint", f"{element_id}-chosen"]
        if widget["attrs"].get("aria-describedby"):
            described.insert(0, widget["attrs"]["aria-describedby"])
        attrs = {key: v for key, v in widget["attrs"].items() if key not in {"type", "name", "value"}}
        attrs.update(
            {
                "id": element_id,
                "aria-describedby": " ".join(described),
                "aria-controls": f"{element_id}-results",
                "autocomplete": "off",
                "spellcheck": "false",
                "maxlength": str(occupations.MAX_QUERY_LENGTH),
            }
        )
        url = self.search_url if self.search_url is not None else _search_url()
        if url:
            attrs.update(
                {
                    "hx-get": f"{url}?{urlencode({'picker': name})}",
                    "hx-trigger": "input changed delay:150ms, search",
                    "hx-target": f"#{element_id}-results",
                    "hx-sync": "this:replace",
                }
            )
        widget.update(
            {
                "attrs": attrs,
                "element_id": element_id,
                "text": text,
                "chosen": chosen,
                "results": results,
                "max_length": occupations.MAX_QUERY_LENGTH,
            }
        )
        return context


class OccupationField(forms.ModelChoiceField):
    """An occupation (ESCO, with its ISCO-08 unit group), chosen with a search box.

    The user types a few letters of the name, in Italian or English ("cuoco", "cook", "aiuto
    cuoco", "mulett"); the results appear below the box as radio buttons (keyboard: arrow down from
    the box, then the arrows; Enter in the box takes the first result). `cleaned_data` holds the
    `Occupation`, or None when the field is not required and left empty. The results come from
    `jobs:occupations` of the request's site (found through the active scope), so the form needs no
    extra argument inside a site page; pass `search_url=` elsewhere.

    Without JavaScript the box is plain text: on saving, a name typed exactly ("Cuoco") is taken;
    otherwise the field's error asks to choose among the closest occupations, listed as radio
    buttons, and the form is sent again.

    Example::

        from percorsi.jobs.widgets import OccupationField

        class JobOfferForm(forms.Form):
            occupation = OccupationField(label=_("Occupation"), required=False)

        # In a ModelForm, for a ForeignKey to Occupation: declare the field the same way, with
        # initial=instance.occupation (or its pk) as for any ModelChoiceField.
        form.cleaned_data["occupation"]  # -> Occupation | None
        form.cleaned_data["occupation"].isco_group_id  # -> "5120"

    A form posted by code may send just the pk (`{"occupation": occupation.pk}`), as for a
    ModelChoiceField. Render the form as usual (`{{ form }}` or `{{ field.as_field_group }}`): the
    widget brings its own script (static/percorsi/js/occupation-picker.js, loaded once).
    """

    widget = OccupationWidget
    default_error_messages = {
        "required": _("Choose an occupation: type a few letters of its name, then choose from the list."),
        "invalid_choice": _("That occupation is not in the list: search for it again and choose it."),
        "no_match": _(
            "No occupation is called “%(text)s”. Choose one of those listed, or try other words, "
            "in Italian or in English."
        ),
        "ambiguous": _("Several occupations are called “%(text)s”: choose one of those listed."),
        "too_long": _("Type at most %(max)s characters."),
    }

    def __init__(
        self, queryset: QuerySet[Occupation] | None = None, *, search_url: str | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("empty_label", None)
        if queryset is None:
            queryset = Occupation.objects.select_related("isco_group")
        super().__init__(queryset, **kwargs)
        if search_url is not None:
            self.widget.search_url = search_url

    def to_python(self, value: Any) -> Occupation | None:
        resolution = resolve(value)
        if resolution.problem:
            raise ValidationError(
                self.error_messages[resolution.problem],
                code=resolution.problem,
                params={"text": resolution.text.strip(), "max": occupations.MAX_QUERY_LENGTH},
            )
        if resolution.occupation is None:
            return None
        # The field's own queryset decides what may be chosen (limit_choices_to and the like).
        return super().to_python(resolution.occupation.pk)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        old = initial.pk if isinstance(initial, Model) else initial
        return str(new.pk if new is not None else "") != str(old if old not in (None, "") else "")
