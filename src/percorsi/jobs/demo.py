"""Demonstration data for the job desk: employers, 200 job offers per site from mixed sources, CVs
for about half the people, applications at every stage and placements, a catalogue of trainings
with enrolments, qualifications earned abroad with recognition procedures at every stage.

Made directly with the models (the audit log is not for invented work), once per site."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from simple_history.utils import bulk_create_with_history

from percorsi.accounts.models import User
from percorsi.core.models import Membership, Site
from percorsi.jobs import cv as cv_content
from percorsi.jobs.choices import (
    ROUTE_STEPS,
    ApplicationStatus,
    ContractType,
    EnrolmentStatus,
    OfferSource,
    OfferStatus,
    RecognitionOutcome,
    StepStatus,
    WorkingTime,
)
from percorsi.jobs.models import (
    CV,
    Application,
    CVVersion,
    Employer,
    JobOffer,
    Occupation,
    Placement,
    Qualification,
    RecognitionProcedure,
    RecognitionStep,
    Training,
    TrainingEnrolment,
)
from percorsi.jobs.services import apply_profile
from percorsi.people.choices import CaseStatus, ConsentPurpose
from percorsi.people.models import Person
from percorsi.people.selectors import people_consenting

# The trades the desk meets most: (ISCO-08 unit group, title as offers write it, weight, contract,
# hours, gross pay, pay period, Italian level, licence).
TRADES: list[tuple[str, str, int, str, int, str, str, str, str]] = [
    ("5120", "Cuoco", 8, "fixed_term", 40, "1450", "month", "A2", ""),
    ("9412", "Aiuto cuoco", 10, "fixed_term", 30, "8.50", "hour", "A2", ""),
    ("9412", "Lavapiatti", 8, "seasonal", 30, "8.00", "hour", "A1", ""),
    ("5131", "Cameriere di sala", 7, "fixed_term", 30, "9.00", "hour", "B1", ""),
    ("9112", "Addetto alle pulizie", 10, "agency", 25, "8.20", "hour", "A1", ""),
    ("9313", "Manovale edile", 8, "fixed_term", 40, "1350", "month", "A1", ""),
    ("7112", "Muratore", 5, "fixed_term", 40, "1600", "month", "A2", ""),
    ("9333", "Magazziniere", 9, "agency", 40, "1400", "month", "A2", ""),
    ("8344", "Carrellista (patentino muletto)", 4, "agency", 40, "1500", "month", "A2", ""),
    ("8322", "Autista consegne", 4, "fixed_term", 40, "1550", "month", "A2", "B"),
    ("8332", "Autista camion", 2, "open_ended", 40, "1900", "month", "B1", "CE"),
    ("9211", "Bracciante agricolo", 7, "seasonal", 39, "7.50", "hour", "", ""),
    ("5322", "Assistente familiare (badante)", 6, "domestic", 54, "1100", "month", "B1", ""),
    ("9111", "Collaboratrice domestica", 3, "domestic", 20, "9.00", "hour", "A2", ""),
    ("7212", "Saldatore", 2, "fixed_term", 40, "1700", "month", "A2", ""),
    ("7411", "Elettricista", 2, "apprenticeship", 40, "1300", "month", "B1", "B"),
    ("7126", "Idraulico", 1, "apprenticeship", 40, "1300", "month", "B1", "B"),
    ("5223", "Addetto alle vendite (tirocinio)", 2, "traineeship", 30, "600", "month", "B1", ""),
    ("9321", "Addetto al confezionamento", 4, "agency", 40, "8.40", "hour", "A1", ""),
    ("7531", "Sarto", 1, "fixed_term", 30, "1200", "month", "A2", ""),
]
EMPLOYERS = [
    ("Trattoria Da Mario", "ristorazione"),
    ("Hotel Bellavista", "alberghiero"),
    ("Pizzeria Il Forno", "ristorazione"),
    ("Mensa Aziendale Servizi Srl", "ristorazione collettiva"),
    ("Cooperativa Pulire Insieme", "pulizie"),
    ("Edilnova Costruzioni", "edilizia"),
    ("Logistica Tiburtina Spa", "logistica"),
    ("Magazzini Generali Est", "logistica"),
    ("Agenzia per il lavoro Tempo Pieno", "agenzia per il lavoro"),
    ("Lavoro Subito Spa", "agenzia per il lavoro"),
    ("Azienda Agricola Colle Verde", "agricoltura"),
    ("Vivai Del Sole", "agricoltura"),
    ("Famiglia Rossi (privato)", "lavoro domestico"),
    ("Carpenteria Metallica Veneta", "metalmeccanica"),
    ("Impianti Elettrici Bianchi", "impiantistica"),
    ("Termoidraulica Moretti", "impiantistica"),
    ("Supermercati Risparmio", "commercio"),
    ("Confezioni Adriatica", "manifattura"),
    ("Sartoria Moderna", "manifattura"),
    ("Trasporti Rapidi Srl", "trasporti"),
]
NEWSPAPERS = ["Porta Portese", "Il Messaggero", "Il Giornale di Vicenza", "Secondamano"]
WEBSITES = ["Indeed", "InfoJobs", "Subito.it", "LinkedIn", "Portale Lavoro Regione"]
PLACES = {
    "roma": ["Roma", "Roma, Tiburtina", "Fiumicino", "Guidonia", "Pomezia"],
    "vicenza": ["Vicenza", "Schio", "Bassano del Grappa", "Thiene", "Arzignano"],
}
ABROAD_EMPLOYERS = [
    "Family farm",
    "Local market",
    "Restaurant",
    "Construction site",
    "Tailor's shop",
    "Garage",
]


def _occupations() -> dict[str, Occupation]:
    """An occupation for each trade's ISCO group: the one with an Italian name when there is one."""
    found: dict[str, Occupation] = {}
    codes = {trade[0] for trade in TRADES}
    for occupation in Occupation.objects.filter(isco_group_id__in=codes).order_by("-label_it", "pk"):
        found.setdefault(occupation.isco_group_id, occupation)
    return found


