"""Demonstration plans for `percorsi demo`: most demo people get a plan, in every stage.

Plans start from the site's suggested template through the services (so phases and goals are
copied as a real start copies them). Goal progress, reviews with the autonomy matrix (scores
that improve unevenly), about 20 interventions per person (emergencies early in a path, planned
work later), appointments this week and a few tasks are bulk-created with their history rows,
so that 600 people take seconds, not minutes; they write no audit entries (nobody consulted them).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_scopes import scope
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.models import Membership, Site
from percorsi.people.choices import CaseStatus
from percorsi.people.models import Person
from percorsi.plans import services
from percorsi.plans.choices import (
    AppointmentStatus,
    AssessmentOccasion,
    GoalArea,
    GoalStatus,
    InterventionKind,
    InterventionService,
    PlanOutcome,
    PlanStatus,
)
from percorsi.plans.dates import add_months
from percorsi.plans.models import (
    Appointment,
    AutonomyAssessment,
    Goal,
    Intervention,
    Plan,
    PlanTemplate,
    Review,
    Task,
)

# The service an intervention for a goal of each area comes from.
AREA_SERVICE = {
    GoalArea.WORK: InterventionService.JOB_DESK,
    GoalArea.HOUSING: InterventionService.HOUSING,
    GoalArea.LANGUAGE: InterventionService.LANGUAGE,
    GoalArea.LEGAL: InterventionService.LEGAL,
    GoalArea.HEALTH: InterventionService.HEALTH,
    GoalArea.EDUCATION: InterventionService.JOB_DESK,
    GoalArea.INCOME: InterventionService.CONTRIBUTIONS,
    GoalArea.SOCIAL: InterventionService.SOCIAL,
    GoalArea.OTHER: InterventionService.OTHER,
}
# Emergencies: what breaks a path in its first months.
EMERGENCY_NOTES = [
    "Accompagnato in Questura: permesso scaduto, chiesto appuntamento urgente",
    "Posto letto d'emergenza trovato per tre notti",
    "Accompagnato al pronto soccorso, mediatore linguistico presente",
    "Buono spesa per la settimana",
    "Sfratto annunciato: contattato il proprietario",
    "Abbonamento autobus pagato per il mese",
]
PLANNED_NOTES = {
    InterventionService.JOB_DESK: ["CV aggiornato", "Candidatura inviata", "Preparazione al colloquio"],
    InterventionService.LANGUAGE: [
        "Iscrizione al corso di italiano",
        "Verifica del livello",
        "Lezione sul lessico",
    ],
    InterventionService.HOUSING: [
        "Visita a un appartamento",
        "Colloquio con l'agenzia",
        "Bilancio dei costi",
    ],
    InterventionService.CONTRIBUTIONS: ["Richiesta di contributo per la caparra", "Rendiconto delle spese"],
    InterventionService.LEGAL: ["Rinnovo del permesso preparato", "Codice fiscale richiesto"],
    InterventionService.HEALTH: ["Scelta del medico di base", "Tessera sanitaria ritirata"],
    InterventionService.SOCIAL: [
        "Presentato all'associazione sportiva del quartiere",
        "Iscrizione in biblioteca",
    ],
    InterventionService.OTHER: ["Colloquio di aggiornamento"],
}
PERSON_VIEWS = [
    "Vorrei lavorare presto, anche in un settore diverso dal mio.",
    "Il corso mi aiuta, ma ho bisogno di più pratica nel parlare.",
    "La casa è il mio problema principale.",
    "Sono contento dei progressi; mi preoccupa il rinnovo del permesso.",
    "Vorrei far riconoscere il mio diploma.",
]
AGREED = [
    "Si concentra sulla ricerca di lavoro; l'operatore segue il rinnovo.",
    "Frequenza regolare al corso; prossima verifica tra tre mesi.",
    "Cerca una stanza in condivisione con il supporto dello sportello casa.",
    "Iscrizione al Centro per l'Impiego entro il mese.",
]
PLACES = ["Sportello, stanza 1", "Sportello, stanza 2", "Ufficio orientamento", "Sala colloqui"]


def create_demo_plans(*, site: Site) -> int:
    """Plans and their work for the site's demo people, unless the site already has plans."""
    if Plan.objects.with_scopes_disabled().filter(site=site).exists():
        return 0
    rng = random.Random(f"percorsi-demo-plans-{site.slug}")  # noqa: S311 (demonstration data)
    today = timezone.localdate()
    staff = [
        m.user
        for m in Membership.objects.filter(site=site, role__in=["operator", "coordinator"], is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    if not staff:
        return 0
    made = 0
    with (
        transaction.atomic(),
        audit.audit_context(request_id="cmd:demo", site_id=site.pk),
        scope(site=site),
        override("it"),
    ):
        template = PlanTemplate.objects.first() or services.template_create_suggested(
            site=site, actor=staff[0]
        )
        people = list(Person.objects.filter(deleted_at__isnull=True, merged_into__isnull=True).order_by("pk"))
        for person in people:
            if rng.random() > 0.85:
                continue  # some have no plan yet (just arrived, or declined)
            made += _plan_for(rng, person=person, template=template, staff=staff, today=today)
        made += _week_of_appointments(rng, site=site, people=people, staff=staff, today=today)
        made += _tasks(rng, site=site, people=people, staff=staff, today=today)
    return made


def _plan_for(
    rng: random.Random, *, person: Person, template: PlanTemplate, staff: list[User], today: date
) -> int:
    operator = person.operator or rng.choice(staff)
    arrival = person.arrival_date or person.case_opened_on
    start = min(arrival + timedelta(days=rng.randint(15, 200)), today - timedelta(days=rng.randint(0, 30)))
    # Someone who arrived years ago came to the service later: paths last about two years.
    start = max(start, today - timedelta(days=rng.randint(20, 720)), person.case_opened_on)
    # A closed case had its plan started earlier (and closed).
    closed = person.case_status == CaseStatus.CLOSED
    if closed:
        start = max(person.case_opened_on, min(start, today - timedelta(days=rng.randint(400, 700))))
    review_every = rng.choice([3, 3, 3, 2, 4])
    if closed:  # a closed case: its plan is made as it was, then closed below
        plan = Plan(
            site_id=person.site_id,
            person=person,
            template=template,
            started_on=start,
            operator=operator,
            review_every_months=review_every,
            created_by=operator,
        )
        plan.save()
        services.copy_template(plan=plan, template=template, actor=operator)
    else:
        plan = services.plan_start(
            person=person,
            actor=operator,
            started_on=start,
            template=template,
            operator=operator,
            review_every_months=review_every,
        )
    end = today
    if closed:
        end = min(today, start + timedelta(days=rng.randint(300, 540)))
    goals = list(plan.goals.all())
    _progress_goals(rng, goals, end=end)
    made = 1 + len(goals)
    reviews, assessments = _reviews(rng, plan=plan, person=person, operator=operator, end=end)
    made += len(reviews) + len(assessments)
    made += _interventions(rng, plan=plan, person=person, goals=goals, operator=operator, end=end)
    if closed:
        plan.status = PlanStatus.CLOSED
        plan.closed_on = end
        plan.outcome = rng.choices(
            [PlanOutcome.AUTONOMY, PlanOutcome.PARTLY, PlanOutcome.INTERRUPTED, PlanOutcome.TRANSFERRED],
            weights=[45, 30, 15, 10],
        )[0]
        plan.closing_note = "Percorso concluso; la persona resta in contatto con lo sportello."
        plan.save()
    elif rng.random() < 0.6:
        plan.agreed_on = start + timedelta(days=rng.randint(0, 14))
        plan.agreement_language = "it"
        plan.save(update_fields=["agreed_on", "agreement_language"])
    return made


def _progress_goals(rng: random.Random, goals: list[Goal], *, end: date) -> None:
    for goal in goals:
        target = goal.target_date or end
        if target < end:
            roll = rng.random()
            if roll < 0.6:
                goal.status, goal.status_since = (
                    GoalStatus.ACHIEVED,
                    target - timedelta(days=rng.randint(0, 40)),
                )
            elif roll < 0.72:
                goal.status, goal.status_reason = GoalStatus.NOT_ACHIEVED, "Tempi più lunghi del previsto"
                goal.status_since = target
            elif roll < 0.8:
                goal.status, goal.status_reason = GoalStatus.DROPPED, "Non più prioritario per la persona"
                goal.status_since = target
            else:
                goal.status = GoalStatus.IN_PROGRESS  # past its date: shows as overdue
        elif target < end + timedelta(days=120):
            goal.status = GoalStatus.IN_PROGRESS if rng.random() < 0.7 else GoalStatus.PLANNED
        goal.status_since = min(goal.status_since, end)
    bulk_update_with_history(goals, Goal, ["status", "status_reason", "status_since"], batch_size=500)


def _scores(rng: random.Random, previous: dict[str, int] | None) -> dict[str, int]:
    if previous is None:
        return {d: rng.choice([1, 2, 2, 2, 3, 3]) for d in AutonomyAssessment.DOMAINS}
    scores = {}
    for domain, value in previous.items():
        step = rng.choices([-1, 0, 0, 1, 1], weights=[8, 40, 20, 25, 7])[0]
        scores[domain] = max(1, min(5, value + step))
    return scores


def _reviews(
    rng: random.Random, *, plan: Plan, person: Person, operator: User, end: date
) -> tuple[list[Review], list[AutonomyAssessment]]:
    site_id = plan.site_id
    reviews, assessments = [], []
    scores = _scores(rng, None)
    assessments.append(
        AutonomyAssessment(
            site_id=site_id,
            person=person,
            plan=plan,
            occasion=AssessmentOccasion.INTAKE,
            assessed_on=plan.started_on,
            assessed_by=operator,
            **scores,
        )
    )
    day = add_months(plan.started_on, plan.review_every_months)
    while day <= end:
        held = day + timedelta(days=rng.randint(-5, 10))
        if held > end:
            break
        reviews.append(
            Review(
                site_id=site_id,
                plan=plan,
                held_on=held,
                participants=f"{person.full_name}, {operator}",
                interpreter="" if rng.random() < 0.6 else "Mediatore della cooperativa",
                language=rng.choice(["it", "en", "fr", "ar"]),
                person_view=rng.choice(PERSON_VIEWS),
                agreed=rng.choice(AGREED),
                person_agreed=rng.random() < 0.9,
                agreement_language="it",
                recorded_by=operator,
            )
        )
        day = add_months(held, plan.review_every_months)
    reviews = bulk_create_with_history(reviews, Review, batch_size=500, default_user=operator)
    for review in reviews:
        scores = _scores(rng, scores)
        assessments.append(
            AutonomyAssessment(
                site_id=site_id,
                person=person,
                plan=plan,
                review=review,
                occasion=AssessmentOccasion.REVIEW,
                assessed_on=review.held_on,
                assessed_by=operator,
                **scores,
            )
        )
    if person.case_status == CaseStatus.CLOSED:
        assessments.append(
            AutonomyAssessment(
                site_id=site_id,
                person=person,
                plan=plan,
                occasion=AssessmentOccasion.CLOSURE,
                assessed_on=end,
                assessed_by=operator,
                **_scores(rng, scores),
            )
        )
    assessments = bulk_create_with_history(
        assessments, AutonomyAssessment, batch_size=500, default_user=operator
    )
    return reviews, assessments


def _interventions(
    rng: random.Random, *, plan: Plan, person: Person, goals: list[Goal], operator: User, end: date
) -> int:
    # The work of a path: from shortly before the plan (the first emergencies) to today or its end.
    begin = max(person.case_opened_on, plan.started_on - timedelta(days=60))
    span = max((end - begin).days, 1)
    count = max(3, int(rng.gauss(20, 7)))
    services_weights = [
        (InterventionService.JOB_DESK, 25),
        (InterventionService.LANGUAGE, 15),
        (InterventionService.HOUSING, 15),
        (InterventionService.LEGAL, 15),
        (InterventionService.CONTRIBUTIONS, 8),
        (InterventionService.HEALTH, 8),
        (InterventionService.SOCIAL, 9),
        (InterventionService.OTHER, 5),
    ]
    entries = []
    for _n in range(count):
        day = begin + timedelta(days=int(span * rng.random() ** 1.3))  # more at the start of a path
        early = (day - begin).days < 90
        emergency = rng.random() < (0.45 if early else 0.08)
        if emergency:
            service = rng.choice(
                [
                    InterventionService.LEGAL,
                    InterventionService.HOUSING,
                    InterventionService.HEALTH,
                    InterventionService.CONTRIBUTIONS,
                ]
            )
            goal, note = None, rng.choice(EMERGENCY_NOTES)
        else:
            service = rng.choices(
                [s for s, _w in services_weights], weights=[w for _s, w in services_weights]
            )[0]
            matching = [g for g in goals if AREA_SERVICE.get(GoalArea(g.area)) == service]
            goal = rng.choice(matching) if matching and rng.random() < 0.8 else None
            note = rng.choice(PLANNED_NOTES[service])
        entries.append(
            Intervention(
                site_id=plan.site_id,
                person=person,
                plan=plan if day >= plan.started_on else None,
                goal=goal if day >= plan.started_on else None,
                happened_on=day,
                service=service,
                kind=InterventionKind.EMERGENCY if emergency else InterventionKind.PLANNED,
                duration_minutes=rng.choice([15, 20, 30, 30, 45, 60, 90, 120]),
                operator=operator,
                notes=note,
                outcome="" if rng.random() < 0.5 else "Fatto",
                recorded_by=operator,
            )
        )
    bulk_create_with_history(entries, Intervention, batch_size=1000, default_user=operator)
    return len(entries)


def _week_of_appointments(
    rng: random.Random, *, site: Site, people: list[Person], staff: list[User], today: date
) -> int:
    tz = timezone.get_current_timezone()
    open_cases = [p for p in people if p.case_status == CaseStatus.ACTIVE]
    rng.shuffle(open_cases)
    entries = []
    for index, person in enumerate(open_cases[: max(10, len(open_cases) // 4)]):
        day = today + timedelta(days=index % 7 - 1)
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        start = datetime.combine(day, time(9 + rng.randint(0, 7), rng.choice([0, 30])), tzinfo=tz)
        held = start < timezone.now()
        interpreter = rng.random() < 0.3
        entries.append(
            Appointment(
                site=site,
                person=person,
                starts_at=start,
                duration_minutes=rng.choice([30, 30, 45, 60]),
                place=rng.choice(PLACES),
                operator=person.operator or rng.choice(staff),
                interpreter_needed=interpreter,
                interpreter_language=rng.choice(["ar", "ti", "bn", "ur", "fr"]) if interpreter else "",
                reason=rng.choice(
                    ["Verifica del piano", "Aggiornamento CV", "Rinnovo permesso", "Ricerca casa"]
                ),
                status=AppointmentStatus.DONE if held else AppointmentStatus.SCHEDULED,
                created_by=rng.choice(staff),
            )
        )
    bulk_create_with_history(entries, Appointment, batch_size=500, default_user=staff[0])
    return len(entries)


def _tasks(rng: random.Random, *, site: Site, people: list[Person], staff: list[User], today: date) -> int:
    titles = [
        _("Call the Questura about the renewal"),
        _("Send the CV to the temp agency"),
        _("Ask the landlord for the contract draft"),
        _("Book the interpreter for the review"),
    ]
    entries = []
    for user in staff:
        for _n in range(rng.randint(2, 5)):
            person = rng.choice(people) if people and rng.random() < 0.8 else None
            due = today + timedelta(days=rng.randint(-6, 14))
            done = due < today and rng.random() < 0.5
            entries.append(
                Task(
                    site=site,
                    title=str(rng.choice(titles)),
                    due_on=due,
                    assignee=user,
                    person=person,
                    done_at=timezone.now() if done else None,
                    created_by=user,
                )
            )
    bulk_create_with_history(entries, Task, batch_size=500, default_user=staff[0])
    return len(entries)
