from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from percorsi.core import audit_labels
from percorsi.core.models import AuditOutcome
from percorsi.core.permissions import ASSIGNABLE_ROLES, Role


def add_domain_error(form: forms.BaseForm, error: Any, fields: dict[str, str] | None = None) -> None:
    """A service's refusal (a DomainError) shown on the form: under its field when the form has it
    (`fields` maps the service's field names to the form's where they differ), else above the form."""
    name = (fields or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, error.message)


def form_status(form: forms.BaseForm) -> int:
    """The HTTP status of a page with a form: 400 when a submitted form has errors, else 200."""
    return 400 if form.is_bound and form.errors else 200


class VersionedForm(forms.Form):
    """A form that carries the version of the record it edits, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SiteForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    city = forms.CharField(label=_("City"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)


def _role_choices(actor_role: str) -> list[tuple[str, Any]]:
    allowed = ASSIGNABLE_ROLES.get(actor_role, ())
    return [(value, label) for value, label in Role.choices if value in allowed]


class StaffAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    preferred_language = forms.ChoiceField(
        label=_("Language of the interface"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )

    def __init__(self, *args: Any, actor_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor_role)

    def clean_email(self) -> str:
        # Stored in lower case: check the address again in that form (some letters grow when lowered).
        email = self.cleaned_data["email"].strip().lower()
        for validator in self.fields["email"].validators:
            validator(email)
        if len(email) > 254:
            raise forms.ValidationError(_("The address is too long."))
        return email


class MembershipForm(VersionedForm):
    role = forms.ChoiceField(label=_("Role"))
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("Clear it to stop this person's access to the site.")
    )

    def __init__(self, *args: Any, actor_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor_role)


def audited_object_types() -> list[tuple[str, str]]:
    """The kinds of records of Percorsi's own apps, by name, for the audit filter."""
    kinds = [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
        for model in apps.get_models()
        if model.__module__.startswith("percorsi.") and not model.__name__.startswith("Historical")
    ]
    return sorted(kinds, key=lambda pair: pair[1].lower())


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any")), *AuditOutcome.choices]
    )
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    object_type = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_id = forms.CharField(label=_("Record number"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Anyone")), *actors]
        self.fields["action"].choices = [("", _("Any")), *audit_labels.action_choices()]
        self.fields["object_type"].choices = [("", _("Any")), *audited_object_types()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not (date(2000, 1, 1) <= day <= date(2100, 12, 31)):
                self.add_error(name, _("Choose a date between 2000 and 2100."))
                data[name] = None
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