def create_demo_jobs(*, site: Site) -> int:
    """Employers, offers, CVs, applications and placements for the site, unless it has offers."""
    if JobOffer.objects.with_scopes_disabled().filter(site=site).exists():
        return 0
    rng = random.Random(f"percorsi-demo-jobs-{site.slug}")  # noqa: S311 (demonstration data)
    today = timezone.localdate()
    staff = [
        m.user
        for m in Membership.objects.filter(
            site=site, is_active=True, role__in=["operator", "coordinator", "desk-volunteer"]
        )
        .select_related("user")
        .order_by("pk")
    ]
    if not staff:
        return 0
    with transaction.atomic(), scope(site=site):
        occupations = _occupations()
        employers = bulk_create_with_history(
            [
                Employer(
                    site=site, name=name, sector=sector, town=rng.choice(PLACES.get(site.slug, [site.city]))
                )
                for name, sector in EMPLOYERS
            ],
            Employer,
            default_user=staff[0],
        )
        offers = _offers(
            rng, site=site, employers=employers, occupations=occupations, staff=staff, today=today
        )
        people = list(
            Person.objects.filter(deleted_at__isnull=True, merged_into__isnull=True)
            .prefetch_related("languages")
            .order_by("pk")
        )
        cvs = _cvs(rng, site=site, people=people, occupations=occupations, staff=staff, today=today)
        made = _applications_and_placements(
            rng,
            site=site,
            cvs=cvs,
            offers=offers,
            employers=employers,
            occupations=occupations,
            staff=staff,
            today=today,
        )
        made += _trainings(rng, site=site, cvs=cvs, occupations=occupations, staff=staff, today=today)
        made += _recognitions(rng, site=site, people=people, staff=staff, today=today)
    return len(employers) + len(offers) + len(cvs) + made


