"""The lists an accompaniment plan is made of (DOMAIN.md: plans, goals, autonomy)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class PlanOutcome(models.TextChoices):
    AUTONOMY = "autonomy", _("autonomy reached")
    PARTLY = "partly", _("autonomy partly reached")
    INTERRUPTED = "interrupted", _("interrupted")
    TRANSFERRED = "transferred", _("transferred")


class GoalArea(models.TextChoices):
    WORK = "work", _("work")
    HOUSING = "housing", _("housing")
    LANGUAGE = "language", _("Italian language")
    LEGAL = "legal", _("legal status and documents")
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education and qualifications")
    INCOME = "income", _("income")
    SOCIAL = "social", _("social network")
    OTHER = "other", _("other")


class GoalOwner(models.TextChoices):
    """Who does what the goal asks: the plan is built with the person, not for them."""

    OPERATOR = "operator", _("the operator")
    PERSON = "person", _("the person")
    BOTH = "both", _("the person and the operator")
    OTHER_SERVICE = "other_service", _("another service")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    ACHIEVED = "achieved", _("achieved")
    NOT_ACHIEVED = "not_achieved", _("not achieved")
    DROPPED = "dropped", _("dropped")


# A goal in one of these is over: it is no longer overdue, and its status needs a reason when it
# did not succeed.
GOAL_ENDED = frozenset({GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED})
GOAL_NEEDS_REASON = frozenset({GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED})


class AssessmentOccasion(models.TextChoices):
    INTAKE = "intake", _("at intake")
    REVIEW = "review", _("at a review")
    CLOSURE = "closure", _("at closure")
    OTHER = "other", _("other")


class InterventionService(models.TextChoices):
    JOB_DESK = "job_desk", _("job desk")
    LANGUAGE = "language", _("language course")
    HOUSING = "housing", _("housing")
    CONTRIBUTIONS = "contributions", _("economic contributions")
    LEGAL = "legal", _("legal orientation")
    HEALTH = "health", _("health orientation")
    SOCIAL = "social", _("social orientation")
    OTHER = "other", _("other")


class InterventionKind(models.TextChoices):
    """The service wants paths planned, with as few emergency or assistance-only interventions as possible."""

    PLANNED = "planned", _("planned (part of the plan)")
    EMERGENCY = "emergency", _("emergency or assistance")


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    DONE = "done", _("held")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


class NotificationKind(models.TextChoices):
    REVIEW_DUE = "review_due", _("review due")
    GOAL_OVERDUE = "goal_overdue", _("goal past its date")
    TASK_DUE = "task_due", _("task due")
    PERMIT_EXPIRING = "permit_expiring", _("permit or document expiring")
    APPOINTMENT = "appointment", _("appointment")
    RECOGNITION_STALLED = "recognition_stalled", _("recognition step with no change in 30 days")
