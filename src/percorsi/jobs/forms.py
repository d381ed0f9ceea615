"""Forms of the job desk: offers (entered in a minute), employers, applications, placements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from percorsi.jobs.choices import (
    ApplicationStatus,
    ContractType,
    DrivingLicence,
    OfferSource,
    OfferStatus,
    PayPeriod,
    WorkingTime,
)
from percorsi.people.choices import CefrLevel
from percorsi.plans.models import Goal

TRAINEESHIP_ONLY = _(
    "A traineeship allowance goes with a traineeship: choose that contract, or leave it empty."
)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NONE = [("", "—")]


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [*NONE, *choices]


class OfferForm(forms.Form):
    """A job offer: what, who, where and what it asks. The first line is all a quick entry needs."""

    title = forms.CharField(label=_("Job"), max_length=200, help_text=_("As the offer says: “Aiuto cuoco”."))
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=200,
        required=False,
        help_text=_("A new name adds the employer to the site's list."),
        widget=forms.TextInput(attrs={"list": "employer-names", "autocomplete": "off"}),
    )
    place = forms.CharField(label=_("Place of work"), max_length=200, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=_blank(OfferSource.choices))
    source_name = forms.CharField(
        label=_("Source name"),
        max_length=200,
        required=False,
        help_text=_("The website, newspaper or agency."),
    )
    source_url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    source_date = forms.DateField(label=_("Published on"), widget=DATE, required=False)
    contract_type = forms.ChoiceField(
        label=_("Contract"), choices=_blank(ContractType.choices), required=False
    )
    working_time = forms.ChoiceField(
        label=_("Working time"), choices=_blank(WorkingTime.choices), required=False
    )
    hours_per_week = forms.IntegerField(label=_("Hours a week"), min_value=1, max_value=80, required=False)
    pay = forms.DecimalField(
        label=_("Gross pay (EUR)"), min_value=0, max_digits=9, decimal_places=2, required=False
    )
    pay_period = forms.ChoiceField(label=_("Pay period"), choices=_blank(PayPeriod.choices), required=False)
    italian_level = forms.ChoiceField(
        label=_("Italian level required"), choices=_blank(CefrLevel.choices), required=False
    )
    driving_licence = forms.ChoiceField(
        label=_("Driving licence required"), choices=_blank(DrivingLicence.choices), required=False
    )
    experience_years = forms.IntegerField(
        label=_("Years of experience required"), min_value=0, max_value=50, required=False
    )
    documents_required = forms.CharField(label=_("Documents required"), max_length=500, required=False)
    requirements = forms.CharField(
        label=_("Other requirements"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    places = forms.IntegerField(label=_("Positions"), min_value=1, max_value=1000, initial=1)
    deadline = forms.DateField(label=_("Apply by"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=OfferStatus.choices, initial=OfferStatus.OPEN)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from percorsi.jobs.widgets import OccupationField

        self.fields["occupation"] = OccupationField(label=_("Occupation"), required=False)
        # The occupation right after the job's title: the list of fields is in the page's order.
        order = [
            "title",
            "occupation",
            *[name for name in self.fields if name not in ("title", "occupation")],
        ]
        self.order_fields(order)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("pay") is not None and not data.get("pay_period"):
            self.add_error("pay_period", _("Say whether the pay is an hour, a month or a year."))
        return data

    def offer_fields(self) -> dict[str, Any]:
        names = (
            "title",
            "occupation",
            "source",
            "source_name",
            "source_url",
            "source_date",
            "place",
            "contract_type",
            "working_time",
            "hours_per_week",
            "pay",
            "pay_period",
            "italian_level",
            "driving_licence",
            "experience_years",
            "documents_required",
            "requirements",
            "places",
            "deadline",
            "status",
            "notes",
        )
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class EmployerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.CharField(label=_("Sector"), max_length=200, required=False)
    town = forms.CharField(label=_("Town"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def employer_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ApplicationForm(forms.Form):
    """An application's status and dates; for a new spontaneous one, the employer too."""

    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "employer-names", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ApplicationStatus.choices)
    status_since = forms.DateField(label=_("Since"), widget=DATE, initial=timezone.localdate)
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE, required=False)
    interview_at = forms.DateTimeField(label=_("Interview (date and time)"), widget=DATETIME, required=False)
    preparation = forms.CharField(
        label=_("Interview preparation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("What to say about past work, questions to expect, what to bring, how to get there."),
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, spontaneous: bool = False, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not spontaneous:
            del self.fields["employer_name"]
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean_interview_at(self) -> datetime | None:
        value = self.cleaned_data.get("interview_at")
        if value is not None and value.year < 2000:
            raise forms.ValidationError(_("Check the interview's date."))
        return value

    def application_fields(self) -> dict[str, Any]:
        names = ("status", "status_since", "sent_on", "interview_at", "preparation", "notes")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class PlacementForm(forms.Form):
    job_title = forms.CharField(label=_("Job"), max_length=200)
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "employer-names", "autocomplete": "off"}),
    )
    contract_type = forms.ChoiceField(label=_("Contract"), choices=_blank(ContractType.choices))
    started_on = forms.DateField(label=_("Started on"), widget=DATE)
    ends_on = forms.DateField(
        label=_("Ends on"), widget=DATE, required=False, help_text=_("Empty if open-ended.")
    )
    ended_early_on = forms.DateField(
        label=_("Ended early on"),
        widget=DATE,
        required=False,
        help_text=_("When the work stopped before its end."),
    )
    hours_per_week = forms.IntegerField(label=_("Hours a week"), min_value=1, max_value=80, required=False)
    net_monthly_pay = forms.DecimalField(
        label=_("Net monthly pay (EUR)"), min_value=0, max_digits=9, decimal_places=2, required=False
    )
    traineeship_allowance = forms.DecimalField(
        label=_("Monthly traineeship allowance (EUR)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=False,
    )
    goal = forms.TypedChoiceField(label=_("Goal it serves"), coerce=int, empty_value=None, required=False)
    goal_achieved = forms.BooleanField(label=_("Mark the goal achieved"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, goals: list[Goal], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from percorsi.jobs.widgets import OccupationField

        self.fields["occupation"] = OccupationField(label=_("Occupation"), required=False)
        self.order_fields(["job_title", "occupation"])
        self.goals = {goal.pk: goal for goal in goals}
        self.fields["goal"].choices = [("", _("none"))] + [(g.pk, g.description) for g in goals]
        if not goals:
            # No goal to serve (no plan, or a role that does not see plans): no plan fields.
            del self.fields["goal"], self.fields["goal_achieved"]
        if editing:
            self.fields["version"].required = True
            self.fields.pop("goal_achieved", None)
        else:
            del self.fields["version"]

    def clean_goal(self) -> Goal | None:
        chosen = self.cleaned_data.get("goal")
        return self.goals.get(chosen) if chosen is not None else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("traineeship_allowance") is not None
            and data.get("contract_type") != ContractType.TRAINEESHIP
        ):
            self.add_error(
                "traineeship_allowance",
                TRAINEESHIP_ONLY,
            )
        return data

    def placement_fields(self) -> dict[str, Any]:
        names = (
            "job_title",
            "occupation",
            "contract_type",
            "started_on",
            "ends_on",
            "ended_early_on",
            "hours_per_week",
            "net_monthly_pay",
            "traineeship_allowance",
            "goal",
            "notes",
        )
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class TradesForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end comes before the start."))
        return data