def _offers(
    rng: random.Random,
    *,
    site: Site,
    employers: list[Employer],
    occupations: dict[str, Occupation],
    staff: list[User],
    today: date,
) -> list[JobOffer]:
    offers = []
    weights = [trade[2] for trade in TRADES]
    for n in range(200):
        code, title, _w, contract, hours, pay, period, italian, licence = rng.choices(
            TRADES, weights=weights
        )[0]
        source = rng.choices(
            [
                OfferSource.WEBSITE,
                OfferSource.NEWSPAPER,
                OfferSource.JOB_CENTRE,
                OfferSource.AGENCY,
                OfferSource.EMPLOYER,
                OfferSource.WORD_OF_MOUTH,
            ],
            weights=[35, 15, 12, 20, 10, 8],
        )[0]
        entered = today - timedelta(days=int(400 * rng.random() ** 1.5))
        created = timezone.make_aware(datetime.combine(entered, time(9 + n % 8, (n * 7) % 60)))
        deadline = entered + timedelta(days=rng.choice([10, 15, 20, 30]))
        status = (
            OfferStatus.OPEN if deadline >= today else rng.choice([OfferStatus.FILLED, OfferStatus.CLOSED])
        )
        employer = rng.choice(employers)
        offers.append(
            JobOffer(
                site=site,
                title=title,
                occupation=occupations.get(code),
                employer=employer,
                source=source,
                source_name=(
                    rng.choice(WEBSITES)
                    if source == OfferSource.WEBSITE
                    else rng.choice(NEWSPAPERS)
                    if source == OfferSource.NEWSPAPER
                    else "Centro per l'Impiego"
                    if source == OfferSource.JOB_CENTRE
                    else ""
                ),
                source_url=f"https://lavoro.example.org/offerte/{site.slug}-{n}"
                if source == OfferSource.WEBSITE
                else "",
                source_date=entered - timedelta(days=rng.randint(0, 3)),
                place=rng.choice(PLACES.get(site.slug, [site.city])),
                contract_type=contract,
                working_time=WorkingTime.FULL_TIME if hours >= 36 else WorkingTime.PART_TIME,
                hours_per_week=hours,
                pay=Decimal(pay),
                pay_period=period,
                italian_level=italian,
                driving_licence=licence,
                experience_years=rng.choice([None, None, 1, 2]),
                documents_required=rng.choice(
                    ["", "", "Permesso di soggiorno valido", "HACCP", "Patentino del muletto"]
                ),
                places=rng.choice([1, 1, 1, 2, 3]),
                deadline=deadline,
                status=status,
                created_at=created,
                created_by=rng.choice(staff),
            )
        )
    return bulk_create_with_history(offers, JobOffer, batch_size=500, default_user=staff[0])


def _cv_content(
    rng: random.Random, person: Person, occupations: dict[str, Occupation], today: date
) -> dict[str, Any]:
    trades = rng.sample(TRADES, k=rng.choice([1, 1, 2]))
    origin = person.birth_country or "NG"
    work = []
    year = today.year - rng.randint(2, 8)
    for code, title, *_rest in trades:
        occupation = occupations.get(code)
        start = year - rng.randint(1, 4)
        work.append(
            {
                "position": title,
                "occupation": occupation.uri if occupation else "",
                "isco": code,
                "employer": rng.choice(ABROAD_EMPLOYERS),
                "town": "",
                "country": origin,
                "start": str(start),
                "end": str(year),
                "formal": rng.random() < 0.4,
                "activities": "",
            }
        )
        year = start
    if rng.random() < 0.3:
        code, title, *_rest = rng.choice(TRADES)
        work.insert(
            0,
            {
                "position": title,
                "isco": code,
                "occupation": occupations[code].uri if code in occupations else "",
                "employer": "Tirocinio in Italia",
                "country": "IT",
                "start": f"{today.year - 1}-{rng.randint(1, 12):02d}",
                "end": "",
                "current": False,
                "formal": True,
            },
        )
        work[0]["end"] = work[0]["start"]
    levels = ["A1", "A1", "A2", "A2", "B1", "B2"]
    italian = rng.choice(levels)
    grid = dict.fromkeys(cv_content.LANGUAGE_SKILLS, italian)
    grid["writing"] = levels[max(0, levels.index(italian) - 1)]
    mother = [lang.language for lang in person.languages.all() if lang.is_mother_tongue][:1]
    return {
        "include": ["nationality", "phone", "email"],
        "desired_jobs": [
            {"label": title, "isco": code, "occupation": occupations[code].uri if code in occupations else ""}
            for code, title, *_rest in trades
        ],
        "work": work,
        "education": (
            [
                {
                    "title": "Scuola secondaria",
                    "organisation": "",
                    "country": origin,
                    "level": "lower_secondary",
                    "start": "",
                    "end": "",
                }
            ]
            if rng.random() < 0.6
            else []
        ),
        "mother_tongues": mother,
        "languages": [
            {
                "language": "it",
                **grid,
                "certificates": "CILS A2" if italian in ("A2", "B1") and rng.random() < 0.3 else "",
            }
        ],
        "driving_licences": ["B"] if rng.random() < 0.25 else [],
        "availability": {
            "from": "",
            "working_time": rng.choice(["", "full_time", "part_time"]),
            "shifts": rng.random() < 0.6,
            "nights": rng.random() < 0.3,
            "weekends": rng.random() < 0.6,
            "places": rng.choice(["", "Roma e provincia", "Vicenza e provincia", "ovunque"]),
        },
    }


