"""Form rendering in Bootstrap Italia's markup, with labels, help and errors tied to each field."""

from __future__ import annotations

from typing import Any

from django.forms import BoundField, CheckboxInput, RadioSelect, Select, SelectMultiple
from django.forms.renderers import TemplatesSetting


class PercorsiBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, CheckboxInput | RadioSelect):
            css = ""
        elif isinstance(widget, Select | SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors and css:
            css += " is-invalid"
        if css:
            attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


class FormRenderer(TemplatesSetting):
    # The page shows the form's general errors once, above it (components/form_errors.html).
    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
    bound_field_class = PercorsiBoundField
