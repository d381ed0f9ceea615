"""Demonstration people for `percorsi demo`: about 300 per site, realistic and reproducible.

Names from the main countries of origin, about 75% men, every legal status (humanitarian
protection on the older cases), some permits expiring soon, and a few people recorded twice with
another spelling, for the duplicate check to find. Everything goes through the services, so the
audit log and the history are as real use would leave them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from percorsi.accounts.models import User
from percorsi.core import audit
from percorsi.core.models import Membership, Site
from percorsi.people import services
from percorsi.people.choices import (
    ArrivalRoute,
    CaseStatus,
    CefrLevel,
    ClosureReason,
    ConsentPurpose,
    DatePrecision,
    DocumentKind,
    LegalStatusKind,
    NoteCategory,
)
from percorsi.people.models import Person

PEOPLE_PER_SITE = 300

# country: (weight, languages, male given names, female given names, family names, native script or None)
ORIGINS: dict[str, tuple[int, list[str], list[str], list[str], list[str]]] = {
    "NG": (
        14,
        ["en", "yo", "ig", "ha", "pcm"],
        [
            "Chukwuemeka",
            "Oluwaseun",
            "Emeka",
            "Ibrahim",
            "Samuel",
            "Godwin",
            "Osas",
            "Kelvin",
            "Ikenna",
            "Blessing",
        ],
        ["Blessing", "Joy", "Precious", "Gift", "Chiamaka", "Faith", "Esther", "Osasere"],
        ["Okafor", "Adeyemi", "Eze", "Okonkwo", "Ibrahim", "Osagie", "Nwosu", "Balogun", "Obi", "Idahosa"],
    ),
    "PK": (
        10,
        ["ur", "pa", "ps"],
        ["Muhammad", "Ali", "Imran", "Bilal", "Usman", "Hamza", "Asif", "Zeeshan", "Waqas", "Faisal"],
        ["Ayesha", "Fatima", "Sana", "Nadia", "Amna"],
        ["Khan", "Hussain", "Ahmed", "Malik", "Butt", "Iqbal", "Raza", "Shah", "Chaudhry", "Akhtar"],
    ),
    "BD": (
        9,
        ["bn"],
        ["Mohammad", "Abdul", "Rahim", "Karim", "Sohel", "Jahid", "Rashed", "Mizanur", "Shahidul", "Rubel"],
        ["Nusrat", "Shirin", "Taslima", "Rokeya"],
        ["Hossain", "Rahman", "Islam", "Uddin", "Ahmed", "Miah", "Sarkar", "Alam", "Chowdhury", "Begum"],
    ),
    "AF": (
        8,
        ["fa", "ps"],
        ["Ahmad", "Mohammad", "Mustafa", "Rahmatullah", "Najib", "Farid", "Hamid", "Jawad", "Sayed", "Wahid"],
        ["Zahra", "Maryam", "Fatema", "Shabnam", "Parwana", "Nilofar"],
        [
            "Ahmadi",
            "Hashimi",
            "Rahimi",
            "Karimi",
            "Sultani",
            "Noori",
            "Haidari",
            "Mohammadi",
            "Safi",
            "Amiri",
        ],
    ),
    "ER": (
        8,
        ["ti", "ar"],
        ["Tesfaye", "Yonas", "Habte", "Kidane", "Amanuel", "Tsegay", "Samuel", "Filmon", "Dawit", "Mehari"],
        ["Senait", "Helen", "Ruth", "Saba", "Feven", "Yohana"],
        ["Tesfamariam", "Ghebremedhin", "Haile", "Tekle", "Berhane", "Woldu", "Kahsay", "Ghirmay", "Abraha"],
    ),
    "GM": (
        7,
        ["en", "wo", "mnk"],
        ["Lamin", "Ousman", "Modou", "Ebrima", "Alieu", "Buba", "Momodou", "Sainey", "Musa"],
        ["Fatou", "Isatou", "Mariama", "Awa"],
        ["Jallow", "Ceesay", "Touray", "Sanneh", "Jammeh", "Bah", "Camara", "Darboe", "Manneh"],
    ),
    "ML": (
        7,
        ["fr", "bm"],
        ["Mamadou", "Moussa", "Seydou", "Boubacar", "Amadou", "Oumar", "Drissa", "Bakary", "Souleymane"],
        ["Aminata", "Fatoumata", "Kadiatou", "Mariam"],
        ["Traoré", "Keita", "Coulibaly", "Diarra", "Konaté", "Diallo", "Sissoko", "Touré", "Sangaré"],
    ),
    "CI": (
        7,
        ["fr", "dyu"],
        ["Yao", "Kouadio", "Konan", "Yacouba", "Adama", "Souleymane", "Ibrahim", "Serge", "Ange"],
        ["Aya", "Affoué", "Adjoua", "Mariam", "Christelle"],
        ["Kouassi", "Koné", "Ouattara", "Bamba", "Yao", "Kouamé", "Cissé", "Doumbia", "N'Guessan"],
    ),
    "SN": (
        6,
        ["wo", "fr"],
        ["Cheikh", "Mamadou", "Moustapha", "Ibrahima", "Abdoulaye", "Modou", "Babacar", "Pape"],
        ["Fatou", "Aïssatou", "Ndeye", "Khady", "Astou"],
        ["Diop", "Ndiaye", "Fall", "Sow", "Faye", "Gueye", "Sarr", "Mbaye", "Diouf"],
    ),
    "GN": (
        6,
        ["fr", "ff", "sus"],
        ["Mamadou", "Alpha", "Ibrahima", "Sékou", "Ousmane", "Thierno", "Abdoulaye", "Amadou"],
        ["Mariama", "Hawa", "Kadiatou", "Fanta"],
        ["Diallo", "Barry", "Bah", "Camara", "Sylla", "Soumah", "Condé", "Baldé", "Sow"],
    ),
    "SO": (
        5,
        ["so", "ar"],
        ["Abdirahman", "Mohamed", "Abdullahi", "Ahmed", "Hassan", "Yusuf", "Abdikarim", "Omar"],
        ["Hodan", "Fadumo", "Ayaan", "Hawa", "Sahra"],
        ["Mohamed", "Ali", "Hassan", "Abdi", "Warsame", "Farah", "Osman", "Nur", "Jama"],
    ),
    "SD": (
        5,
        ["ar"],
        ["Mohamed", "Osman", "Abdelrahman", "Adam", "Ibrahim", "Mustafa", "Khalid", "Yasir", "Hussein"],
        ["Amna", "Fatima", "Hawa", "Samah"],
        ["Abdallah", "Adam", "Ibrahim", "Elsayed", "Yousif", "Osman", "Hamid", "Ahmed", "Babiker"],
    ),
    "TN": (
        5,
        ["ar", "fr"],
        ["Mohamed", "Ahmed", "Youssef", "Aymen", "Bilel", "Hamza", "Walid", "Sami", "Amine"],
        ["Amira", "Salma", "Ines", "Rania"],
        ["Ben Ali", "Trabelsi", "Gharbi", "Jlassi", "Hammami", "Ben Salah", "Mejri", "Ayari", "Dridi"],
    ),
    "EG": (
        5,
        ["ar"],
        ["Mohamed", "Ahmed", "Mahmoud", "Mostafa", "Omar", "Karim", "Hany", "Islam", "Ali"],
        ["Mona", "Nour", "Heba", "Yasmin"],
        ["El-Sayed", "Abdelaziz", "Hassan", "Ibrahim", "Mahmoud", "Soliman", "Farouk", "Ali", "Mostafa"],
    ),
    "UA": (
        6,
        ["uk", "ru"],
        ["Oleksandr", "Serhii", "Andrii", "Dmytro", "Yevhen", "Mykola", "Volodymyr"],
        ["Olena", "Oksana", "Iryna", "Natalia", "Tetiana", "Yulia", "Kateryna", "Svitlana"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko", "Oliinyk"],
    ),
}

# Statuses and how common they are; older cases carry humanitarian protection.
STATUS_WEIGHTS = [
    (LegalStatusKind.ASYLUM_SEEKER, 24),
    (LegalStatusKind.REFUGEE, 12),
    (LegalStatusKind.SUBSIDIARY, 12),
    (LegalStatusKind.SPECIAL_PROTECTION, 12),
    (LegalStatusKind.TEMPORARY, 4),
    (LegalStatusKind.WORK, 6),
    (LegalStatusKind.FAMILY, 3),
    (LegalStatusKind.EU_LONG_TERM, 2),
    (LegalStatusKind.STUDY, 1),
    (LegalStatusKind.UNACCOMPANIED_MINOR, 2),
    (LegalStatusKind.SPECIAL_TRAFFICKING, 2),
    (LegalStatusKind.SPECIAL_DOMESTIC_VIOLENCE, 1),
    (LegalStatusKind.SPECIAL_LABOUR, 1),
    (LegalStatusKind.SPECIAL_MEDICAL, 1),
    (LegalStatusKind.SPECIAL_CALAMITY, 1),
    (LegalStatusKind.NONE, 2),
    (LegalStatusKind.OTHER, 1),
]
PERMIT_YEARS = {
    LegalStatusKind.ASYLUM_SEEKER: 0.5,
    LegalStatusKind.REFUGEE: 5,
    LegalStatusKind.SUBSIDIARY: 5,
    LegalStatusKind.HUMANITARIAN: 2,
    LegalStatusKind.SPECIAL_PROTECTION: 2,
    LegalStatusKind.TEMPORARY: 1,
}
STREETS = ["Roma", "Garibaldi", "Mazzini", "Verdi", "Dante", "Cavour", "Manzoni", "Marconi"]
QUESTURE = {"roma": "Questura di Roma", "vicenza": "Questura di Vicenza"}
# Spelling variants used for the duplicates the demo records on purpose.
VARIANTS = {
    "Mohamed": "Muhammad",
    "Muhammad": "Mohammed",
    "Mohammad": "Mohamad",
    "Ahmed": "Ahmad",
    "Mustafa": "Moustapha",
    "Mamadou": "Mamadu",
    "Ibrahim": "Ebrahim",
    "Yusuf": "Youssef",
    "Ousman": "Usman",
    "Fatou": "Fatu",
    "Jallow": "Diallo",
    "Hossain": "Hussain",
    "Tesfaye": "Tesfay",
    "Oksana": "Oxana",
    "Serhii": "Sergiy",
    "Aïssatou": "Aissatou",
    "Traoré": "Traore",
    "Habte": "Habtay",
}


def _pick_weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _variant(name: str) -> str:
    parts = name.split()
    return " ".join(VARIANTS.get(part, part) for part in parts)


def create_demo_people(*, site: Site, count: int | None = None) -> int:
    """Create the site's demonstration people unless the site already has people. Returns how many."""
    if count is None:
        count = getattr(settings, "PERCORSI_DEMO_PEOPLE_PER_SITE", PEOPLE_PER_SITE)
    if Person.objects.with_scopes_disabled().filter(site=site).exists():
        return 0
    rng = random.Random(f"percorsi-demo-{site.slug}")  # noqa: S311 (demonstration data, not security)
    today = timezone.localdate()
    staff = list(
        Membership.objects.filter(
            site=site, role__in=["operator", "coordinator"], is_active=True
        ).select_related("user")
    )
    actors: list[User] = [m.user for m in staff] or list(
        User.objects.filter(memberships__site__isnull=True)[:1]
    )
    if not actors:
        return 0
    origins = [(country, spec[0]) for country, spec in ORIGINS.items()]
    made: list[Person] = []
    with transaction.atomic(), audit.audit_context(request_id="cmd:demo", site_id=site.pk), scope(site=site):
        for index in range(count):
            actor = rng.choice(actors)
            duplicate_of = made[rng.randrange(len(made))] if made and index % 40 == 39 else None
            person = _one_person(rng, site=site, actor=actor, today=today, origins=origins, twin=duplicate_of)
            made.append(person)
    return len(made)


