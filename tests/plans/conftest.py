"""Fixtures for the plans: people opened through the people services, a site's suggested template."""

from __future__ import annotations

import pytest
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.models import Site
from percorsi.plans import services
from percorsi.plans.models import PlanTemplate
from tests.people.conftest import add_document, add_status, make_person, operator  # noqa: F401  (shared fixtures)


@pytest.fixture
def template_a(site_a: Site, operator: User) -> PlanTemplate:  # noqa: F811
    with scope(site=site_a):
        return services.template_create_suggested(site=site_a, actor=operator)
