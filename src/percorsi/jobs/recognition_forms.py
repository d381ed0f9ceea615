"""Forms of the recognition of qualifications: a qualification, a procedure's start, its steps and
its outcome. The services check the same rules again (`jobs.recognition`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from percorsi.jobs.choices import (
    DocumentHeld,
    QualificationLevel,
    RecognitionOutcome,
    RecognitionRoute,
    RecognitionStepKind,
    StepStatus,
)
from percorsi.jobs.forms import DATE, NONE
from percorsi.jobs.recognition import FIRST_YEAR
from percorsi.people.reference import country_choices

NO_DOCUMENT_ALONE = _("“No document” excludes the others: tick either it or the documents the person holds.")
DONE_NEEDS_DATE = _("A step done needs the date it was done.")
DONE_DATE_NEEDS_DONE = _("A date done goes with the status “done”: choose that status, or clear the date.")
NEGATIVE_COST = _("The cost cannot be negative: write 0 for a free step.")
OTHER_NEEDS_NOTE = _("Say what this step is in the notes.")
OUTCOME_IN_FUTURE = _("The outcome cannot be dated in the future.")
EQPR_SUGGESTED = _(
    "The person holds no document of this qualification: the European Qualifications Passport for "
    "Refugees is the route to suggest (a questionnaire and an interview assess the qualification "
    "without documents; the passport is valid for 5 years)."
)


def _countries() -> list[tuple[str, str]]:
    return [*NONE, *country_choices()]


def _not_future(message: Any) -> Any:
    def check(value: date | None) -> None:
        if value and value > timezone.localdate():
            raise forms.ValidationError(message)

    return check


def _editing(form: forms.Form, editing: bool) -> None:
    if editing:
        form.fields["version"].required = True
    else:
        del form.fields["version"]


class QualificationForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=255, help_text=_("As the diploma says, translated if need be.")
    )
    level = forms.ChoiceField(label=_("Level"), choices=[*NONE, *QualificationLevel.choices])
    field = forms.CharField(label=_("Field of study"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=_countries, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=255, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, help_text=_("The year it was earned."))
    documents = forms.MultipleChoiceField(
        label=_("Documents held"),
        choices=DocumentHeld.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _editing(self, editing)

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        last = timezone.localdate().year
        if year is not None and not FIRST_YEAR <= year <= last:
            raise forms.ValidationError(
                _("Write a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last}
            )
        return year

    def clean_documents(self) -> list[str]:
        documents = self.cleaned_data.get("documents") or []
        if DocumentHeld.NONE in documents and len(documents) > 1:
            raise forms.ValidationError(NO_DOCUMENT_ALONE)
        return list(documents)

    def qualification_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def _staff_field(form: forms.Form, name: str, staff: list[Any], blank: Any) -> None:
    form.staff = {user.pk: user for user in staff}  # type: ignore[attr-defined]
    form.fields[name].choices = [("", blank), *((user.pk, str(user)) for user in staff)]


def _goal_field(form: forms.Form, goals: list[Any]) -> None:
    form.goals = {goal.pk: goal for goal in goals}  # type: ignore[attr-defined]
    form.fields["goal"].choices = [("", _("none")), *((goal.pk, goal.description) for goal in goals)]


class ProcedureForm(forms.Form):
    """A procedure's start (the route, when, who follows it) or its later changes (no route)."""

    route = forms.ChoiceField(
        label=pgettext_lazy("recognition", "Route"),
        choices=RecognitionRoute.choices,
        widget=forms.RadioSelect,
    )
    started_on = forms.DateField(
        label=_("Started on"),
        widget=DATE,
        initial=timezone.localdate,
        validators=[_not_future(_("The procedure cannot start in the future."))],
    )
    operator = forms.TypedChoiceField(
        label=_("Who follows it"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Reminded when the procedure has had no change for 30 days (else the coordinators are)."),
    )
    goal = forms.TypedChoiceField(label=_("Goal it serves"), coerce=int, empty_value=None, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self,
        *args: Any,
        staff: list[Any],
        goals: list[Any],
        editing: bool = False,
        no_document: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _staff_field(self, "operator", staff, _("nobody in particular"))
        _goal_field(self, goals)
        _editing(self, editing)
        if editing:
            del self.fields["route"]
        elif no_document:
            self.fields["route"].help_text = EQPR_SUGGESTED
            self.fields["route"].initial = RecognitionRoute.EQPR

    def clean_operator(self) -> Any:
        chosen = self.cleaned_data.get("operator")
        if chosen is None:
            return None
        if chosen not in self.staff:  # type: ignore[attr-defined]
            raise forms.ValidationError(_("Choose someone of the site's staff."))
        return self.staff[chosen]  # type: ignore[attr-defined]

    def clean_goal(self) -> Any:
        chosen = self.cleaned_data.get("goal")
        return self.goals.get(chosen) if chosen is not None else None  # type: ignore[attr-defined]


class StepForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    due_on = forms.DateField(label=_("Due on"), widget=DATE, required=False)
    done_on = forms.DateField(
        label=_("Done on"),
        widget=DATE,
        required=False,
        validators=[_not_future(_("A step cannot be done in the future."))],
    )
    cost = forms.DecimalField(
        label=_("Cost (EUR)"),
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=_("Fees, translation, stamps, postage. Write 0 for a free step."),
    )
    documents = forms.CharField(
        label=_("Documents"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("What was sent or received, and where the originals are."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_cost(self) -> Any:
        cost = self.cleaned_data.get("cost")
        if cost is not None and cost < 0:
            raise forms.ValidationError(NEGATIVE_COST)
        return cost

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status, done_on = data.get("status"), data.get("done_on")
        if status == StepStatus.DONE and done_on is None and "done_on" not in self.errors:
            self.add_error("done_on", DONE_NEEDS_DATE)
        elif done_on is not None and status and status != StepStatus.DONE:
            self.add_error("done_on", DONE_DATE_NEEDS_DONE)
        if self.kind == RecognitionStepKind.OTHER and not data.get("notes", "").strip():
            self.add_error("notes", OTHER_NEEDS_NOTE)
        return data

    def step_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class StepAddForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Step"),
        choices=[*NONE, *RecognitionStepKind.choices],
        help_text=_("For a step not in the list, choose “other” and say what it is in the notes."),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == RecognitionStepKind.OTHER and not data.get("notes", "").strip():
            self.add_error("notes", OTHER_NEEDS_NOTE)
        return data


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[*NONE, *RecognitionOutcome.choices])
    outcome_on = forms.DateField(
        label=_("Outcome on"), widget=DATE, validators=[_not_future(OUTCOME_IN_FUTURE)]
    )
    outcome_note = forms.CharField(
        label=_("What was recognised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("For example: comparable to an Italian bachelor's degree."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def outcome_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
