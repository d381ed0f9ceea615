"""A new colleague has no password: they choose one through "Forgot your password?"."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core import mail
from django.test import Client
from django.urls import reverse

from percorsi.accounts.models import User
from percorsi.core.models import AuditEntry

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


def _reset_link(client: Client, email: str) -> str:
    client.post(reverse("accounts:password_reset"), {"email": email})
    link = re.search(r"https?://[^/\s]+(/\S+/reset/\S+/)", mail.outbox[-1].body)
    assert link is not None, mail.outbox[-1].body
    return client.get(link.group(1), follow=True).request["PATH_INFO"]


def test_a_password_set_from_the_link_is_audited_with_the_account_id_only(
    make_user: Callable[..., User],
) -> None:
    user = make_user("someone@example.org", full_name="Amina Yusuf")
    client = Client()
    client.post(_reset_link(client, user.email), {"new_password1": NEW, "new_password2": NEW})
    entry = AuditEntry.objects.get(action="accounts.user.password_reset")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.pk, "accounts.user", str(user.pk))
    assert "Amina" not in str(entry.__dict__) and user.email not in str(entry.__dict__)


def test_choosing_a_new_password_lifts_a_lockout(make_user: Callable[..., User]) -> None:
    user = make_user("locked@example.org")
    for _ in range(5):
        Client().post(reverse("accounts:login"), {"username": "LOCKED@example.org", "password": "wrong"})
    assert (
        Client().post(reverse("accounts:login"), {"username": user.email, "password": "x"}).status_code == 429
    )

    client = Client()
    client.post(_reset_link(client, user.email), {"new_password1": NEW, "new_password2": NEW})
    response = Client().post(reverse("accounts:login"), {"username": user.email, "password": NEW})
    assert response.status_code == 302