def _one_person(
    rng: random.Random,
    *,
    site: Site,
    actor: User,
    today: date,
    origins: list[tuple[str, int]],
    twin: Person | None,
) -> Person:
    country = twin.birth_country if twin else _pick_weighted(rng, origins)
    _weight, languages, men, women, families = ORIGINS.get(country, ORIGINS["NG"])
    if twin is not None:
        sex, given, family = twin.sex, _variant(twin.given_names), _variant(twin.family_names)
        birth, precision = twin.birth_date, DatePrecision.YEAR
        if given == twin.given_names and family == twin.family_names:
            given, family = twin.family_names, twin.given_names  # recorded with the names swapped
    else:
        sex = "M" if rng.random() < 0.75 else "F"
        given = rng.choice(men if sex == "M" else women)
        family = rng.choice(families)
        age = rng.choice([17, 18, 19, 20, 22, 24, 25, 27, 29, 31, 33, 36, 40, 45, 52])
        if rng.random() < 0.3:
            birth, precision = date(today.year - age, 1, 1), DatePrecision.YEAR
        else:
            birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
            precision = DatePrecision.EXACT if rng.random() < 0.9 else DatePrecision.ESTIMATED
    years_in_italy = rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8])
    arrival = today - timedelta(days=365 * years_in_italy + rng.randint(20, 330))
    phone = f"+393{rng.randint(20, 99)}{rng.randint(1000000, 9999999)}" if rng.random() < 0.85 else ""
    person = services.person_intake(
        site=site,
        actor=actor,
        data=services.IntakeData(
            given_names=given,
            family_names=family,
            sex=sex,
            birth_date=birth,
            birth_date_precision=precision,
            nationality=country,
            phone=phone,
            mother_tongue=languages[0],
            arrival_date=arrival,
            arrival_date_precision=DatePrecision.EXACT if rng.random() < 0.7 else DatePrecision.MONTH,
        ),
    )
    opened = min(today, arrival + timedelta(days=rng.randint(10, 200)))
    Person.objects.filter(pk=person.pk).update(
        case_opened_on=opened,
        case_status_since=opened,
        birth_country=country,  # born where they are citizens, for the demonstration
        arrival_route=rng.choice(ArrivalRoute.values[:-1]),
        address=f"Via {rng.choice(STREETS)} {rng.randint(1, 120)}",
        household_others=rng.choice([0, 0, 0, 1, 2, 3]),
    )
    person.refresh_from_db()
    if len(languages) > 1 and rng.random() < 0.5:
        services.language_set(
            person=person, actor=actor, language=languages[1], level="", is_mother_tongue=False
        )
    services.language_set(
        person=person,
        actor=actor,
        language="it",
        level=rng.choice(
            [CefrLevel.PRE_A1, CefrLevel.A1, CefrLevel.A1, CefrLevel.A2, CefrLevel.A2, CefrLevel.B1]
        ),
        is_mother_tongue=False,
    )
    _legal_history(rng, person=person, actor=actor, today=today, arrival=arrival, site=site)
    if rng.random() < 0.8:
        services.privacy_notice_add(
            person=person,
            actor=actor,
            given_on=opened,
            language=languages[0],
            interpreter=rng.choice(["", "", "Amal Haddad", "Yared Tesfay", "Fatou Ndiaye"]),
            purposes=[p for p in ConsentPurpose.values if rng.random() < 0.7],
        )
    if rng.random() < 0.15:
        services.note_add(
            person=person,
            actor=actor,
            category=rng.choice(NoteCategory.values),
            text=rng.choice(
                [
                    "Segue una terapia presso il centro di salute mentale; appuntamenti il martedì.",
                    "Avvocato di fiducia per il ricorso: studio Rinaldi.",
                    "Ricongiungimento familiare in corso per la moglie e due figli.",
                    "Ha chiesto di non essere contattato dopo le 18 per motivi di lavoro.",
                ]
            ),
        )
    roll = rng.random()
    if roll < 0.08:
        services.case_status_set(
            person=person,
            actor=actor,
            version=None,
            status=CaseStatus.SUSPENDED,
            since=max(opened, today - timedelta(days=rng.randint(1, 90))),
        )
    elif roll < 0.2 and years_in_italy >= 2:
        services.case_status_set(
            person=person,
            actor=actor,
            version=None,
            status=CaseStatus.CLOSED,
            since=max(opened, today - timedelta(days=rng.randint(1, 300))),
            closure_reason=rng.choice(ClosureReason.values),
        )
    return person


