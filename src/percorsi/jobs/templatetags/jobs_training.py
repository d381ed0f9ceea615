"""The person's trainings for the job desk's page of a person: `{% person_trainings person as x %}`
(the section `jobs/training/_person_training.html` reads them itself)."""

from __future__ import annotations

from django import template

from percorsi.jobs.models import TrainingEnrolment
from percorsi.jobs.training import person_enrolments
from percorsi.people.models import Person

register = template.Library()


@register.simple_tag
def person_trainings(person: Person) -> list[TrainingEnrolment]:
    """The trainings suggested to the person, the latest first, with their status and goal."""
    return person_enrolments(person)
