"""Reminders: `percorsi remind`, run once a day, makes in-app notifications and sends e-mail.

What is reminded, and to whom:
- a plan's review due within 7 days or overdue: the plan's operator (else the site's coordinators);
- a goal past its target date, not ended: the plan's operator (else the coordinators);
- a task due today or overdue, not done: its assignee;
- a permit or document expired or expiring within 60 days: the person's operator (else the coordinators);
- whatever the apps above plans register in `REMINDER_SOURCES` (plans may not import them), e.g. a
  recognition procedure with no change for 30 days (jobs).

Each reminder has a key (what, which record, which date): a second run the same day, or the next
day for the same due date, makes nothing new and sends nothing twice. An e-mail lists only how many
new reminders of each kind there are and links to Percorsi: no names leave the system by e-mail.
E-mails not sent (the mail server was down) are sent at the next run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.models import Membership, Site
from percorsi.core.permissions import Role
from percorsi.people import selectors as people_selectors
from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person
from percorsi.plans import selectors
from percorsi.plans.choices import GOAL_ENDED, NotificationKind, PlanStatus
from percorsi.plans.models import Goal, Notification, Task

REVIEW_DAYS_AHEAD = 7
EXPIRY_DAYS_AHEAD = 60


@dataclass(frozen=True)
class Due:
    user_id: int
    kind: str
    key: str
    person_id: int | None
    object_id: int | None
    due_on: date | None


# Apps above plans add their reminders here from their AppConfig.ready(): a source gets the site,
# today and the site's coordinators (reminded when nobody follows the record) and returns its `Due`
# reminders, each keyed by what and which date, so that a second run makes nothing new. It runs
# inside the site's scope.
REMINDER_SOURCES: list[Callable[[Site, date, list[int]], list[Due]]] = []


def _coordinators(site: Site) -> list[int]:
    return list(
        Membership.objects.filter(
            Q(site=site) | Q(site__isnull=True), role=Role.COORDINATOR, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def due_reminders(site: Site, today: date) -> list[Due]:
    """Everything to remind at the site today (inside the site's scope)."""
    coordinators = _coordinators(site)
    found: list[Due] = []

    def to(user_id: int | None) -> list[int]:
        return [user_id] if user_id else coordinators

    for plan in selectors.reviews_due(within_days=REVIEW_DAYS_AHEAD, today=today):
        if plan.person.case_status == CaseStatus.CLOSED:
            continue  # a closed case: its plan waits to be closed, not reviewed
        for user_id in to(plan.operator_id):
            key = f"review:{plan.pk}:{plan.review_due_on.isoformat()}"
            found.append(
                Due(user_id, NotificationKind.REVIEW_DUE, key, plan.person_id, plan.pk, plan.review_due_on)
            )
    goals = (
        Goal.objects.filter(
            plan__status=PlanStatus.ACTIVE,
            plan__person__deleted_at__isnull=True,
            plan__person__merged_into__isnull=True,
            target_date__lt=today,
        )
        .exclude(status__in=[str(s) for s in GOAL_ENDED])
        .exclude(plan__person__case_status=CaseStatus.CLOSED)
        .select_related("plan")
    )
    for goal in goals:
        for user_id in to(goal.plan.operator_id):
            key = f"goal:{goal.pk}:{goal.target_date.isoformat()}"
            found.append(
                Due(
                    user_id,
                    NotificationKind.GOAL_OVERDUE,
                    key,
                    goal.plan.person_id,
                    goal.pk,
                    goal.target_date,
                )
            )
    tasks = Task.objects.filter(done_at__isnull=True, due_on__lte=today, assignee__is_active=True).filter(
        # As the task list: about no one, or about someone still followed (not deleted nor merged).
        Q(person__isnull=True) | Q(person__deleted_at__isnull=True, person__merged_into__isnull=True)
    )
    for task in tasks:
        key = f"task:{task.pk}:{task.due_on.isoformat()}"
        found.append(
            Due(task.assignee_id, NotificationKind.TASK_DUE, key, task.person_id, task.pk, task.due_on)
        )
    expiries = people_selectors.site_expiries(site=site, within_days=EXPIRY_DAYS_AHEAD, today=today)
    operators = dict(
        Person.objects.filter(pk__in={e.person_id for e in expiries}).values_list("pk", "operator_id")
    )
    for expiry in expiries:
        for user_id in to(operators.get(expiry.person_id)):
            # One reminder per person and date (the label is translated: not part of the key).
            key = f"expiry:{expiry.person_id}:{expiry.expires_on.isoformat()}"
            found.append(
                Due(user_id, NotificationKind.PERMIT_EXPIRING, key, expiry.person_id, None, expiry.expires_on)
            )
    for source in REMINDER_SOURCES:
        found.extend(source(site, today, coordinators))
    return found


@dataclass
class RunResult:
    created: int = 0
    emails: int = 0
    failed_emails: int = 0


def _store(site: Site, dues: list[Due]) -> int:
    """Make the notifications not made before; returns how many are new."""
    existing = set(
        Notification.objects.filter(
            user_id__in={d.user_id for d in dues}, key__in={d.key for d in dues}
        ).values_list("user_id", "key")
    )
    new = [
        Notification(
            site=site,
            user_id=d.user_id,
            kind=d.kind,
            key=d.key,
            person_id=d.person_id,
            object_id=d.object_id,
            due_on=d.due_on,
        )
        for d in {(d.user_id, d.key): d for d in dues}.values()
        if (d.user_id, d.key) not in existing
    ]
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(new)
    except IntegrityError:  # another run at the same moment: keep what it made, one by one
        created = 0
        for notification in new:
            try:
                with transaction.atomic():
                    notification.save()
                    created += 1
            except IntegrityError:
                continue
        return created
    return len(new)


def _send_emails(site: Site, result: RunResult) -> None:
    """One e-mail per user with the counts of the reminders not yet e-mailed."""
    pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True).select_related(
        "user"
    )
    by_user: dict[User, list[Notification]] = defaultdict(list)
    for notification in pending:
        if notification.user.is_active and notification.user.email:
            by_user[notification.user].append(notification)
    link = settings.PERCORSI_PUBLIC_URL.rstrip("/") + reverse(
        "plans:notifications", kwargs={"site": site.slug}
    )
    for user, notifications in by_user.items():
        counts = Counter(n.kind for n in notifications)
        with translation.override(user.preferred_language):
            lines = [
                f"- {NotificationKind(kind).label}: {count}"
                for kind, count in sorted(counts.items(), key=lambda item: item[0])
            ]
            body = render_to_string(
                "plans/email/reminders.txt", {"site": site.name, "lines": lines, "link": link, "user": user}
            )
            subject = _("Percorsi: %(count)s new reminders at %(site)s") % {
                "count": len(notifications),
                "site": site.name,
            }
        try:
            send_mail(subject, body, None, [user.email])
        except OSError:
            result.failed_emails += 1
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        result.emails += 1


def run(*, today: date | None = None, send_email: bool = True) -> dict[str, RunResult]:
    """Remind at every active site; returns what was done per site (by slug)."""
    today = today or timezone.localdate()
    results: dict[str, RunResult] = {}
    for site in Site.objects.filter(is_active=True).order_by("slug"):
        result = RunResult()
        with scope(site=site), audit.audit_context(actor_id=None, role="system", site_id=site.pk):
            dues = due_reminders(site, today)
            result.created = _store(site, dues)
            if send_email:
                _send_emails(site, result)
            if result.created or result.emails:
                audit.record(
                    action="plans.reminders.sent",
                    object_type="plans.notification",
                    data={"created": result.created, "emails": result.emails, "day": today.isoformat()},
                )
        results[site.slug] = result
    return results