def _legal_history(
    rng: random.Random, *, person: Person, actor: User, today: date, arrival: date, site: Site
) -> None:
    """From asylum seeker to the status of today; humanitarian protection for older cases."""
    questura = QUESTURE.get(site.slug, f"Questura di {site.city}")
    applied = arrival + timedelta(days=rng.randint(5, 60))
    statuses = [LegalStatusKind.ASYLUM_SEEKER]
    final = _pick_weighted(rng, STATUS_WEIGHTS)
    if arrival.year <= 2018 and rng.random() < 0.5:
        statuses.append(LegalStatusKind.HUMANITARIAN)
        final = rng.choice(
            [LegalStatusKind.WORK, LegalStatusKind.SPECIAL_PROTECTION, LegalStatusKind.HUMANITARIAN]
        )
    if final != LegalStatusKind.ASYLUM_SEEKER and final not in statuses:
        statuses.append(final)
    start = applied
    for position, status in enumerate(statuses):
        last = position == len(statuses) - 1
        years = PERMIT_YEARS.get(status, 2)
        issued = start
        expires = issued + timedelta(days=int(365 * years))
        if last:
            # A spread of expiry dates around today: some expired, many soon, most later.
            expires = today + timedelta(days=rng.choice([-20, -5, 10, 25, 40, 55, 90, 180, 300, 500, 700]))
            issued = min(issued, expires - timedelta(days=150))
        renewal = expires - timedelta(days=rng.randint(10, 50)) if last and rng.random() < 0.3 else None
        fields = {
            "status": status,
            "valid_from": issued,
            "permit_type": "",
            "permit_number": f"I{rng.randint(10000000, 99999999)}" if status != LegalStatusKind.NONE else "",
            "issued_by": questura if status != LegalStatusKind.NONE else "",
            "issued_on": issued if status != LegalStatusKind.NONE else None,
            "expires_on": expires if status not in (LegalStatusKind.NONE, LegalStatusKind.CITIZEN) else None,
            "renewal_requested_on": renewal if renewal and renewal <= today else None,
            "receipt_number": f"R{rng.randint(100000, 999999)}" if renewal and renewal <= today else "",
        }
        services.legal_status_add(person=person, actor=actor, fields=fields)
        if last and status != LegalStatusKind.NONE:
            services.document_add(
                person=person,
                actor=actor,
                fields={
                    "kind": DocumentKind.PERMIT,
                    "number": fields["permit_number"],
                    "issuer": questura,
                    "issued_on": issued,
                    "expires_on": fields["expires_on"],
                },
                scan=None,
            )
        start = expires
    if rng.random() < 0.5:
        issued = today - timedelta(days=rng.randint(100, 2500))
        services.document_add(
            person=person,
            actor=actor,
            fields={
                "kind": DocumentKind.PASSPORT,
                "number": f"{person.birth_country}{rng.randint(1000000, 9999999)}",
                "issuer": "",
                "issued_on": issued,
                "expires_on": issued + timedelta(days=365 * 5),
            },
            scan=None,
        )
