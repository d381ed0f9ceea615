"""The CV editor: one page of forms and formsets, turned into the CV's content (`jobs.cv`) and back.

Rows of a section (work experience, education, languages, jobs wanted) are Django formsets with a
few empty rows: the page works without JavaScript; "Save and add rows" gives more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from percorsi.jobs import cv
from percorsi.jobs.choices import DrivingLicence, QualificationLevel, WorkingTime
from percorsi.jobs.models import Occupation
from percorsi.people.reference import country_choices, language_choices

CEFR_CHOICES = [("", "—"), *[(level, level) for level in cv.CEFR]]
DIGITAL_CHOICES = [
    ("", "—"),
    ("basic", _("basic user")),
    ("independent", _("independent user")),
    ("proficient", _("proficient user")),
]
PARTIAL_DATE_HELP = _("YYYY, YYYY-MM or YYYY-MM-DD: the year is enough.")
PERSONAL_LABELS = {
    "birth_date": _("date of birth"),
    "nationality": _("nationality"),
    "phone": _("phone"),
    "email": _("e-mail"),
    "address": _("address in Italy"),
    "legal_status": _("“residence permit valid until…” (only if the person asks)"),
}


def _partial_date(label: Any, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=10,
        required=required,
        help_text=PARTIAL_DATE_HELP,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2019-03", "size": 10}),
    )


def _countries() -> list[tuple[str, str]]:
    return [("", "—"), *country_choices()]


class CVMainForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    include = forms.MultipleChoiceField(
        label=_("What of the person's record goes on the CV"),
        choices=list(PERSONAL_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The name always. The legal status never, unless the person asks for it."),
    )
    headline = forms.CharField(label=_("Headline"), max_length=cv.LINE_LIMIT, required=False)
    mother_tongues = forms.MultipleChoiceField(
        label=_("Mother tongues"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    driving_licences = forms.MultipleChoiceField(
        label=_("Driving licences"),
        choices=DrivingLicence.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    digital_information = forms.ChoiceField(
        label=_("Information processing"), choices=DIGITAL_CHOICES, required=False
    )
    digital_communication = forms.ChoiceField(
        label=_("Communication"), choices=DIGITAL_CHOICES, required=False
    )
    digital_content_creation = forms.ChoiceField(
        label=_("Content creation"), choices=DIGITAL_CHOICES, required=False
    )
    digital_safety = forms.ChoiceField(label=_("Safety"), choices=DIGITAL_CHOICES, required=False)
    digital_problem_solving = forms.ChoiceField(
        label=_("Problem solving"), choices=DIGITAL_CHOICES, required=False
    )
    digital_other = forms.CharField(
        label=_("Other digital skills"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=cv.TEXT_LIMIT,
    )
    skills_communication = forms.CharField(
        label=_("Communication skills"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=cv.TEXT_LIMIT,
    )
    skills_organisational = forms.CharField(
        label=_("Organisational skills"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=cv.TEXT_LIMIT,
    )
    skills_job_related = forms.CharField(
        label=_("Job-related skills"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=cv.TEXT_LIMIT,
    )
    skills_other = forms.CharField(
        label=_("Other skills"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=cv.TEXT_LIMIT,
    )
    available_from = forms.DateField(
        label=_("Available from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    working_time = forms.ChoiceField(
        label=_("Working time wanted"), choices=[("", _("either")), *WorkingTime.choices], required=False
    )
    shifts = forms.BooleanField(label=_("Can work shifts"), required=False)
    nights = forms.BooleanField(label=_("Can work at night"), required=False)
    weekends = forms.BooleanField(label=_("Can work at weekends"), required=False)
    places = forms.CharField(
        label=_("Where the person can work"),
        max_length=cv.LINE_LIMIT,
        required=False,
        help_text=_("Towns or areas, e.g. “Roma e provincia”."),
    )
    note = forms.CharField(label=_("What changed (for the list of versions)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mother_tongues"].choices = language_choices()


def _occupation_field() -> forms.Field:
    from percorsi.jobs.widgets import OccupationField

    return OccupationField(label=_("Occupation"), required=False)


class DesiredJobForm(forms.Form):
    label = forms.CharField(label=_("Job wanted"), max_length=cv.LINE_LIMIT, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"] = _occupation_field()


class WorkForm(forms.Form):
    position = forms.CharField(label=_("Job"), max_length=cv.LINE_LIMIT, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=cv.LINE_LIMIT, required=False)
    start = _partial_date(_("From"))
    end = _partial_date(_("To"))
    current = forms.BooleanField(label=_("Still working there"), required=False)
    town = forms.CharField(label=_("Town"), max_length=cv.LINE_LIMIT, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    formal = forms.BooleanField(
        label=_("With a contract"),
        required=False,
        initial=True,
        help_text=_(
            "Untick for informal work (family business, without a contract): it is still experience."
        ),
    )
    activities = forms.CharField(
        label=_("What the work involved"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=cv.TEXT_LIMIT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _countries()
        self.fields["occupation"] = _occupation_field()
        self.order_fields(["position", "occupation"])


class EducationForm(forms.Form):
    title = forms.CharField(label=_("Qualification or course"), max_length=cv.LINE_LIMIT, required=False)
    organisation = forms.CharField(
        label=_("School or organisation"), max_length=cv.LINE_LIMIT, required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", "—"), *QualificationLevel.choices], required=False
    )
    field = forms.CharField(label=_("Field"), max_length=cv.LINE_LIMIT, required=False)
    start = _partial_date(_("From"))
    end = _partial_date(_("To"))
    town = forms.CharField(label=_("Town"), max_length=cv.LINE_LIMIT, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    activities = forms.CharField(
        label=_("Subjects and skills"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=cv.TEXT_LIMIT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _countries()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    listening = forms.ChoiceField(label=_("Listening"), choices=CEFR_CHOICES, required=False)
    reading = forms.ChoiceField(label=_("Reading"), choices=CEFR_CHOICES, required=False)
    spoken_interaction = forms.ChoiceField(
        label=_("Spoken interaction"), choices=CEFR_CHOICES, required=False
    )
    spoken_production = forms.ChoiceField(label=_("Spoken production"), choices=CEFR_CHOICES, required=False)
    writing = forms.ChoiceField(label=_("Writing"), choices=CEFR_CHOICES, required=False)
    certificates = forms.CharField(label=_("Certificates"), max_length=cv.LINE_LIMIT, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—"), *language_choices()]


EXTRA_ROWS = 1
DesiredJobFormSet = forms.formset_factory(
    DesiredJobForm, extra=EXTRA_ROWS, max_num=cv.ITEMS_LIMIT, validate_max=True
)
WorkFormSet = forms.formset_factory(WorkForm, extra=EXTRA_ROWS, max_num=cv.ITEMS_LIMIT, validate_max=True)
EducationFormSet = forms.formset_factory(
    EducationForm, extra=EXTRA_ROWS, max_num=cv.ITEMS_LIMIT, validate_max=True
)
LanguageFormSet = forms.formset_factory(
    LanguageForm, extra=EXTRA_ROWS, max_num=cv.ITEMS_LIMIT, validate_max=True
)


class CVEditor:
    """The editor's forms, bound to a POST or filled from a CV's content."""

    def __init__(
        self, data: Any = None, *, content: dict[str, Any], version: int, extra_rows: int = 0
    ) -> None:
        occupations = {
            o.uri: o
            for o in Occupation.objects.filter(
                uri__in=[
                    j["occupation"] for j in content["desired_jobs"] + content["work"] if j.get("occupation")
                ]
            )
        }
        availability, digital, skills = content["availability"], content["digital"], content["skills"]
        main_initial = {
            "version": version,
            "include": content["include"],
            "headline": content["headline"],
            "mother_tongues": content["mother_tongues"],
            "driving_licences": content["driving_licences"],
            **{f"digital_{area}": digital[area] for area in cv.DIGITAL_AREAS},
            "digital_other": digital["other"],
            **{f"skills_{kind}": skills[kind] for kind in cv.SKILL_KINDS},
            "available_from": availability["from"] if len(availability["from"]) == 10 else None,
            "working_time": availability["working_time"],
            "shifts": availability["shifts"],
            "nights": availability["nights"],
            "weekends": availability["weekends"],
            "places": availability["places"],
        }
        self.main = CVMainForm(data, initial=main_initial)

        def rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                {**entry, "occupation": occupations.get(entry.get("occupation", ""))} for entry in entries
            ]

        def formset(cls: Any, prefix: str, initial: list[dict[str, Any]]) -> Any:
            made = cls(data, initial=initial, prefix=prefix)
            if extra_rows and data is None:
                made.extra = EXTRA_ROWS + extra_rows
            return made

        self.desired = formset(DesiredJobFormSet, "desired", rows(content["desired_jobs"]))
        self.work = formset(WorkFormSet, "work", rows(content["work"]))
        self.education = formset(EducationFormSet, "education", content["education"])
        self.languages = formset(LanguageFormSet, "languages", content["languages"])

    @property
    def parts(self) -> list[Any]:
        return [self.main, self.desired, self.work, self.education, self.languages]

    def is_valid(self) -> bool:
        return all(part.is_valid() for part in self.parts)

    def content(self) -> dict[str, Any]:
        """The CV's content from the valid forms (rows left empty are dropped); `cv.parse` checks it."""
        data = self.main.cleaned_data

        def filled(formset: Any, key: str) -> list[dict[str, Any]]:
            return [
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data
                and not form.cleaned_data.get("DELETE")
                and (form.cleaned_data.get(key) or form.cleaned_data.get("occupation"))
            ]

        def occupation_of(row: dict[str, Any]) -> dict[str, str]:
            occupation = row.get("occupation")
            if occupation is None:
                return {"occupation": "", "isco": ""}
            return {"occupation": occupation.uri, "isco": occupation.isco_group_id}

        desired = []
        for row in filled(self.desired, "label"):
            label = row["label"] or (row["occupation"].display_name if row.get("occupation") else "")
            desired.append({"label": label, **occupation_of(row)})
        work = []
        for row in filled(self.work, "position"):
            position = row["position"] or (row["occupation"].display_name if row.get("occupation") else "")
            work.append(
                {
                    **{
                        k: row[k]
                        for k in (
                            "start",
                            "end",
                            "current",
                            "employer",
                            "town",
                            "country",
                            "formal",
                            "activities",
                        )
                    },
                    "position": position,
                    **occupation_of(row),
                }
            )
        return {
            "include": data["include"],
            "headline": data["headline"],
            "desired_jobs": desired,
            "work": work,
            "education": filled(self.education, "title"),
            "mother_tongues": data["mother_tongues"],
            "languages": filled(self.languages, "language"),
            "digital": {
                **{area: data[f"digital_{area}"] for area in cv.DIGITAL_AREAS},
                "other": data["digital_other"],
            },
            "driving_licences": data["driving_licences"],
            "skills": {kind: data[f"skills_{kind}"] for kind in cv.SKILL_KINDS},
            "availability": {
                "from": data["available_from"].isoformat() if data.get("available_from") else "",
                "working_time": data["working_time"],
                "shifts": data["shifts"],
                "nights": data["nights"],
                "weekends": data["weekends"],
                "places": data["places"],
            },
        }


class CVImportForm(forms.Form):
    file = forms.FileField(
        label=_("Europass CV (XML)"),
        help_text=_(
            "The XML file saved from Europass (version 3), at most 5 MB. It replaces the CV's sections; "
            "the person's record is not changed."
        ),
    )