def _cvs(
    rng: random.Random,
    *,
    site: Site,
    people: list[Person],
    occupations: dict[str, Occupation],
    staff: list[User],
    today: date,
) -> list[CV]:
    chosen = [p for p in people if p.case_status != CaseStatus.CLOSED and rng.random() < 0.55]
    cvs = []
    for person in chosen:
        content = cv_content.parse(_cv_content(rng, person, occupations, today))
        cv = CV.objects.create(site=site, person=person, version=1)
        saved_at = timezone.now() - timedelta(days=rng.randint(0, 200))
        author = rng.choice(staff)
        version = CVVersion.objects.create(
            site=site, cv=cv, number=1, content=content, created_by=author, note=""
        )
        CVVersion.objects.filter(pk=version.pk).update(created_at=saved_at)
        cv.current = version
        apply_profile(cv, content)
        cv.save()
        cvs.append(cv)
    return cvs


def _applications_and_placements(
    rng: random.Random,
    *,
    site: Site,
    cvs: list[CV],
    offers: list[JobOffer],
    employers: list[Employer],
    occupations: dict[str, Occupation],
    staff: list[User],
    today: date,
) -> int:
    applications, placements = [], []
    by_group: dict[str, list[JobOffer]] = {}
    for offer in offers:
        if offer.occupation is not None:
            by_group.setdefault(offer.occupation.isco_group_id, []).append(offer)
    statuses = [
        (ApplicationStatus.PREPARED, 8),
        (ApplicationStatus.SENT, 25),
        (ApplicationStatus.INTERVIEW_SET, 8),
        (ApplicationStatus.INTERVIEWED, 10),
        (ApplicationStatus.OFFERED, 3),
        (ApplicationStatus.HIRED, 12),
        (ApplicationStatus.REJECTED, 25),
        (ApplicationStatus.WITHDRAWN, 9),
    ]
    # Without consent to share the CV nothing is sent: those people's applications stay prepared.
    consenting = people_consenting([cv.person_id for cv in cvs], ConsentPurpose.JOB_MATCHING, today)
    for cv in cvs:
        if rng.random() > 0.6:
            continue
        wanted = [offer for code in cv.desired_isco for offer in by_group.get(code, [])]
        for offer in rng.sample(wanted, k=min(len(wanted), rng.choice([1, 1, 2, 3]))):
            status = rng.choices([s for s, _w in statuses], weights=[w for _s, w in statuses])[0]
            if cv.person_id not in consenting:
                status = ApplicationStatus.PREPARED
            since = min(today, offer.created_at.date() + timedelta(days=rng.randint(1, 40)))
            interview = None
            if status in (
                ApplicationStatus.INTERVIEW_SET,
                ApplicationStatus.INTERVIEWED,
                ApplicationStatus.OFFERED,
                ApplicationStatus.HIRED,
            ):
                day = (
                    today + timedelta(days=rng.randint(1, 6))
                    if status == ApplicationStatus.INTERVIEW_SET
                    else since
                )
                interview = timezone.make_aware(
                    datetime.combine(day, time(rng.choice([9, 10, 11, 14, 15]), 0))
                )
            application = Application(
                site=site,
                person_id=cv.person_id,
                offer=offer,
                status=status,
                status_since=since,
                sent_on=None if status == ApplicationStatus.PREPARED else since,
                interview_at=interview,
                preparation="Ripassare le esperienze precedenti; portare il permesso di soggiorno."
                if interview
                else "",
                created_by=rng.choice(staff),
            )
            applications.append(application)
            if status == ApplicationStatus.HIRED:
                start = since + timedelta(days=rng.randint(3, 15))
                start = min(start, today)
                contract = offer.contract_type or ContractType.FIXED_TERM
                traineeship = contract == ContractType.TRAINEESHIP
                placements.append(
                    Placement(
                        site=site,
                        person_id=cv.person_id,
                        employer=offer.employer or rng.choice(employers),
                        job_title=offer.title,
                        occupation=offer.occupation,
                        contract_type=contract,
                        started_on=start,
                        ends_on=None
                        if contract == ContractType.OPEN_ENDED
                        else start + timedelta(days=rng.choice([90, 180, 365])),
                        hours_per_week=offer.hours_per_week,
                        net_monthly_pay=None
                        if traineeship
                        else Decimal(rng.choice(["850", "980", "1100", "1250", "1400"])),
                        traineeship_allowance=Decimal("600") if traineeship else None,
                        application=application,
                        created_by=rng.choice(staff),
                    )
                )
    applications = bulk_create_with_history(applications, Application, batch_size=500, default_user=staff[0])
    for placement in placements:
        placement.application = next(
            (
                a
                for a in applications
                if a.person_id == placement.person_id and a.status == ApplicationStatus.HIRED
            ),
            None,
        )
    placements = bulk_create_with_history(placements, Placement, batch_size=500, default_user=staff[0])
    return len(applications) + len(placements)


