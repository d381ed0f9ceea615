"""Sending an application gives the person's CV to an employer: only with their consent to that
purpose (people's "sharing the CV with employers and agencies"), in force on the day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from percorsi.accounts.models import User
from percorsi.core.models import Site
from percorsi.jobs.models import Application, JobOffer, Occupation
from percorsi.people import services as people_services
from percorsi.people.models import Consent, Person
from tests.helpers import page_text
from tests.jobs.conftest import said, url

REFUSED = (
    "The person has not consented to sharing their CV with employers and agencies, or has withdrawn "
    "the consent: record it in the case file (Privacy and consents) before the application is sent."
)
NEVER_GIVEN = (
    "%(name)s has not consented to sharing the CV with employers and agencies: no application can be "
    "sent, nor the CV given to an employer."
)
WITHDRAWN = (
    "%(name)s withdrew the consent to sharing the CV with employers and agencies on %(day)s: no "
    "application can be sent, nor the CV given to an employer."
)


def today() -> str:
    return timezone.localdate().isoformat()


def send(client: Client, site: Site, application: Application, version: int, status: str = "sent") -> Any:
    return client.post(
        url("application", site, application_id=application.pk),
        {"status": status, "status_since": today(), "version": version},
    )


def test_without_consent_a_spontaneous_application_is_kept_prepared_and_never_sent(
    site_a: Site, client_for: Callable[[str], Client], make_person: Callable[..., Person]
) -> None:
    person = make_person(site_a, "Yonas", "Tesfaye")
    client = client_for("volunteer_a")
    address = url("application_new", site_a, pk=person.pk)

    refused = client.post(
        address, {"employer_name": "Logistica Nord", "status": "sent", "status_since": today()}
    )
    assert refused.status_code == 400
    assert said(refused, REFUSED) in page_text(refused)
    with scopes_disabled():
        assert not Application.objects.exists()

    prepared = client.post(
        address, {"employer_name": "Logistica Nord", "status": "prepared", "status_since": today()}
    )
    assert prepared.status_code == 302
    with scopes_disabled():
        application = Application.objects.get()
    assert application.status == "prepared" and application.sent_on is None

    # The application's page says why it cannot go; the volunteer cannot record consents.
    page = client.get(url("application", site_a, application_id=application.pk))
    assert said(page, NEVER_GIVEN, name=person.full_name) in page_text(page)
    assert said(page, "If the person agrees, ask an operator to record the consent in the case file.") in (
        page_text(page)
    )
    refused = send(client, site_a, application, version=1)
    assert refused.status_code == 400 and said(refused, REFUSED) in page_text(refused)
    with scopes_disabled():
        application.refresh_from_db()
    assert application.status == "prepared" and application.version == 1


def test_once_the_consent_is_recorded_the_application_is_sent(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_offer: Callable[..., JobOffer],
    cv_consent: Callable[[Person], Any],
) -> None:
    person = make_person(site_a, "Awa", "Diallo")
    offer = make_offer("Cameriera")
    client = client_for("operator_a")
    client.post(url("offer_propose", site_a, offer_id=offer.pk, pk=person.pk))
    with scopes_disabled():
        application = Application.objects.get()
    page = client.get(url("application", site_a, application_id=application.pk))
    # The operator can record it: the banner links to the privacy notice and consents form.
    assert f'href="/s/{site_a.slug}/people/{person.pk}/privacy/new/"' in page_text(page)

    cv_consent(person)
    page = client.get(url("application", site_a, application_id=application.pk))
    assert said(page, NEVER_GIVEN, name=person.full_name) not in page_text(page)
    assert send(client, site_a, application, version=1).status_code == 302
    with scopes_disabled():
        application.refresh_from_db()
    assert application.status == "sent" and application.sent_on == timezone.localdate()


def test_a_withdrawn_consent_stops_sending_but_not_following_up_what_was_sent(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_offer: Callable[..., JobOffer],
    cv_consent: Callable[[Person], Any],
    operator: User,
) -> None:
    person = make_person(site_a, "Ibrahim", "Kone")
    cv_consent(person)
    sent_offer, other_offer = make_offer("Magazziniere"), make_offer("Mulettista")
    client = client_for("operator_a")
    client.post(url("offer_propose", site_a, offer_id=sent_offer.pk, pk=person.pk))
    client.post(url("offer_propose", site_a, offer_id=other_offer.pk, pk=person.pk))
    with scopes_disabled():
        sent, other = Application.objects.order_by("pk")
    assert send(client, site_a, sent, version=1).status_code == 302

    with scope(site=site_a):
        consent = Consent.objects.get(person=person, purpose="job_matching")
        people_services.consent_withdraw(consent=consent, actor=operator, withdrawn_on=timezone.localdate())

    page = client.get(url("person", site_a, pk=person.pk))
    day = timezone.localdate().strftime("%d/%m/%Y")
    assert said(page, WITHDRAWN, name=person.full_name, day=day) in page_text(page)
    refused = send(client, site_a, other, version=1)
    assert refused.status_code == 400 and said(refused, REFUSED) in page_text(refused)
    # What was sent before the withdrawal is followed up: the interview is recorded.
    interview = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT10:30")
    followed = client.post(
        url("application", site_a, application_id=sent.pk),
        {"status": "interview_set", "status_since": today(), "interview_at": interview, "version": 2},
    )
    assert followed.status_code == 302


def test_the_offer_and_the_cv_say_who_has_not_consented(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_offer: Callable[..., JobOffer],
    save_cv: Callable[..., Any],
    cook: Occupation,
    cv_consent: Callable[[Person], Any],
) -> None:
    willing = make_person(site_a, "Musa", "Kamara")
    unasked = make_person(site_a, "Lamin", "Jallow")
    for person in (willing, unasked):
        save_cv(person, wants=[cook])
    cv_consent(willing)
    offer = make_offer("Cuoco", occupation=cook)
    client = client_for("operator_a")

    page = page_text(client.get(url("offer", site_a, offer_id=offer.pk)))
    matches = page[page.index('id="offer-matches"') :]
    badge = said(client.get(url("offer", site_a, offer_id=offer.pk)), "no consent to share the CV")
    assert matches.count(badge) == 1
    row = next(part for part in matches.split("<li") if "JALLOW" in part)
    assert badge in row

    cv = client.get(url("cv", site_a, pk=unasked.pk))
    assert said(cv, NEVER_GIVEN, name=unasked.full_name) in page_text(cv)
    cv = client.get(url("cv", site_a, pk=willing.pk))
    assert said(cv, NEVER_GIVEN, name=willing.full_name) not in page_text(cv)
