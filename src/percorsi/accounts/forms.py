from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    # An inactive account gets the same message as a wrong password: Django's backend refuses it
    # before the form could tell, and the page should not reveal which accounts exist.
    error_messages = {
        "invalid_login": _("E-mail address or password not recognised. Check them and try again."),
        "inactive": _("E-mail address or password not recognised. Check them and try again."),
    }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


class NewOrForgottenPasswordForm(PasswordResetForm):
    """Also for an account that has no password yet: a new colleague chooses theirs this way.

    Django's form skips accounts with an unusable password; every Percorsi account logs in with one."""

    def get_users(self, email: str) -> Iterator[AbstractBaseUser]:
        wanted = unicodedata.normalize("NFKC", email).casefold()
        active = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in active if unicodedata.normalize("NFKC", u.email).casefold() == wanted)

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        # In the language of the account, whatever the language of the page that asked for it.
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
