"""A session ends after 30 minutes without a request; every request starts the 30 minutes again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

HOME = "/s/roma/"


def _expire_in(client: Client, delta: timedelta) -> None:
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now() + delta)


def test_sessions_last_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ENGINE == "percorsi.core.sessions"


def test_pages_seen_within_a_minute_do_not_write_the_session(client_for: Callable[[str], Client]) -> None:
    client = client_for("operator_a")
    assert client.get(HOME).status_code == 200  # the first page of the site remembers the site
    _expire_in(client, timedelta(minutes=29, seconds=30))  # renewed 30 seconds ago
    before = Session.objects.get(session_key=client.session.session_key).expire_date
    with CaptureQueriesContext(connection) as context:
        assert client.get(HOME).status_code == 200
    assert not [q for q in context.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(session_key=client.session.session_key).expire_date == before
    # A minute later, the next page starts the thirty minutes again.
    _expire_in(client, timedelta(minutes=28, seconds=30))
    assert client.get(HOME).status_code == 200
    remaining = Session.objects.get(session_key=client.session.session_key).expire_date - timezone.now()
    assert remaining > timedelta(minutes=29, seconds=50)


def test_an_expired_session_is_sent_to_the_login_page(client_for: Callable[[str], Client]) -> None:
    client = client_for("operator_a")
    assert client.get(HOME).status_code == 200
    _expire_in(client, timedelta(seconds=-1))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={HOME}"


def test_a_request_within_thirty_minutes_keeps_the_session(client_for: Callable[[str], Client]) -> None:
    client = client_for("operator_a")
    _expire_in(client, timedelta(minutes=1))  # the last request was 29 minutes ago
    assert client.get(HOME).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
