"""Reads for plans: a person's plans, the plan page, what is overdue."""

from __future__ import annotations

from django.utils.translation import gettext as _

from percorsi.people.models import Person
from percorsi.plans.choices import PlanStatus
from percorsi.plans.models import Plan


def both_have_an_active_plan(keep: Person, absorb: Person) -> str | None:
    """A merge check: two active plans cannot become one person's (close one first)."""
    active = (
        Plan.objects.filter(person__in=[keep, absorb], status=PlanStatus.ACTIVE).values("person").distinct()
    )
    if active.count() == 2:
        return _("Both records have an active plan: close one of them before merging.")
    return None