# (title, provider, ISCO unit group, hours, cost, Italian level, documents)
TRAININGS = [
    (
        "Corso HACCP per alimentaristi",
        "Ente Formazione Ristorazione",
        "9412",
        12,
        "0",
        "A2",
        "Documento d'identità",
    ),
    (
        "Aiuto cuoco: corso professionale",
        "Scuola di cucina regionale",
        "5120",
        300,
        "0",
        "A2",
        "Permesso di soggiorno",
    ),
    ("Sicurezza sul lavoro: formazione generale", "Centro per la sicurezza", "", 4, "0", "A1", ""),
    (
        "Patentino per carrelli elevatori",
        "Centro formazione logistica",
        "8344",
        12,
        "150",
        "A2",
        "Permesso di soggiorno",
    ),
    (
        "Operatore socio-sanitario (OSS)",
        "Ente di formazione accreditato",
        "5321",
        1000,
        "0",
        "B1",
        "Licenza media",
    ),
    ("Addetto alle pulizie professionali", "Cooperativa formazione", "9112", 40, "0", "A1", ""),
    ("Muratore: cantiere scuola", "Scuola edile", "7112", 120, "0", "A2", ""),
    ("Saldatura a filo (MIG/MAG)", "Centro formazione metalmeccanica", "7212", 80, "200", "A2", ""),
    ("Potatura e giardinaggio", "Istituto agrario", "9214", 60, "0", "A1", ""),
    ("Italiano per il lavoro: la cucina", "CPIA", "", 40, "0", "literacy", ""),
]


