"""Applications and placements (issue 5, items 7 and 8), and the case file's view of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from percorsi.accounts.models import User
from percorsi.core.models import Site
from percorsi.jobs.models import Application, JobOffer, Occupation, Placement
from percorsi.people.models import Person
from percorsi.plans import services as plan_services
from percorsi.plans.models import Goal, Intervention
from tests.helpers import page_text
from tests.jobs.conftest import said, url


def test_from_an_offer_to_a_placement(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    save_cv: Callable[..., Any],
    make_offer: Callable[..., JobOffer],
    cook: Occupation,
    operator: User,
    cv_consent: Callable[[Person], Any],
) -> None:
    person = make_person(site_a, "Musa", "Kamara")
    cv_consent(person)
    save_cv(person, wants=[cook])
    offer = make_offer("Cuoco", occupation=cook, employer=None, contract_type="fixed_term", hours_per_week=30)
    with scope(site=site_a):
        plan = plan_services.plan_start(person=person, actor=operator, started_on=timezone.localdate())
        goal = plan_services.goal_add(
            plan=plan, actor=operator, fields={"area": "work", "description": "Trovare lavoro"}
        )
    client = client_for("operator_a")

    # Prepared from the offer's matches, then sent, then an interview, then hired.
    response = client.post(url("offer_propose", site_a, offer_id=offer.pk, pk=person.pk))
    with scopes_disabled():
        application = Application.objects.get()
    assert response["Location"] == url("application", site_a, application_id=application.pk)
    page = url("application", site_a, application_id=application.pk)
    today = timezone.localdate()
    interview = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT10:30")
    for version, status, extra in [
        (1, "sent", {}),
        (2, "interview_set", {"interview_at": interview, "preparation": "Portare il permesso"}),
        (3, "hired", {"interview_at": interview}),
    ]:
        response = client.post(
            page, {"status": status, "status_since": today.isoformat(), "version": version, **extra}
        )
        assert response.status_code == 302, page_text(response)
    shown = client.get(page)
    for label in ("prepared", "sent", "interview set", "hired"):
        assert said(shown, label) in page_text(shown)

    # The placement, from the hired application: the goal is achieved, the case file shows the work.
    form = client.get(url("placement_new", site_a, pk=person.pk) + f"?application={application.pk}")
    assert 'value="Cuoco"' in page_text(form)
    response = client.post(
        url("placement_new", site_a, pk=person.pk),
        {
            "application": application.pk,
            "job_title": "Cuoco",
            "employer_name": "Hotel Roma",
            "contract_type": "fixed_term",
            "started_on": today.isoformat(),
            "hours_per_week": "30",
            "net_monthly_pay": "1150.00",
            "goal": goal.pk,
            "goal_achieved": "on",
        },
    )
    assert response.status_code == 302, page_text(response)
    with scopes_disabled():
        placement = Placement.objects.get()
        assert placement.net_monthly_pay is not None and str(placement.net_monthly_pay) == "1150.00"
        assert Goal.objects.get(pk=goal.pk).status == "achieved"
        # The desk's work is in the person's log of interventions, as the job desk's: the CV, the
        # application and the placement.
        assert Intervention.objects.filter(person=person, service="job_desk").count() == 3
    case_file = client.get(f"/s/roma/people/{person.pk}/")
    text = page_text(case_file)
    assert "Cuoco" in text and "Hotel Roma" in text
    assert said(case_file, "Started work: %(job)s", job="Cuoco") in text


def test_an_interview_needs_its_date_and_a_second_application_to_the_same_offer_is_refused(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    make_offer: Callable[..., JobOffer],
) -> None:
    person = make_person(site_a, "Awa", "Diallo")
    offer = make_offer("Cameriera")
    client = client_for("volunteer_a")
    client.post(url("offer_propose", site_a, offer_id=offer.pk, pk=person.pk))
    again = client.post(url("offer_propose", site_a, offer_id=offer.pk, pk=person.pk), follow=True)
    assert said(
        again, "This person has already applied for this offer: change that application."
    ) in page_text(again)
    with scopes_disabled():
        application = Application.objects.get()
    response = client.post(
        url("application", site_a, application_id=application.pk),
        {"status": "interview_set", "status_since": timezone.localdate().isoformat(), "version": 1},
    )
    assert response.status_code == 400
    assert said(response, "Give the interview's date and time.") in page_text(response)
    with scopes_disabled():
        assert Application.objects.get().status == "prepared"


def test_a_spontaneous_application_and_a_traineeship_allowance_only_for_a_traineeship(
    site_a: Site,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    cv_consent: Callable[[Person], Any],
) -> None:
    person = make_person(site_a, "Yonas", "Tesfaye")
    cv_consent(person)
    client = client_for("operator_a")
    today = timezone.localdate().isoformat()
    response = client.post(
        url("application_new", site_a, pk=person.pk),
        {"employer_name": "Logistica Nord", "status": "sent", "status_since": today},
    )
    assert response.status_code == 302
    with scopes_disabled():
        application = Application.objects.get()
        assert application.employer.name == "Logistica Nord" and application.sent_on is not None
    bad = client.post(
        url("placement_new", site_a, pk=person.pk),
        {
            "job_title": "Magazziniere",
            "employer_name": "Logistica Nord",
            "contract_type": "agency",
            "started_on": today,
            "traineeship_allowance": "500",
        },
    )
    assert bad.status_code == 400
    with scopes_disabled():
        assert not Placement.objects.exists()
    good = client.post(
        url("placement_new", site_a, pk=person.pk),
        {
            "job_title": "Magazziniere",
            "employer_name": "Logistica Nord",
            "contract_type": "traineeship",
            "started_on": today,
            "traineeship_allowance": "500",
        },
    )
    assert good.status_code == 302
    work = page_text(client.get(url("person", site_a, pk=person.pk)))
    assert "Magazziniere" in work


def test_merging_two_records_that_applied_to_the_same_offer_keeps_one_application_each(
    site_a: Site,
    personas: Any,
    make_person: Callable[..., Person],
    make_offer: Callable[..., JobOffer],
    operator: User,
) -> None:
    from percorsi.jobs import services as job_services
    from percorsi.people import services as people_services

    keep = make_person(site_a, "Mohamed", "Kamara")
    absorb = make_person(site_a, "Muhammad", "Kamara")
    offer = make_offer("Magazziniere")
    with scope(site=site_a):
        employer = job_services.employer_find_or_create(site=site_a, actor=operator, name="Logistica Nord")
        job_services.application_create(person=keep, actor=operator, offer=offer)
        twice = job_services.application_create(person=absorb, actor=operator, offer=offer)
        spontaneous = job_services.application_create(person=absorb, actor=operator, employer=employer)
        people_services.person_merge(keep=keep, absorb=absorb, actor=personas["coordinator_a"].user)
    with scopes_disabled():
        assert Application.objects.filter(person=keep, offer=offer).count() == 1
        assert Application.objects.get(pk=spontaneous.pk).person_id == keep.pk
        assert Application.objects.get(pk=twice.pk).person_id == absorb.pk


def test_a_desk_volunteer_records_a_placement_without_seeing_the_plan(
    site_a: Site, client_for: Callable[[str], Client], make_person: Callable[..., Person], operator: User
) -> None:
    person = make_person(site_a, "Awa", "Diallo")
    with scope(site=site_a):
        plan = plan_services.plan_start(person=person, actor=operator, started_on=timezone.localdate())
        plan_services.goal_add(
            plan=plan, actor=operator, fields={"area": "work", "description": "Trovare lavoro"}
        )
    volunteer, coordinator = client_for("volunteer_a"), client_for("coordinator_a")
    assert "Trovare lavoro" not in page_text(volunteer.get(url("placement_new", site_a, pk=person.pk)))
    assert "Trovare lavoro" in page_text(coordinator.get(url("placement_new", site_a, pk=person.pk)))


def test_a_merge_moves_the_cv_to_the_kept_record_when_it_has_none_and_undoing_it_moves_it_back(
    site_a: Site,
    personas: Any,
    client_for: Callable[[str], Client],
    make_person: Callable[..., Person],
    save_cv: Callable[..., Any],
    cook: Occupation,
) -> None:
    from percorsi.jobs.models import CV
    from percorsi.people import services as people_services

    coordinator = personas["coordinator_a"].user
    keep = make_person(site_a, "Mohamed", "Kamara")
    absorb = make_person(site_a, "Muhammad", "Kamara")
    cv = save_cv(absorb, wants=[cook])
    with scope(site=site_a):
        merge = people_services.person_merge(keep=keep, absorb=absorb, actor=coordinator)
    with scopes_disabled():
        moved = CV.objects.get(pk=cv.pk)
        assert moved.person_id == keep.pk and moved.versions.count() == 1
    page = client_for("operator_a").get(url("cv", site_a, pk=keep.pk))
    assert said(page, "No CV yet: write it, or import a Europass XML file.") not in page_text(page)

    with scope(site=site_a):
        people_services.merge_undo(merge=merge, actor=coordinator)
    with scopes_disabled():
        assert CV.objects.get(pk=cv.pk).person_id == absorb.pk


def test_a_merge_of_two_records_with_a_cv_each_keeps_each_cv_with_its_record(
    site_a: Site,
    personas: Any,
    make_person: Callable[..., Person],
    save_cv: Callable[..., Any],
    cook: Occupation,
) -> None:
    from percorsi.jobs.models import CV
    from percorsi.people import services as people_services

    keep = make_person(site_a, "Mohamed", "Kamara")
    absorb = make_person(site_a, "Muhammad", "Kamara")
    kept_cv, absorbed_cv = save_cv(keep, wants=[cook]), save_cv(absorb, wants=[cook])
    with scope(site=site_a):
        people_services.person_merge(keep=keep, absorb=absorb, actor=personas["coordinator_a"].user)
    with scopes_disabled():
        assert CV.objects.get(pk=kept_cv.pk).person_id == keep.pk
        assert CV.objects.get(pk=absorbed_cv.pk).person_id == absorb.pk
