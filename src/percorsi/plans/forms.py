from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from percorsi.people.reference import language_choices
from percorsi.plans.choices import (
    AppointmentStatus,
    GoalArea,
    GoalOwner,
    InterventionKind,
    InterventionService,
    PlanOutcome,
)
from percorsi.plans.models import Goal, Phase, PlanTemplate
from percorsi.plans.review_forms import MatrixFields

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


class PlanCloseForm(MatrixFields):
    """The outcome, and the final scores of the autonomy matrix (optional, pre-selected from the last)."""

    matrix_title = _("Final autonomy scores")
    matrix_help = _(
        "Score the matrix a last time with the person: the service's results are measured on it. "
        "It is optional; leave a domain as not assessed when it was not discussed."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("—")), *PlanOutcome.choices])
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class PlanListForm(forms.Form):
    mine = forms.BooleanField(label=_("Only the plans I am in charge of"), required=False)
    overdue = forms.BooleanField(label=_("Only plans with goals past their date"), required=False)


# --- Interventions (issue 4, item 5) --------------------------------------------------------------


QUICK_NOTE_LABEL = _("Short note")


class InterventionForm(forms.Form):
    """An entry of the log of interventions. The case file's quick entry (plans.selectors.QuickEntry)
    posts a part of these fields, validated here."""

    happened_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    service = forms.ChoiceField(label=_("Service"), choices=[("", _("—")), *InterventionService.choices])
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=InterventionKind.choices,
        initial=InterventionKind.PLANNED,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    goal = forms.TypedChoiceField(label=_("Goal it serves"), coerce=int, empty_value=None, required=False)
    operator = forms.TypedChoiceField(label=_("Done by"), coerce=int, empty_value=None, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    outcome = forms.CharField(label=_("Outcome"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self,
        *args: Any,
        goals: list[Goal],
        operators: list[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goals = {goal.pk: goal for goal in goals}
        self.operators = {user.pk: user for user in operators}
        none = [("", _("none"))]
        by_plan: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        for goal in goals:
            label = str(_("Plan from %(day)s")) % {
                "day": formats.date_format(goal.plan.started_on, "SHORT_DATE_FORMAT")
            }
            if not goal.plan.is_active:
                label += " · " + str(_("closed"))
            by_plan.setdefault(goal.plan_id, (label, []))[1].append((goal.pk, goal.description))
        self.fields["goal"].choices = none + list(by_plan.values())
        blank = _("unchanged") if editing else _("who records it")
        self.fields["operator"].choices = [("", blank), *((user.pk, str(user)) for user in operators)]
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean_goal(self) -> Goal | None:
        chosen = self.cleaned_data.get("goal")
        return self.goals.get(chosen) if chosen is not None else None

    def clean_operator(self) -> Any:
        chosen = self.cleaned_data.get("operator")
        return self.operators.get(chosen) if chosen is not None else None


class InterventionFilterForm(forms.Form):
    """The filters of the site's list of interventions (and of its export)."""

    service = forms.ChoiceField(
        label=_("Service"), choices=[("", _("all services")), *InterventionService.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("planned and emergency")), *InterventionKind.choices], required=False
    )
    operator = forms.TypedChoiceField(label=_("Done by"), coerce=int, empty_value=None, required=False)
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("To"), widget=DATE, required=False)
    person = forms.IntegerField(label=_("Case number"), min_value=1, max_value=2**63 - 1, required=False)

    def __init__(self, *args: Any, operators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [("", _("anyone")), *operators]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


# --- Appointments, tasks and "my work" (issue 4, item 6) ---------------------------------------------

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _staff_choice(staff: dict[int, Any], chosen: int | None) -> Any:
    """The chosen member of the staff (the choices come from `staff`, so an unknown id never gets here)."""
    return staff.get(chosen) if chosen is not None else None


class AppointmentForm(forms.Form):
    """Date, start and end in local time (Europe/Rome); the service gets an aware start and a duration."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("From"), widget=TIME)
    end_time = forms.TimeField(label=_("To"), widget=TIME)
    operator = forms.TypedChoiceField(label=_("Operator"), coerce=int, empty_value=None, required=False)
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("A room, an office or an address.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    goal = forms.TypedChoiceField(label=_("Goal it serves"), coerce=int, empty_value=None, required=False)
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    interpreter_language = forms.ChoiceField(label=_("Interpreter's language"), required=False)
    book_anyway = forms.BooleanField(
        label=_("Book anyway"),
        required=False,
        help_text=_("The operator is already booked at that time: tick to book this appointment too."),
    )

    def __init__(
        self,
        *args: Any,
        staff: dict[int, Any],
        goals: list[Goal],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.goals = {goal.pk: goal for goal in goals}
        self.fields["operator"].choices = [("", _("—"))] + [(pk, str(user)) for pk, user in staff.items()]
        self.fields["goal"].choices = [("", _("none"))] + [(g.pk, g.description) for g in goals]
        self.fields["interpreter_language"].choices = [("", _("—")), *language_choices()]
        if not editing:
            del self.fields["version"]

    def clean_operator(self) -> Any:
        return _staff_choice(self.staff, self.cleaned_data.get("operator"))

    def clean_goal(self) -> Goal | None:
        chosen = self.cleaned_data.get("goal")
        return self.goals.get(chosen) if chosen is not None else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The appointment must end after it starts."))
        if data.get("interpreter_needed") and not data.get("interpreter_language"):
            self.add_error("interpreter_language", _("Say which language the interpreter is needed for."))
        return data

    def appointment_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        starts = datetime.combine(data["day"], data["start_time"], tzinfo=zone)
        ends = datetime.combine(data["day"], data["end_time"], tzinfo=zone)
        return {
            "starts_at": starts,
            "duration_minutes": int((ends - starts).total_seconds() // 60),
            "operator": data["operator"],
            "place": data["place"],
            "reason": data["reason"],
            "goal": data["goal"],
            "interpreter_needed": data["interpreter_needed"],
            "interpreter_language": data["interpreter_language"] if data["interpreter_needed"] else "",
        }

    @staticmethod
    def initial_for(appointment: Any) -> dict[str, Any]:
        starts = timezone.localtime(appointment.starts_at)
        ends = starts + timedelta(minutes=appointment.duration_minutes)
        return {
            "version": appointment.version,
            "day": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "end_time": ends.time().replace(second=0, microsecond=0),
            "operator": appointment.operator_id,
            "place": appointment.place,
            "reason": appointment.reason,
            "goal": appointment.goal_id,
            "interpreter_needed": appointment.interpreter_needed,
            "interpreter_language": appointment.interpreter_language,
        }


class AppointmentStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=AppointmentStatus.choices)


CALENDAR_VIEWS = [("day", _("a day")), ("week", _("a week"))]


class CalendarForm(forms.Form):
    # Bounded: the page also computes the week around the day and the days before and after it,
    # which do not exist next to date.min and date.max (a 500 for ?day=9999-12-31).
    day = forms.DateField(
        label=_("Day"),
        widget=DATE,
        required=False,
        validators=[MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))],
    )
    view = forms.ChoiceField(label=_("Show"), choices=CALENDAR_VIEWS, required=False)
    operator = forms.TypedChoiceField(
        label=_("Whose appointments"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, operators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [("", _("everyone at the site")), *operators]


class TaskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    assignee = forms.TypedChoiceField(label=_("Who does it"), coerce=int, empty_value=None)
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, empty_value=None, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self,
        *args: Any,
        staff: dict[int, Any],
        goals: list[Goal] | None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.fields["assignee"].choices = [("", _("—"))] + [(pk, str(user)) for pk, user in staff.items()]
        self.goals = {goal.pk: goal for goal in goals or []}
        if goals is None:
            del self.fields["goal"]  # a task about no one has no goal to serve
        else:
            self.fields["goal"].choices = [("", _("none"))] + [(g.pk, g.description) for g in goals]
        if not editing:
            del self.fields["version"]

    def clean_assignee(self) -> Any:
        return _staff_choice(self.staff, self.cleaned_data.get("assignee"))

    def clean_goal(self) -> Goal | None:
        chosen = self.cleaned_data.get("goal")
        return self.goals.get(chosen) if chosen is not None else None

    def task_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("title", "due_on", "assignee", "goal", "notes")
            if name in self.cleaned_data
        }


TASK_STATE_CHOICES = [
    ("open", _("to do")),
    ("overdue", _("past their date")),
    ("done", pgettext_lazy("tasks", "done")),
    ("all", _("all")),
]


class TaskListForm(forms.Form):
    state = forms.ChoiceField(label=_("Tasks"), choices=TASK_STATE_CHOICES, required=False)
    assignee = forms.TypedChoiceField(label=_("Who does them"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("everyone at the site")), *staff]


# --- Plan templates ---------------------------------------------------------------------------


class TemplateNewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            ("suggested", _("the suggested path (five phases over two years, with goals)")),
            ("blank", _("an empty template")),
        ],
        widget=forms.RadioSelect,
        initial="suggested",
    )


class TemplateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    is_active = forms.BooleanField(
        label=_("Offered for new plans"),
        required=False,
        help_text=_("An old template stays for the plans made from it."),
    )


class TemplatePhaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(label=_("Phase"), max_length=120)
    start_month = forms.IntegerField(
        label=_("Starts at month"), min_value=0, max_value=59, help_text=_("0 is the start of the plan.")
    )
    end_month = forms.IntegerField(label=_("Ends at month"), min_value=1, max_value=60)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_month"), data.get("end_month")
        if start is not None and end is not None and end <= start:
            self.add_error("end_month", _("A phase must end at a later month than it starts."))
        return data


class TemplateGoalForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=[("", _("—")), *GoalArea.choices])
    description = forms.CharField(label=_("Goal"), max_length=300)
    indicator = forms.CharField(label=_("Indicator of success"), max_length=300, required=False)
    owner = forms.ChoiceField(label=_("Who does it"), choices=GoalOwner.choices, initial=GoalOwner.BOTH)
