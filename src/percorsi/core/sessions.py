"""Sessions that end after SESSION_COOKIE_AGE idle seconds, written at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST writes the session row on every request: one more transaction
(and on PostgreSQL one more synchronous commit) for every page view. Here the database backend
remembers the expiry it loaded, and `SessionRenewalMiddleware` asks for a write only when the
session was last renewed more than a minute ago: the idle timeout is kept to within a minute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

RENEW_AFTER = timedelta(seconds=60)


class SessionStore(DatabaseSessionStore):
    loaded_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()
        self.loaded_expiry = session.expire_date if session is not None else None
        return session

    def renew_if_due(self) -> None:
        """Mark the session for saving (a new expiry) when its last renewal is over a minute old."""
        if self.loaded_expiry is None or self.modified:
            return
        renewed_ago = timedelta(seconds=settings.SESSION_COOKIE_AGE) - (self.loaded_expiry - timezone.now())
        if renewed_ago >= RENEW_AFTER:
            self.modified = True
