"""A new colleague has no password: they choose one through "Forgot your password?"."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core import mail
from django.test import Client
from django.urls import reverse

from percorsi.accounts.models import User

NEW = "my-own-long-passphrase"


def test_a_new_colleague_sets_a_password_and_logs_in(client_for: Callable[[str], Client]) -> None:
    client_for("coordinator_a").post(
        reverse("core:staff_new", kwargs={"site": "roma"}),
        {
            "email": "nuova@example.org",
            "full_name": "Nuova Collega",
            "role": "operator",
            "preferred_language": "it",
        },
    )
    user = User.objects.get(email="nuova@example.org")
    assert not user.has_usable_password()

    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "Nuova@Example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nuova@example.org"]
    link = re.search(r"https?://[^/\s]+(/\S+/reset/\S+/)", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(form.request["PATH_INFO"], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")

    response = client.post(reverse("accounts:login"), {"username": "nuova@example.org", "password": NEW})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("core:home", kwargs={"site": "roma"})


def test_an_unknown_address_sends_nothing_and_says_the_same(db: None) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_used_or_forged_link_is_refused(make_user: Callable[..., User]) -> None:
    make_user("someone@example.org")
    response = Client().get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad"})
    )
    assert response.status_code == 200
    assert not response.context["validlink"]
