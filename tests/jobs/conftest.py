"""Fixtures for the job desk: occupations (made here when the shipped data is not loaded), CVs
saved through the service, offers entered through the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core.models import Site
from percorsi.jobs import services
from percorsi.jobs.models import CV, IscoGroup, JobOffer, Occupation
from percorsi.people.models import Person
from tests.people.conftest import add_notice, add_status, make_person, operator  # noqa: F401  (shared fixtures)

# ISCO-08 codes of the occupations the tests use, with their parents.
GROUPS = {
    "5": "Services and sales workers",
    "51": "Personal service workers",
    "512": "Cooks",
    "5120": "Cooks",
    "9": "Elementary occupations",
    "94": "Food preparation assistants",
    "941": "Food preparation assistants",
    "9412": "Kitchen helpers",
    "8": "Plant and machine operators, and assemblers",
    "83": "Drivers and mobile plant operators",
    "833": "Heavy truck and bus drivers",
    "8332": "Heavy truck and lorry drivers",
    "7": "Craft and related trades workers",
    "71": "Building and related trades workers, excluding electricians",
    "711": "Building frame and related trades workers",
    "7112": "Bricklayers and related workers",
}


def occupation(code: str, label: str) -> Occupation:
    """An occupation of that ISCO-08 unit group (the shipped one when loaded, else made here)."""
    for n in range(1, 5):
        prefix = code[:n]
        IscoGroup.objects.get_or_create(
            code=prefix,
            defaults={"level": n, "name": GROUPS.get(prefix, prefix), "parent_id": code[: n - 1] or None},
        )
    found = Occupation.objects.filter(isco_group_id=code).order_by("pk").first()
    if found is not None:
        return found
    return Occupation.objects.create(
        uri=f"http://example.org/esco/{code}",
        code=f"{code}.1",
        isco_group_id=code,
        label=label,
        search_text=label.lower(),
    )


@pytest.fixture
def cook(db: None) -> Occupation:
    return occupation("5120", "cook")


@pytest.fixture
def kitchen_helper(db: None) -> Occupation:
    return occupation("9412", "kitchen assistant")


@pytest.fixture
def lorry_driver(db: None) -> Occupation:
    return occupation("8332", "lorry driver")


@pytest.fixture
def bricklayer(db: None) -> Occupation:
    return occupation("7112", "bricklayer")


@pytest.fixture
def save_cv(operator: User) -> Callable[..., CV]:  # noqa: F811
    """Save a CV for the person: the jobs wanted and done (occupations), Italian, licences..."""

    def save(
        person: Person,
        *,
        wants: list[Occupation] = (),  # type: ignore[assignment]
        did: list[Occupation] = (),  # type: ignore[assignment]
        italian: str = "",
        licences: list[str] = (),  # type: ignore[assignment]
        places: str = "",
        working_time: str = "",
        available_from: str = "",
        **extra: Any,
    ) -> CV:
        content = {
            "desired_jobs": [{"occupation": o.uri, "isco": o.isco_group_id, "label": o.label} for o in wants],
            "work": [
                {
                    "position": o.label,
                    "occupation": o.uri,
                    "isco": o.isco_group_id,
                    "start": "2018",
                    "end": "2020",
                }
                for o in did
            ],
            "languages": (
                [
                    {
                        "language": "it",
                        **dict.fromkeys(
                            ("listening", "reading", "spoken_interaction", "spoken_production", "writing"),
                            italian,
                        ),
                    }
                ]
                if italian
                else []
            ),
            "driving_licences": list(licences),
            "availability": {"places": places, "working_time": working_time, "from": available_from},
            **extra,
        }
        with scope(site=person.site):
            current = CV.objects.filter(person=person).first()
            return services.cv_save(
                person=person, actor=operator, content=content, version=current.version if current else None
            )

    return save


@pytest.fixture
def make_offer(site_a: Site, operator: User) -> Callable[..., JobOffer]:  # noqa: F811
    def make(title: str = "Cuoco", **fields: Any) -> JobOffer:
        fields.setdefault("source", "website")
        with scope(site=site_a):
            return services.offer_create(site=site_a, actor=operator, fields={"title": title, **fields})

    return make


@pytest.fixture
def cv_consent(add_notice: Callable[..., Any]) -> Callable[[Person], Any]:  # noqa: F811
    """Records the person's consent to sharing the CV with employers and agencies, given today."""
    from django.utils import timezone

    def give(person: Person) -> Any:
        return add_notice(person, timezone.localdate(), purposes=("case_management", "job_matching"))

    return give


def url(name: str, site: Site | str, **kwargs: Any) -> str:
    """The address of a job desk page: `url("offer", site_a, offer_id=1)`."""
    from django.urls import reverse

    slug = site if isinstance(site, str) else site.slug
    return reverse(f"jobs:{name}", kwargs={"site": slug, **kwargs})


def said(response: Any, message: str, **params: Any) -> str:
    """A message as the page says it, in the page's language."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(response["Content-Language"]):
        text = gettext(message)
    return text % params if params else text
