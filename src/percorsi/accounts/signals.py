"""Login, logout and failed logins leave an audit entry. A failed login records no e-mail address."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.models import AuditOutcome


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(action="accounts.login", obj=user, actor_id=user.pk)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action="accounts.logout", obj=user, actor_id=user.pk)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The address typed is not recorded; the account's id is, when the address belongs to one,
    # so that an auditor sees repeated attempts on the same account.
    email = str((credentials or {}).get("username") or "")
    user_id = User.objects.filter(email__iexact=email).values_list("pk", flat=True).first() if email else None
    audit.record(
        action="accounts.login", object_type="accounts.user", object_id=user_id, outcome=AuditOutcome.DENIED
    )


def lockout_username(request: Any, credentials: Any) -> str:
    """The account name django-axes counts failures for: the address as stored (lower case)."""
    raw = ""
    if credentials:
        raw = credentials.get("username", "")
    elif request is not None:
        raw = request.POST.get("username", "")
    return str(raw or "").strip().lower()
