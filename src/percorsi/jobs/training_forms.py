"""Forms of the training catalogue: a training, a training suggested to a person, its status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from percorsi.jobs.choices import EnrolmentStatus
from percorsi.jobs.forms import DATE, _blank
from percorsi.jobs.models import IscoGroup, Training
from percorsi.jobs.widgets import OccupationField
from percorsi.people.choices import CefrLevel
from percorsi.plans.models import Goal

NOT_HTTP = _("The link must be a web address starting with http:// or https://.")
NEGATIVE_COST = _("The cost cannot be negative: write 0 for a free training.")
DATES_REVERSED = _("The training cannot end before it starts: check the dates.")


class TrainingForm(forms.Form):
    """A training of the catalogue: what, who runs it, where and when, what it asks and costs."""

    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("As the provider calls it."))
    provider = forms.CharField(
        label=_("Provider"), max_length=200, help_text=_("The school, training body or company.")
    )
    occupation = OccupationField(label=_("Occupation"), required=False)
    sector = forms.ChoiceField(label=_("Sector (ISCO-08)"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=5000, required=False)
    cost = forms.DecimalField(
        label=_("Cost (EUR)"),
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=_("0 or empty if free."),
    )
    language_level = forms.ChoiceField(
        label=_("Italian level required"), choices=_blank(CefrLevel.choices), required=False
    )
    documents_required = forms.CharField(
        label=_("Documents required"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000, required=False)
    application_deadline = forms.DateField(label=_("Application deadline"), widget=DATE, required=False)
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": NOT_HTTP},
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_active = forms.BooleanField(
        label=_("In the catalogue"),
        required=False,
        initial=True,
        help_text=_("Clear it to stop suggesting this training: its enrolments and history stay."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sectors = {group.code: group for group in IscoGroup.objects.filter(level=2).order_by("code")}
        self.fields["sector"].choices = [("", "—")] + [
            (code, f"{code} {group.label}") for code, group in self.sectors.items()
        ]
        self.fields["sector"].error_messages["invalid_choice"] = _("Choose the sector from the list.")
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean_cost(self) -> Decimal:
        cost = self.cleaned_data.get("cost")
        if cost is None:
            return Decimal(0)
        if cost < 0:
            raise forms.ValidationError(NEGATIVE_COST)
        return cost

    def clean_link(self) -> str:
        link = self.cleaned_data.get("link", "")
        if link and not link.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(NOT_HTTP)
        return link

    def clean_sector(self) -> IscoGroup | None:
        code = self.cleaned_data.get("sector")
        return self.sectors.get(code) if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", DATES_REVERSED)
        return data

    def training_fields(self) -> dict[str, Any]:
        from percorsi.jobs.training import TRAINING_FIELDS

        return {name: self.cleaned_data[name] for name in TRAINING_FIELDS if name in self.cleaned_data}

    @staticmethod
    def initial_for(training: Training) -> dict[str, Any]:
        from percorsi.jobs.training import TRAINING_FIELDS

        initial = {name: getattr(training, name) for name in TRAINING_FIELDS}
        initial["sector"] = training.sector_id or ""
        initial["version"] = training.version
        return initial


def _day(day: date | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _goal_choices(goals: list[Goal]) -> list[tuple[Any, Any]]:
    return [("", _("none"))] + [(goal.pk, goal.description) for goal in goals]


class SuggestForm(forms.Form):
    """A training suggested to a person: which one, the goal of their plan it serves, a note."""

    training = forms.TypedChoiceField(
        label=_("Training"),
        coerce=int,
        error_messages={
            "required": _("Choose a training of the catalogue."),
            "invalid_choice": _(
                "Choose a training of the catalogue: those out of the catalogue or already over cannot "
                "be suggested."
            ),
        },
    )
    goal = forms.TypedChoiceField(
        label=_("Goal it serves"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("A goal of the person's active plan, if the training serves one."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, trainings: list[Training], goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trainings = {training.pk: training for training in trainings}
        self.goals = {goal.pk: goal for goal in goals}
        self.fields["training"].choices = [("", "—")] + [
            (t.pk, " · ".join(filter(None, [t.title, t.provider, _day(t.starts_on)]))) for t in trainings
        ]
        self.fields["goal"].choices = _goal_choices(goals)
        self.fields["goal"].error_messages["invalid_choice"] = _("Choose a goal of this person's plan.")
        if not goals:
            del self.fields["goal"]

    def clean_training(self) -> Training:
        return self.trainings[self.cleaned_data["training"]]

    def clean_goal(self) -> Goal | None:
        chosen = self.cleaned_data.get("goal")
        return self.goals.get(chosen) if chosen is not None else None


class EnrolmentForm(forms.Form):
    """How the suggested training went: its status with the date, the certificate, goal and notes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=EnrolmentStatus.choices)
    status_since = forms.DateField(label=_("Since"), widget=DATE)
    certificate = forms.BooleanField(
        label=_("Certificate obtained"),
        required=False,
        help_text=_("Only for a completed training."),
    )
    goal = forms.TypedChoiceField(label=_("Goal it serves"), coerce=int, empty_value=None, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = {goal.pk: goal for goal in goals}
        self.fields["goal"].choices = _goal_choices(goals)
        self.fields["goal"].error_messages["invalid_choice"] = _("Choose a goal of this person's plan.")

    def clean_goal(self) -> Goal | None:
        chosen = self.cleaned_data.get("goal")
        return self.goals.get(chosen) if chosen is not None else None

    def enrolment_fields(self) -> dict[str, Any]:
        names = ("status", "status_since", "certificate", "goal", "notes")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
