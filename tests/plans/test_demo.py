"""The demonstration plans of `percorsi demo`: plans in every stage, a realistic mix of work."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from statistics import mean

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from percorsi.people.models import Person
from percorsi.plans.models import Appointment, AutonomyAssessment, Intervention, Plan


@pytest.fixture
def demo(db: None, settings: pytest.FixtureRequest) -> None:
    settings.PERCORSI_DEMO_PEOPLE_PER_SITE = 40  # type: ignore[attr-defined]
    call_command("demo", stdout=StringIO())


def test_most_people_have_a_plan_in_every_stage(demo: None) -> None:
    with scopes_disabled():
        people = Person.objects.count()
        plans = list(Plan.objects.all())
        assert len(plans) >= people * 0.7
        assert {p.status for p in plans} >= {"active"}
        # Started at different times: some just begun, some near their end.
        today = timezone.localdate()
        ages = [(today - p.started_on).days for p in plans]
        assert min(ages) < 120 and max(ages) > 400


def test_about_twenty_interventions_each_with_emergencies_early(demo: None) -> None:
    with scopes_disabled():
        per_person = [Intervention.objects.filter(person_id=p.person_id).count() for p in Plan.objects.all()]
        assert 14 <= mean(per_person) <= 26
        starts = dict(Plan.objects.values_list("person_id", "started_on"))
        early = late = early_emergency = late_emergency = 0
        for entry in Intervention.objects.all():
            is_early = entry.happened_on < starts[entry.person_id] + timedelta(days=30)
            emergency = entry.kind == "emergency"
            early, early_emergency = early + is_early, early_emergency + (is_early and emergency)
            late, late_emergency = late + (not is_early), late_emergency + (not is_early and emergency)
        assert early_emergency / early > 2 * late_emergency / late


def test_scores_improve_unevenly_over_the_reviews(demo: None) -> None:
    with scopes_disabled():
        firsts, lasts, fell = [], [], 0
        for plan in Plan.objects.prefetch_related("assessments"):
            assessments = sorted(plan.assessments.all(), key=lambda a: (a.assessed_on, a.pk))
            if len(assessments) < 3:
                continue
            first, last = assessments[0].scores(), assessments[-1].scores()
            firsts.append(mean(first.values()))
            lasts.append(mean(last.values()))
            fell += any(last[d] < first[d] for d in AutonomyAssessment.DOMAINS)
        assert firsts and mean(lasts) > mean(firsts)
        assert fell > 0  # not every domain of every path goes up


def test_appointments_this_week_and_nothing_twice(demo: None) -> None:
    today = timezone.localdate()
    with scopes_disabled():
        this_week = Appointment.objects.filter(
            starts_at__date__gte=today - timedelta(days=1), starts_at__date__lte=today + timedelta(days=8)
        )
        assert this_week.count() >= 10
        before = (Plan.objects.count(), Intervention.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    with scopes_disabled():
        assert (Plan.objects.count(), Intervention.objects.count()) == before
