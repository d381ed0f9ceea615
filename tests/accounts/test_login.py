"""The login page: e-mail in any letter case, a clear Italian message, an audit entry either way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from percorsi.core.models import AuditEntry
from tests.conftest import Persona
from tests.helpers import shows

PASSWORD = "a-long-test-password"
WRONG_LOGIN = "E-mail address or password not recognised. Check them and try again."


def _login(client: Client, username: str, password: str = PASSWORD, **extra: str) -> object:
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def test_login_page_is_italian_by_default(db: None) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in response.content.decode()
    with translation.override("it"):
        assert gettext("Log in to Percorsi") in response.content.decode()


@pytest.mark.parametrize(
    "typed", ["operator_b@example.org", "OPERATOR_B@EXAMPLE.ORG", " Operator_B@Example.org "]
)
def test_login_with_the_email_in_any_letter_case(personas: dict[str, Persona], typed: str) -> None:
    client = Client()
    response = _login(client, typed)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:start")
    assert client.session["_auth_user_id"] == str(personas["operator_b"].user.pk)
    # The one-site operator lands on the home page of their site.
    home = client.get(response["Location"], follow=True)
    assert home.request["PATH_INFO"] == reverse("core:home", kwargs={"site": "vicenza"})


def test_login_follows_next(personas: dict[str, Persona]) -> None:
    staff = reverse("core:staff_list", kwargs={"site": "roma"})
    response = _login(Client(), personas["coordinator_a"].user.email, next=staff)
    assert response["Location"] == staff


def test_login_does_not_follow_next_to_another_host(personas: dict[str, Persona]) -> None:
    response = _login(Client(), personas["coordinator_a"].user.email, next="https://evil.example/")
    assert response["Location"] == reverse("core:start")


def test_wrong_password_shows_an_italian_message_and_is_audited(personas: dict[str, Persona]) -> None:
    user = personas["operator_a"].user
    client = Client()
    response = _login(client, user.email, "not-the-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    with translation.override("it"):
        message = gettext(WRONG_LOGIN)
    assert message != WRONG_LOGIN, "the Italian catalogue has no translation for the login error"
    assert message in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login")
    assert entry.outcome == "denied"
    assert entry.actor_id is None
    assert entry.object_id == str(user.pk)
    assert entry.client_ip == "127.0.0.1"


def test_unknown_address_gets_the_same_message_and_is_audited_without_the_address(db: None) -> None:
    response = _login(Client(), "nobody@example.org", "whatever-password")
    with translation.override("it"):
        assert gettext(WRONG_LOGIN) in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login")
    assert (entry.outcome, entry.object_id, entry.actor_id) == ("denied", "", None)
    assert "nobody" not in str(entry.data)


def test_inactive_account_cannot_log_in(personas: dict[str, Persona]) -> None:
    user = personas["operator_a"].user
    user.is_active = False
    user.save()
    client = Client()
    response = _login(client, user.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_logged_in_user_is_sent_on_from_the_login_page(client_for: Callable[[str], Client]) -> None:
    response = client_for("operator_a").get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:start")


def test_anonymous_visitor_of_a_page_is_sent_to_login_and_back(personas: dict[str, Persona]) -> None:
    client = Client()
    home = reverse("core:home", kwargs={"site": "roma"})
    response = client.get(home)
    assert response["Location"] == f"{reverse('accounts:login')}?next={home}"
    response = _login(client, personas["operator_a"].user.email, next=home)
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_an_english_browser_still_gets_italian_until_english_is_chosen(db: None) -> None:
    """The association works in Italian: the browser's language does not switch the interface."""
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    page = client.get(reverse("accounts:login"))
    assert page["Content-Language"] == "it"
    assert 'lang="it"' in page.content.decode()
    client.post(reverse("accounts:language"), {"language": "en", "next": reverse("accounts:login")})
    assert client.get(reverse("accounts:login"))["Content-Language"] == "en"


def test_a_form_sent_without_its_security_token_gets_a_page_that_says_what_to_do(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assert 'lang="it"' in response.content.decode()
    assert shows(response, "The form has expired")
