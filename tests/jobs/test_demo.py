"""The job desk's demonstration data (issue 5, item 10): offers from mixed sources, CVs for about
half the people, applications and placements, trainings, recognition procedures at every stage."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from percorsi.jobs.models import (
    CV,
    Application,
    JobOffer,
    Placement,
    RecognitionProcedure,
    Training,
    TrainingEnrolment,
)
from percorsi.people.models import Person


@pytest.fixture
def demo(db: None, settings: pytest.FixtureRequest) -> None:
    settings.PERCORSI_DEMO_PEOPLE_PER_SITE = 80  # type: ignore[attr-defined]
    call_command("demo", stdout=StringIO())


def test_the_desk_has_offers_cvs_applications_and_placements(demo: None) -> None:
    with scopes_disabled():
        assert JobOffer.objects.filter(site__slug="roma").count() == 200
        assert len(set(JobOffer.objects.values_list("source", flat=True))) >= 5
        assert JobOffer.objects.filter(occupation__isnull=False).count() == JobOffer.objects.count()
        active = Person.objects.exclude(case_status="closed").count()
        assert 0.4 * active <= CV.objects.count() <= 0.7 * active
        assert len(set(Application.objects.values_list("status", flat=True))) >= 6
        assert Placement.objects.exists()
        assert Training.objects.filter(site__slug="roma").count() == 10
        statuses = set(TrainingEnrolment.objects.values_list("status", flat=True))
        assert "completed" in statuses and len(statuses) >= 3
        outcomes = set(RecognitionProcedure.objects.values_list("outcome", flat=True))
        assert "" in outcomes and outcomes & {"recognised", "partly", "refused"}


def test_running_the_demo_again_adds_nothing(demo: None) -> None:
    with scopes_disabled():
        before = (JobOffer.objects.count(), CV.objects.count(), Training.objects.count())
    call_command("demo", stdout=StringIO())
    with scopes_disabled():
        assert (JobOffer.objects.count(), CV.objects.count(), Training.objects.count()) == before
