"""Forms for reviews with the person, the person's agreement to the plan and the autonomy matrix.

The matrix is ten radio groups (levels 1 to 5, or not assessed), each level with its descriptor on
the page; `MatrixFields` adds them to any form (a review, an assessment, the closing of a plan)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from percorsi.people import uploads
from percorsi.people.reference import language_choices
from percorsi.plans.choices import AssessmentOccasion
from percorsi.plans.matrix import DOMAINS, LEVEL_NAMES, LEVELS, Domain
from percorsi.plans.models import AutonomyAssessment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_PREFIX = "score_"
SCAN_HELP = _("PDF, JPEG or PNG, at most 10 MB.")


@dataclass(frozen=True)
class Level:
    value: str  # "" for not assessed
    label: Promise | str
    descriptor: Promise | str
    checked: bool
    id: str


@dataclass(frozen=True)
class MatrixRow:
    domain: Domain
    field: forms.BoundField
    previous: int | None
    levels: list[Level]


class MatrixFields(forms.Form):
    """The ten domains of the matrix as fields `score_<domain>`, the previous scores pre-selected."""

    template_name = "plans/_matrix_form.html"
    matrix_title: Promise = _("Autonomy matrix")
    matrix_help: Promise = _(
        "Score each domain from 1 (acute problems) to 5 (fully self-sufficient) with the person; "
        "leave a domain as not assessed when it was not discussed."
    )

    def __init__(self, *args: Any, previous: AutonomyAssessment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous = previous
        previous_scores = previous.scores() if previous is not None else {}
        for domain in DOMAINS:
            name = SCORE_PREFIX + domain.key
            self.fields[name] = forms.TypedChoiceField(
                label=domain.label,
                choices=[("", _("not assessed")), *((level, str(level)) for level in LEVELS)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=previous_scores.get(domain.key),
                error_messages={"invalid_choice": _("Choose a level from 1 to 5, or not assessed.")},
            )

    def scores(self) -> dict[str, int | None]:
        return {domain.key: self.cleaned_data.get(SCORE_PREFIX + domain.key) for domain in DOMAINS}

    def detail_fields(self) -> list[forms.BoundField]:
        return [bf for bf in self.visible_fields() if not bf.name.startswith(SCORE_PREFIX)]

    def matrix_rows(self) -> list[MatrixRow]:
        previous = self.previous.scores() if self.previous is not None else {}
        rows = []
        for domain in DOMAINS:
            bound = self[SCORE_PREFIX + domain.key]
            value = bound.value()
            chosen = "" if value in (None, "") else str(value)
            levels = [
                Level(
                    "",
                    _("not assessed"),
                    _("not discussed or not known"),
                    chosen == "",
                    f"{bound.auto_id}_0",
                )
            ]
            levels += [
                Level(
                    str(level),
                    LEVEL_NAMES[level],
                    domain.descriptor(level),
                    chosen == str(level),
                    f"{bound.auto_id}_{level}",
                )
                for level in LEVELS
            ]
            rows.append(MatrixRow(domain, bound, previous.get(domain.key), levels))
        return rows


class ReviewForm(MatrixFields):
    held_on = forms.DateField(label=_("Held on"), widget=DATE, initial=timezone.localdate)
    participants = forms.CharField(
        label=_("Who took part"),
        max_length=300,
        required=False,
        help_text=_("Besides the person: the operator, family members, other services."),
    )
    interpreter = forms.CharField(
        label=_("Interpreter"),
        max_length=150,
        required=False,
        help_text=_("Name or service; leave empty if there was none."),
    )
    language = forms.ChoiceField(label=_("Language of the meeting"), required=False)
    person_view = forms.CharField(
        label=_("The person's view, in their words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What the person says about the path so far and what they want next."),
    )
    agreed = forms.CharField(
        label=_("What was agreed"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    goals_changed = forms.CharField(
        label=_("Goals changed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Goals added, dropped or moved at this review; change them in the plan too."),
    )
    person_agreed = forms.BooleanField(label=_("The person agrees with the review"), required=False)
    agreement_language = forms.ChoiceField(label=_("Agreed in the language"), required=False)
    agreement_scan = forms.FileField(
        label=_("Signed document (optional)"), required=False, help_text=SCAN_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = [("", _("—")), *language_choices()]
        self.fields["language"].choices = languages
        self.fields["agreement_language"].choices = languages
        self.fields["agreement_language"].help_text = _("If empty, the language of the meeting.")

    def clean_agreement_scan(self) -> uploads.CleanUpload | None:
        uploaded = self.cleaned_data.get("agreement_scan")
        return uploads.clean_upload(uploaded) if uploaded else None

    def review_fields(self) -> dict[str, Any]:
        """The review's own fields (the scores and the scan go to the service separately)."""
        names = (
            "held_on",
            "participants",
            "interpreter",
            "language",
            "person_view",
            "agreed",
            "goals_changed",
            "person_agreed",
            "agreement_language",
        )
        return {name: self.cleaned_data[name] for name in names}


class PlanAgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE, initial=timezone.localdate)
    language = forms.ChoiceField(label=_("Agreed in the language"))
    agreement_scan = forms.FileField(label=_("Signed plan (optional)"), required=False, help_text=SCAN_HELP)

    def __init__(self, *args: Any, has_scan: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("—")), *language_choices()]
        if has_scan:
            self.fields["agreement_scan"].label = _("Replace the signed plan (optional)")
            self.fields["agreement_scan"].help_text = _(
                "Leave it empty to keep the signed plan already stored. PDF, JPEG or PNG, at most 10 MB."
            )

    def clean_agreement_scan(self) -> uploads.CleanUpload | None:
        uploaded = self.cleaned_data.get("agreement_scan")
        return uploads.clean_upload(uploaded) if uploaded else None


class AssessmentForm(MatrixFields):
    """An assessment on its own: at intake, or on another occasion (reviews and closing have theirs)."""

    occasion = forms.ChoiceField(
        label=_("When"),
        choices=[
            (AssessmentOccasion.INTAKE.value, AssessmentOccasion.INTAKE.label),
            (AssessmentOccasion.OTHER.value, AssessmentOccasion.OTHER.label),
        ],
        widget=forms.RadioSelect,
        initial=AssessmentOccasion.INTAKE.value,
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, initial=timezone.localdate)
