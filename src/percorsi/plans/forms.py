from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from percorsi.plans.choices import PlanOutcome
from percorsi.plans.models import Goal, Phase, PlanTemplate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanStartForm(forms.Form):
    template = forms.TypedChoiceField(
        label=_("Start from"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "The template's phases and goals are copied into the plan; change them afterwards as needed."
        ),
    )
    started_on = forms.DateField(label=_("Start date"), widget=DATE, initial=timezone.localdate)
    operator = forms.TypedChoiceField(
        label=_("Operator in charge"), coerce=int, empty_value=None, required=False
    )
    review_every_months = forms.IntegerField(
        label=_("Review with the person every (months)"), min_value=1, max_value=12, initial=3
    )

    def __init__(
        self, *args: Any, templates: list[PlanTemplate], operators: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("an empty plan"))] + [(t.pk, t.name) for t in templates]
        if templates:
            self.fields["template"].initial = templates[0].pk
        self.fields["operator"].choices = [("", _("—")), *operators]


class GoalForm(forms.ModelForm):
    # A choice among the plan's phases (declared here: a model field's queryset would be read
    # outside a site scope when the form class is built).
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int, empty_value=None, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, phases: list[Phase], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phases = {phase.pk: phase for phase in phases}
        self.fields["phase"].choices = [("", _("no phase"))] + [(p.pk, p.name) for p in phases]
        if not editing:
            for name in ("status", "status_reason", "version"):
                del self.fields[name]
        else:
            self.fields["version"].required = True
            self.fields["status_reason"].help_text = _(
                "Needed when the goal was not achieved or was dropped."
            )

    def clean_phase(self) -> Phase | None:
        chosen = self.cleaned_data.get("phase")
        return self.phases.get(chosen) if chosen is not None else None

    class Meta:
        model = Goal
        fields = [
            "area",
            "description",
            "indicator",
            "target_date",
            "owner",
            "other_service",
            "status",
            "status_reason",
        ]
        widgets = {"target_date": DATE}

    field_order = ["area", "description", "indicator", "phase", "target_date", "owner", "other_service"]


class PhaseForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Phase
        fields = ["name", "description", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The phase cannot end before it starts."))
        return data


class PlanCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("—")), *PlanOutcome.choices])
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class PlanListForm(forms.Form):
    mine = forms.BooleanField(label=_("Only the plans I am in charge of"), required=False)
    overdue = forms.BooleanField(label=_("Only plans with goals past their date"), required=False)