def _trainings(
    rng: random.Random,
    *,
    site: Site,
    cvs: list[CV],
    occupations: dict[str, Occupation],
    staff: list[User],
    today: date,
) -> int:
    found = {
        o.isco_group_id: o
        for o in Occupation.objects.filter(isco_group_id__in=[t[2] for t in TRAININGS if t[2]])
    }
    trainings = []
    for n, (title, provider, code, hours, cost, level, documents) in enumerate(TRAININGS):
        start = today + timedelta(days=rng.randint(-120, 90))
        trainings.append(
            Training(
                site=site,
                title=title,
                provider=provider,
                occupation=found.get(code) or occupations.get(code),
                place=rng.choice(PLACES.get(site.slug, [site.city])),
                starts_on=start,
                ends_on=start + timedelta(days=max(1, hours // 4)),
                hours=hours,
                cost=Decimal(cost),
                language_level=level if level != "literacy" else "",
                documents_required=documents,
                places=rng.choice([10, 12, 15, 20]),
                application_deadline=start - timedelta(days=7),
                link=f"https://formazione.example.org/corsi/{site.slug}-{n}",
                created_by=staff[0],
            )
        )
    trainings = bulk_create_with_history(trainings, Training, default_user=staff[0])
    enrolments = []
    for cv in cvs:
        if rng.random() > 0.3:
            continue
        training = rng.choice(trainings)
        suggested = min(today, (training.starts_on or today) - timedelta(days=rng.randint(8, 40)))
        if training.ends_on and training.ends_on < today:
            status = rng.choices(
                [EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED, EnrolmentStatus.SUGGESTED],
                weights=[6, 2, 1],
            )[0]
        elif training.starts_on and training.starts_on <= today:
            status = rng.choice(
                [EnrolmentStatus.ATTENDING, EnrolmentStatus.ATTENDING, EnrolmentStatus.DROPPED]
            )
        else:
            status = rng.choice([EnrolmentStatus.SUGGESTED, EnrolmentStatus.ENROLLED])
        enrolments.append(
            TrainingEnrolment(
                site=site,
                person_id=cv.person_id,
                training=training,
                status=status,
                status_since=min(today, max(suggested, training.ends_on or suggested))
                if status == EnrolmentStatus.COMPLETED
                else suggested,
                suggested_on=suggested,
                certificate=status == EnrolmentStatus.COMPLETED and rng.random() < 0.8,
                suggested_by=rng.choice(staff),
            )
        )
    bulk_create_with_history(enrolments, TrainingEnrolment, default_user=staff[0])
    return len(trainings) + len(enrolments)


QUALIFICATIONS = [
    ("Diploma di scuola secondaria superiore", "upper_secondary", ""),
    ("Laurea in ingegneria civile", "bachelor", "ingegneria"),
    ("Diploma di infermiere", "post_secondary", "infermieristica"),
    ("Laurea in economia", "bachelor", "economia"),
    ("Diploma professionale di elettricista", "vocational", "elettrotecnica"),
    ("Laurea in lettere", "bachelor", "lettere"),
]


def _recognitions(
    rng: random.Random, *, site: Site, people: list[Person], staff: list[User], today: date
) -> int:
    chosen = [p for p in people if p.case_status != CaseStatus.CLOSED and rng.random() < 0.12]
    made = 0
    for person in chosen:
        title, level, field = rng.choice(QUALIFICATIONS)
        no_documents = rng.random() < 0.3
        qualification = Qualification.objects.create(
            site=site,
            person=person,
            title=title,
            level=level,
            field=field,
            country=person.birth_country or "",
            institution="",
            year=today.year - rng.randint(3, 15),
            documents=["none"]
            if no_documents
            else rng.choice([["original"], ["copy", "transcript"], ["original", "translation"]]),
        )
        made += 1
        if rng.random() < 0.25:
            continue  # recorded, no procedure yet
        route = (
            "eqpr"
            if no_documents
            else rng.choice(["cimea", "cimea", "equivalence", "declaration_of_value", "professional"])
        )
        started = today - timedelta(days=rng.randint(10, 300))
        kinds = ROUTE_STEPS[route]
        # How far it went: the steps done so far; a finished one has its outcome.
        done = rng.randint(0, len(kinds))
        finished = done == len(kinds)
        stalled = not finished and rng.random() < 0.3
        last = started + timedelta(days=15 * done)
        if stalled:
            last = min(last, today - timedelta(days=rng.randint(31, 80)))
        last = min(last, today)
        outcome = (
            rng.choice([RecognitionOutcome.RECOGNISED, RecognitionOutcome.PARTLY, RecognitionOutcome.REFUSED])
            if finished
            else ""
        )
        procedure = RecognitionProcedure.objects.create(
            site=site,
            person=person,
            qualification=qualification,
            route=route,
            started_on=started,
            operator=rng.choice(staff),
            outcome=outcome,
            outcome_on=last if finished else None,
            outcome_note="Comparabile a un titolo italiano di pari livello."
            if outcome == RecognitionOutcome.RECOGNISED
            else "",
            last_activity_on=last,
        )
        steps = []
        for position, kind in enumerate(kinds, start=1):
            is_done = position <= done
            day = min(today, started + timedelta(days=15 * position))
            steps.append(
                RecognitionStep(
                    site=site,
                    procedure=procedure,
                    position=position,
                    kind=kind,
                    status=StepStatus.DONE
                    if is_done
                    else (StepStatus.IN_PROGRESS if position == done + 1 else StepStatus.TO_DO),
                    done_on=day if is_done else None,
                    cost=Decimal(rng.choice(["0", "16.00", "48.00", "120.00"]))
                    if kind in ("translation", "legalisation", "application")
                    else None,
                    changed_on=min(day, last),
                )
            )
        bulk_create_with_history(steps, RecognitionStep, default_user=staff[0])
        made += 1 + len(steps)
    return made
