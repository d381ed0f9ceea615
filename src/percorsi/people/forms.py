from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from percorsi.core.forms import VersionedForm
from percorsi.people import reference, taxcode, uploads
from percorsi.people.choices import (
    ArrivalRoute,
    CaseStatus,
    CefrLevel,
    ClosureReason,
    ConsentPurpose,
    DatePrecision,
    DocumentKind,
    LegalStatusKind,
    NoteCategory,
    Relation,
    Sex,
)
from percorsi.people.models import ConfidentialNote, IdentityDocument, LegalStatus
from percorsi.people.services import REMOVAL_REASON_MAX_LENGTH

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def _countries() -> list[tuple[str, str]]:
    return _blank(_("—")) + reference.country_choices()


def _languages() -> list[tuple[str, str]]:
    return _blank(_("—")) + reference.language_choices()


def _not_future(value: date | None) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("The date is in the future."))


def _clean_phone(raw: str) -> str:
    return reference.normalise_phone(raw) if raw.strip() else ""


class IntakeForm(forms.Form):
    """The two-minute intake: enough to open the case and look for duplicates."""

    given_names = forms.CharField(label=_("Given names"), max_length=150)
    family_names = forms.CharField(label=_("Family names"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE, validators=[_not_future])
    birth_year = forms.IntegerField(
        label=_("or only the year of birth"), required=False, min_value=1900, max_value=2100
    )
    birth_estimated = forms.BooleanField(label=_("The birth date is estimated"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=_countries, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    mother_tongue = forms.ChoiceField(label=_("Mother tongue"), choices=_languages, required=False)
    arrival_date = forms.DateField(
        label=_("Arrival in Italy"), required=False, widget=DATE, validators=[_not_future]
    )
    arrival_precision = forms.ChoiceField(
        label=_("The arrival date is"), choices=DatePrecision.choices, initial=DatePrecision.EXACT
    )
    confirm_new = forms.BooleanField(
        label=_("I checked the possible matches: this is a new person"), required=False
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        birth_date, year = data.get("birth_date"), data.get("birth_year")
        if birth_date and year and birth_date.year != year:
            self.add_error("birth_year", _("The year does not match the birth date: write only one of them."))
        elif not birth_date and not year and "birth_date" not in self.errors:
            self.add_error("birth_date", _("Write the birth date or at least the year."))
        if year and year > timezone.localdate().year:
            self.add_error("birth_year", _("The year is in the future."))
        if birth_date:
            data["birth_precision"] = (
                DatePrecision.ESTIMATED if data.get("birth_estimated") else DatePrecision.EXACT
            )
        elif year:
            data["birth_date"] = date(year, 1, 1)
            data["birth_precision"] = (
                DatePrecision.ESTIMATED if data.get("birth_estimated") else DatePrecision.YEAR
            )
        return data


class PersonForm(VersionedForm):
    """The rest of the record. Other names one per line; nationalities several."""

    given_names = forms.CharField(label=_("Given names"), max_length=150)
    family_names = forms.CharField(label=_("Family names"), max_length=150, required=False)
    other_names = forms.CharField(
        label=_("Other spellings and aliases"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as written on documents or as the person is called."),
    )
    native_name = forms.CharField(label=_("Name in the person's own script"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE, validators=[_not_future])
    birth_date_precision = forms.ChoiceField(label=_("The birth date is"), choices=DatePrecision.choices)
    birth_country = forms.ChoiceField(label=_("Country of birth"), choices=_countries, required=False)
    birth_place = forms.CharField(label=_("Town of birth"), max_length=120, required=False)
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"),
        choices=reference.country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    stateless = forms.BooleanField(label=_("Stateless"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address in Italy"), max_length=255, required=False)
    notional_address = forms.CharField(
        label=_("Notional address"),
        max_length=255,
        required=False,
        help_text=_("The fictitious address of the municipality, for people without a home."),
    )
    household_others = forms.IntegerField(
        label=_("Other household members not followed"), min_value=0, max_value=50, initial=0
    )
    arrival_date = forms.DateField(
        label=_("Arrival in Italy"), required=False, widget=DATE, validators=[_not_future]
    )
    arrival_date_precision = forms.ChoiceField(label=_("The arrival date is"), choices=DatePrecision.choices)
    arrival_route = forms.ChoiceField(
        label=_("Route"), choices=_blank(_("—")) + list(ArrivalRoute.choices), required=False
    )
    operator = forms.TypedChoiceField(
        label=_("Operator in charge"), coerce=int, required=False, empty_value=None
    )
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        required=False,
        help_text=_("16 characters, or the provisional numeric code of 11 digits."),
    )
    tax_code_mismatch_confirmed = forms.BooleanField(
        label=_("I checked: the tax code is right even if it does not match the record"), required=False
    )

    def __init__(self, *args: Any, operators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = _blank(_("nobody yet")) + operators
        self.tax_code_warnings: list[str] = []

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean_other_names(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["other_names"].splitlines() if line.strip()]
        if any(len(name) > 200 for name in names):
            raise ValidationError(_("A name can be at most 200 characters long."))
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raw = data.get("tax_code", "")
        data["tax_code_kind"] = ""
        if raw:
            try:
                data["tax_code"], data["tax_code_kind"] = taxcode.validate_tax_code(raw)
            except ValidationError as error:
                self.add_error("tax_code", error)
                return data
            self.tax_code_warnings = taxcode.tax_code_mismatches(
                code=data["tax_code"],
                birth_date=data.get("birth_date"),
                birth_date_precision=data.get("birth_date_precision", DatePrecision.EXACT),
                sex=data.get("sex", ""),
                birth_country=data.get("birth_country", ""),
                birth_place=data.get("birth_place", ""),
            )
            if self.tax_code_warnings and not data.get("tax_code_mismatch_confirmed"):
                self.add_error(
                    "tax_code_mismatch_confirmed",
                    _("The tax code does not match the record: check it, then tick the box to keep it."),
                )
        if not self.tax_code_warnings:
            data["tax_code_mismatch_confirmed"] = False
        if data.get("stateless") and data.get("nationalities"):
            self.add_error("stateless", _("A stateless person has no nationality: clear one or the other."))
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=reference.language_choices)
    level = forms.ChoiceField(
        label=_("Level"), choices=_blank(_("not assessed")) + list(CefrLevel.choices), required=False
    )
    is_mother_tongue = forms.BooleanField(label=_("Mother tongue"), required=False)


class HouseholdForm(forms.Form):
    relative = forms.IntegerField(
        label=_("Case number of the relative"),
        min_value=1,
        help_text=_("The number shown on their case file."),
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)


class LegalStatusForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _blank(_("—")) + list(LegalStatusKind.choices)

    class Meta:
        model = LegalStatus
        fields = [
            "status",
            "valid_from",
            "permit_type",
            "permit_number",
            "issued_by",
            "issued_on",
            "expires_on",
            "renewal_requested_on",
            "receipt_number",
        ]
        widgets = dict.fromkeys(("valid_from", "issued_on", "expires_on", "renewal_requested_on"), DATE)


class DocumentForm(forms.ModelForm):
    scan_file = forms.FileField(
        label=_("Scan (PDF, JPEG or PNG, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _blank(_("—")) + list(DocumentKind.choices)

    class Meta:
        model = IdentityDocument
        fields = ["kind", "number", "issuer", "issued_on", "expires_on"]
        widgets = {"issued_on": DATE, "expires_on": DATE}

    def clean_scan_file(self) -> uploads.CleanUpload | None:
        uploaded = self.cleaned_data.get("scan_file")
        return uploads.clean_upload(uploaded) if uploaded else None


class LegalStatusCorrectForm(LegalStatusForm):
    """The fields of the entry as recorded, to correct a mistake in them."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DocumentCorrectForm(DocumentForm):
    """The fields of the document as recorded; the scan stays unless replaced by a new one or removed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    remove_scan = forms.BooleanField(
        label=_("Remove the current scan (it is the wrong file)"),
        required=False,
    )

    def __init__(self, *args: Any, has_scan: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_scan:
            self.fields["scan_file"].label = _("Replace the scan (PDF, JPEG or PNG, at most 10 MB)")
            self.fields["scan_file"].help_text = _("Leave it empty to keep the current scan.")
        else:
            del self.fields["remove_scan"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scan_file") and data.get("remove_scan"):
            self.add_error("remove_scan", _("Either upload a new scan or remove the current one, not both."))
        return data


class RemovalForm(forms.Form):
    """The reason for removing an entry recorded by mistake; it goes into the history, not the audit."""

    reason = forms.CharField(
        label=_("Why is it removed?"),
        max_length=REMOVAL_REASON_MAX_LENGTH,
        help_text=_("For example: recorded on the wrong person, or recorded twice."),
        error_messages={"required": _("Say why the entry is removed.")},
    )


class PrivacyNoticeForm(forms.Form):
    given_on = forms.DateField(
        label=_("Given on"), widget=DATE, validators=[_not_future], initial=timezone.localdate
    )
    language = forms.ChoiceField(label=_("In the language"), choices=reference.language_choices)
    interpreter = forms.CharField(
        label=_("Interpreter or cultural mediator"),
        max_length=150,
        required=False,
        help_text=_("Name, if any."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("The person consents to"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE, validators=[_not_future])


class NoteForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank(_("—")) + list(NoteCategory.choices)

    class Meta:
        model = ConfidentialNote
        fields = ["category", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


class CaseStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Case status"), choices=CaseStatus.choices)
    since = forms.DateField(label=_("Since"), widget=DATE, validators=[_not_future])
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=_blank(_("—")) + list(ClosureReason.choices), required=False
    )


class TransferForm(VersionedForm):
    to_site = forms.TypedChoiceField(label=_("Transfer to the site"), coerce=int)
    confirm = forms.BooleanField(
        label=_("I understand that the case, with everything recorded about it, leaves this site"),
    )

    def __init__(self, *args: Any, sites: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_site"].choices = sites


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search people"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Case status"), choices=_blank(_("any")) + list(CaseStatus.choices), required=False
    )


class AlertsForm(forms.Form):
    days = forms.IntegerField(
        label=_("Expiring within (days)"), min_value=1, max_value=365, initial=60, required=False
    )


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Record to keep"), coerce=int, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_(
            "I checked: the two records are the same person, and the other record's data move to the one kept"
        )
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (p.pk, _("case %(number)s, %(name)s") % {"number": p.pk, "name": p.full_name}) for p in people
        ]
