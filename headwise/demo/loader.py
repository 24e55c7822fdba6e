"""Write a generated demo practice (``headwise.demo.generator``) to the database.

Everything happens in one transaction with ``bulk_create`` in batches, a chunk of clients at a
time, so 1,000 clients with a year of diary each load in seconds. ``bulk_create`` writes no
simple-history rows: generated records have no edit history, and the first real edit starts it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from headwise.accounts.models import User
from headwise.care.models import (
    Appointment,
    FollowUp,
    PhaseKind,
    PlanPhase,
    PlanStatus,
    SessionRecord,
    TreatmentPlan,
)
from headwise.clients.models import Client, Consent, ConsentKind, ConsentText, SafetyScreening
from headwise.demo import generator as g
from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake, TriggerExposure
from headwise.outcomes.models import QuestionnaireResponse
from headwise.practice.models import (
    CstStyle,
    Location,
    Membership,
    Practice,
    Practitioner,
    Profession,
    Role,
    Room,
)
from headwise.public.demo import public_page_of
from headwise.public.models import PublicPage

DOMAIN = "demo.headwise.test"
PRACTICE_EMAIL = f"practice@{DOMAIN}"
PRACTICE_NAME = "Headwise Demo Practice"
PASSWORD = "demo-headwise-2026"  # noqa: S105 - the published demo password (docs/demo-data.md)
TIME_ZONE = "America/New_York"
BATCH = 2000
CHUNK = 50
_PREPARED = frozenset({"UUIDField", "DateField", "DateTimeField", "JSONField"})


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    street: str
    postal_code: str
    city: str
    rooms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Staff:
    email: str
    name: str
    role: str
    profession: str | None = None
    style: str = CstStyle.INTEGRATED
    locations: tuple[int, ...] = ()


SITES = (
    Site("Stamford", "1010 Summer Street", "06905", "Stamford", ("Cedar room", "Birch room")),
    Site("Westport", "45 Church Lane", "06880", "Westport", ("Willow room", "Linden room")),
)
STAFF = (
    Staff(f"owner@{DOMAIN}", "Anna Visser", Role.OWNER, Profession.OSTEOPATH, CstStyle.INTEGRATED, (0, 1)),
    Staff(
        f"practitioner@{DOMAIN}",
        "Ben Okafor",
        Role.PRACTITIONER,
        Profession.PHYSIOTHERAPIST,
        CstStyle.BIOMECHANICAL,
        (0,),
    ),
    Staff(
        f"practitioner2@{DOMAIN}",
        "Clara Moreau",
        Role.PRACTITIONER,
        Profession.MASSAGE,
        CstStyle.BIODYNAMIC,
        (1,),
    ),
    Staff(f"frontdesk@{DOMAIN}", "Dana Brooks", Role.FRONT_DESK),
)
PRACTITIONERS = tuple(s for s in STAFF if s.profession)
CONSENT_TEXTS = {
    ConsentKind.TREATMENT: (
        "Craniosacral therapy",
        "I agree to craniosacral therapy: light, clothed touch. I may stop a session at any time.",
    ),
    ConsentKind.DATA: (
        "Your health data",
        "The practice keeps my diary, session notes and screening answers to plan and review my care.",
    ),
    ConsentKind.PHYSICIAN_REPORT: (
        "Reports to your physician",
        "The practice may send my physician a summary of my diary and sessions when I ask for it.",
    ),
    ConsentKind.RESEARCH: (
        "Service evaluation",
        "My records may be used without my name to evaluate whether the practice's care helps.",
    ),
}
PHASE_KINDS = {k.value: k for k in PhaseKind}


def demo_config(*, clients: int, days: int, seed: int, true_effect: float, now: dt.datetime) -> g.DemoConfig:
    """The generator's options for this practice's staff and sites, at ``now`` in its zone."""
    local = now.astimezone(zoneinfo.ZoneInfo(TIME_ZONE))
    return g.DemoConfig(
        clients=clients,
        days=days,
        seed=seed,
        today=local.date(),
        now_minute=local.hour * 60 + local.minute,
        true_effect=true_effect,
        practitioner_locations=tuple(s.locations for s in PRACTITIONERS),
        practitioner_styles=tuple(str(s.style) for s in PRACTITIONERS),
    )


def demo_practice() -> Practice | None:
    """The demo practice, if one has been loaded (found by its reserved e-mail address)."""
    return Practice.objects.filter(email=PRACTICE_EMAIL).first()


def demo_logins(practice: Practice) -> list[tuple[str, str]]:
    """The sign-ins of an existing demo practice: its staff, then clients with a login."""
    staff = [
        (m.user.email, m.user.full_name)
        for m in Membership.objects.for_practice(practice)
        .filter(is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    clients = [
        (c.user.email if c.user else "", c.full_name)
        for c in Client.objects.for_practice(practice)
        .filter(user__isnull=False)
        .select_related("user")
        .order_by("user__email")
    ]
    return staff + clients


def demo_practice_delete(practice: Practice) -> None:
    """Delete the demo practice, every record in it (and their history), and its users.

    Rows go by raw deletes per practice-scoped table: Django's collector would load every row
    and simple-history would write a "deleted" history row for each.
    """
    with transaction.atomic():
        users = set(Membership.objects.filter(practice=practice).values_list("user_id", flat=True))
        users |= set(
            Client.objects.filter(practice=practice, user__isnull=False).values_list("user_id", flat=True)
        )
        through = Practitioner.locations.through
        _raw_delete(through.objects.filter(practitioner__practice=practice))
        offers = Practitioner.services.through
        _raw_delete(offers.objects.filter(practitioner__practice=practice))
        for model in _scoped_models():
            _raw_delete(model._base_manager.filter(practice=practice))
        _raw_delete(Practice.objects.filter(pk=practice.pk))
        User.objects.filter(pk__in=users).delete()


def _raw_delete(qs: models.QuerySet[Any]) -> None:
    qs._raw_delete(qs.db)


def _scoped_models() -> list[type[models.Model]]:
    """Models with a ``practice`` key, children before parents (history tables first)."""
    scoped = [
        m
        for m in apps.get_models()
        if any(f.name == "practice" and f.related_model is Practice for f in m._meta.concrete_fields)
    ]
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model], seen: set[type[models.Model]]) -> None:
        if model in ordered or model in seen:
            return
        seen.add(model)
        for child in scoped:
            if any(f.is_relation and f.related_model is model for f in child._meta.concrete_fields):
                visit(child, seen)
        ordered.append(model)

    for model in scoped:
        visit(model, set())
    return ordered


def _column(
    field: Any, sample: dict[str, Any], conn: Any, now: dt.datetime
) -> Callable[[dict[str, Any]], Any]:
    """How to get one column's database value from a row dict."""
    if field.attname in sample:
        if field.get_internal_type() in _PREPARED:
            return lambda row: field.get_db_prep_save(row[field.attname], conn)
        return operator.itemgetter(field.attname)
    if field.name == "uuid":
        return lambda row: field.get_db_prep_save(uuid.uuid4(), conn)
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    constant = field.get_db_prep_save(now if auto else field.get_default(), conn)
    return lambda row: constant


@dataclass(slots=True)
class Loaded:
    """What was written: the practice, row counts per model, and the demo logins."""

    practice: Practice
    counts: dict[str, int]
    logins: list[tuple[str, str]]


class _Writer:
    """Holds the practice's rows and turns local (day, minute) into aware UTC instants."""

    def __init__(self, data: g.DemoData) -> None:
        self.data = data
        self.zone = zoneinfo.ZoneInfo(TIME_ZONE)
        self.first = data.config.first_day
        self.counts: dict[str, int] = {}
        self._midnights: dict[int, dt.datetime] = {}

    def at(self, day: int, minute: int) -> dt.datetime:
        """Local wall-clock time ``minute`` after midnight of diary day ``day``, in UTC."""
        extra, minute = divmod(int(minute), 1440)
        day = int(day) + extra
        midnight = self._midnights.get(day)
        if midnight is None:
            midnight = dt.datetime.combine(self.first + dt.timedelta(days=day), dt.time(), tzinfo=self.zone)
            self._midnights[day] = midnight
        hours, minutes = divmod(minute, 60)
        return midnight.replace(hour=hours, minute=minutes).astimezone(dt.UTC)

    def date(self, day: int) -> dt.date:
        return self.first + dt.timedelta(days=int(day))

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        """Insert rows given as {attname: value}, with Django's own per-field preparation.

        ``bulk_create`` spends about 200 us a row on SQLite (measured: 20,000 check-ins in
        4.3 s) building model instances and SQL; this path prepares only the values that need
        it (UUIDs, dates, instants, JSON) and uses one ``executemany``.
        """
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(rows)
        if not rows:
            return
        conn = connections[DEFAULT_DB_ALIAS]  # not the proxy: it costs a lookup per value
        now = timezone.now()
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = [_column(f, rows[0], conn, now) for f in fields]
        names = ", ".join(conn.ops.quote_name(f.column) for f in fields)
        table = conn.ops.quote_name(model._meta.db_table)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from model meta, quoted; values are parameters
        values = [tuple(column(row) for column in columns) for row in rows]
        with conn.cursor() as cursor:
            for lo in range(0, len(values), BATCH):
                cursor.executemany(sql, values[lo : lo + BATCH])

    def create(self, model: type[models.Model], rows: list[Any]) -> list[Any]:
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(rows)
        return rows


def load(data: g.DemoData, *, progress: Callable[[int], object] | None = None) -> Loaded:
    """Write ``data`` as a new demo practice, in one transaction."""
    with transaction.atomic(), _big_sqlite_cache():
        w = _Writer(data)
        practice, staff, sites, rooms, texts = _practice(w)
        logins = [(s.email, s.name) for s in STAFF]
        for lo in range(0, data.config.clients, CHUNK):
            hi = min(lo + CHUNK, data.config.clients)
            clients = _clients(w, practice, staff, range(lo, hi))
            logins += [(c.user.email, c.full_name) for c in clients if c.user is not None]
            _consents(w, practice, staff, texts, clients, lo)
            _diary(w, practice, clients, lo, hi)
            _care(w, practice, staff, sites, rooms, clients, lo)
            if progress is not None:
                progress(hi - lo)
        _schedule(w, practice, staff, sites)
    return Loaded(practice, w.counts, logins)


@contextlib.contextmanager
def _big_sqlite_cache() -> Iterator[None]:
    """A 256 MB page cache while loading: without it SQLite spills index pages (measured:
    1,000 clients x 365 days took 45 s instead of 29 s)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            # Sound: SQLite takes no parameters in PRAGMA; the value is int() of what it reported.
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _practice(
    w: _Writer,
) -> tuple[Practice, list[Any], list[Location], list[list[Room]], dict[str, ConsentText]]:
    practice = Practice.objects.create(
        name=PRACTICE_NAME,
        time_zone=TIME_ZONE,
        email=PRACTICE_EMAIL,
        phone="+1 203 555 0100",
        online_booking=True,  # public: the demo shows clients booking their next session
    )
    sites = w.create(
        Location,
        [
            Location(
                practice=practice,
                name=s.name,
                street=s.street,
                postal_code=s.postal_code,
                city=s.city,
                region="CT",
                country="US",
                phone=f"+1 203 555 01{10 + i}",
                time_zone=TIME_ZONE,
                slug=slugify(s.name),  # bulk writes skip save(), which would make it
            )
            for i, s in enumerate(SITES)
        ],
    )
    w.create(PublicPage, [public_page_of(practice, loc) for loc in sites])
    rooms = [
        w.create(Room, [Room(practice=practice, location=loc, name=r) for r in s.rooms])
        for loc, s in zip(sites, SITES, strict=True)
    ]
    hashed = make_password(PASSWORD)  # once: Argon2 is slow by design
    users = w.create(
        User, [User(email=s.email, full_name=s.name, password=hashed, time_zone=TIME_ZONE) for s in STAFF]
    )
    members = w.create(
        Membership,
        [Membership(practice=practice, user=u, role=s.role) for u, s in zip(users, STAFF, strict=True)],
    )
    practitioners = w.create(
        Practitioner,
        [
            Practitioner(
                practice=practice,
                membership=m,
                display_name=s.name,
                profession=s.profession,
                cst_style=s.style,
                credentials="Upledger CST I-II; registered " + str(Profession(s.profession).label).lower(),
            )
            for m, s in zip(members, STAFF, strict=True)
            if s.profession
        ],
    )
    through = Practitioner.locations.through
    w.create(
        through,
        [
            through(practitioner_id=p.pk, location_id=sites[i].pk)
            for p, s in zip(practitioners, PRACTITIONERS, strict=True)
            for i in s.locations
        ],
    )
    texts = w.create(
        ConsentText,
        [
            ConsentText(practice=practice, kind=k, version=1, title=t, body=b)
            for k, (t, b) in CONSENT_TEXTS.items()
        ],
    )
    staff = {"users": users, "practitioners": practitioners, "hash": hashed}
    return practice, staff, sites, rooms, {t.kind: t for t in texts}  # type: ignore[return-value]


#: Weekly hours of each practitioner (index into PRACTITIONERS): (site, weekdays, stretches).
#: Visits of the generated history lie between 08:00 and 18:45 on weekdays.
WEEKLY_HOURS: tuple[tuple[tuple[int, tuple[int, ...], tuple[tuple[dt.time, dt.time], ...]], ...], ...] = (
    # Anna works Monday to Wednesday in Stamford and Thursday and Friday in Westport
    ((0, (0, 1, 2), ((dt.time(8), dt.time(19)),)), (1, (3, 4), ((dt.time(8), dt.time(19)),))),
    # Ben: Stamford on weekdays with a lunch break
    ((0, (0, 1, 2, 3, 4), ((dt.time(8), dt.time(12, 45)), (dt.time(13, 30), dt.time(19)))),),
    # Clara: Westport on weekdays
    ((1, (0, 1, 2, 3, 4), ((dt.time(8), dt.time(19)),)),),
)
#: The services each practitioner offers besides CST, the intake and the review.
EXTRA_SERVICES = (("Visceral manipulation", "TMJ work"), ("TMJ work",), ("Lymphatic drainage",))
#: Holidays the practice closes for (month, day, days, reason): the next of each from today.
#: Day 0 in November is Thanksgiving, the fourth Thursday (the Friday after is closed too).
HOLIDAYS = (
    (7, 4, 1, "Independence Day"),
    (11, 0, 2, "Thanksgiving"),
    (12, 24, 3, "Christmas"),
    (1, 1, 1, "New Year's Day"),
)


def _holiday(year: int, month: int, day: int) -> dt.date:
    if day == 0:  # the fourth Thursday of the month
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    return dt.date(year, month, day)


def _next_date(today: dt.date, month: int, day: int) -> dt.date:
    this_year = _holiday(today.year, month, day)
    return this_year if this_year >= today else _holiday(today.year + 1, month, day)


def _schedule(w: _Writer, practice: Practice, staff: Any, sites: list[Location]) -> None:
    """Services and who offers them, weekly hours, the coming holidays, a day away and a short
    day, and a few clients on the waitlist: a realistic week for the calendar. Deterministic:
    everything follows from the demo's dates and the first clients by id."""
    from headwise.care.models import WaitlistEntry
    from headwise.practice.models import AvailabilityException, Closure, WorkingHours
    from headwise.practice.services import services_seed

    offered = services_seed(practice=practice)
    by_name = {s.name: s for s in offered}
    core = [by_name["CST session"], by_name["Intake and first session"], by_name["Review"]]
    practitioners = staff["practitioners"]
    for practitioner, extra in zip(practitioners, EXTRA_SERVICES, strict=True):
        practitioner.services.set([*core, *(by_name[n] for n in extra)])
    hours = [
        WorkingHours(
            practice=practice,
            practitioner=practitioner,
            location=sites[site],
            weekday=weekday,
            starts=starts,
            ends=ends,
        )
        for practitioner, plan in zip(practitioners, WEEKLY_HOURS, strict=True)
        for site, weekdays, stretches in plan
        for weekday in weekdays
        for starts, ends in stretches
    ]
    w.create(WorkingHours, hours)
    today = w.data.config.today
    closures = []
    for month, day, days, reason in HOLIDAYS:
        first = _next_date(today, month, day)
        closures.append(
            Closure(
                practice=practice,
                first_day=first,
                last_day=first + dt.timedelta(days=days - 1),
                reason=reason,
            )
        )
    w.create(Closure, closures)
    next_week = today + dt.timedelta(days=7 - today.weekday())  # the coming Monday
    w.create(
        AvailabilityException,
        [
            AvailabilityException(
                practice=practice,
                practitioner=practitioners[2],
                date=next_week + dt.timedelta(days=2),
                reason="CST course",
            ),
            AvailabilityException(
                practice=practice,
                practitioner=practitioners[1],
                location=sites[0],
                date=next_week + dt.timedelta(days=4),
                starts=dt.time(8),
                ends=dt.time(12),
                reason="Half day",
            ),
        ],
    )
    waiting = list(Client.objects.filter(practice=practice, status="active").order_by("pk")[:4])
    wishes = [
        {
            "service": by_name["CST session"],
            "location": sites[0],
            "weekdays": [0, 1, 2],
            "time_from": dt.time(8),
            "time_until": dt.time(12),
            "notes": "Mornings before work.",
        },
        {
            "service": by_name["CST session"],
            "practitioner": practitioners[2],
            "notes": "Any time with Clara.",
        },
        {
            "service": by_name["Review"],
            "location": sites[1],
            "earliest": next_week,
            "latest": next_week + dt.timedelta(days=13),
            "notes": "Wants a review before the holidays.",
        },
        {"service": by_name["TMJ work"], "weekdays": [4], "notes": "Fridays only."},
    ]
    desk = staff["users"][-1]
    w.create(
        WaitlistEntry,
        [
            WaitlistEntry(practice=practice, client=client, created_by=desk, updated_by=desk, **wish)
            for client, wish in zip(waiting, wishes, strict=False)
        ],
    )


def _clients(w: _Writer, practice: Practice, staff: Any, indices: Iterable[int]) -> list[Client]:
    profiles = [w.data.clients[i] for i in indices]
    logins = [p for p in profiles if p.has_login]
    users = w.create(
        User,
        [
            User(
                email=f"client{p.index + 1}@{DOMAIN}",
                full_name=f"{p.given_name} {p.family_name}",
                password=staff["hash"],
                time_zone=TIME_ZONE,
            )
            for p in logins
        ],
    )
    user_of = {p.index: u for p, u in zip(logins, users, strict=True)}
    owner = staff["users"][0]
    rows = []
    for p in profiles:
        rate = p.base_rate * (1.6 if p.chronic else 1.2)
        rows.append(
            Client(
                practice=practice,
                user=user_of.get(p.index),
                given_name=p.given_name,
                family_name=p.family_name,
                email=f"client{p.index + 1}@{DOMAIN}",
                phone=f"+1 203 555 {p.index % 10000:04d}",
                date_of_birth=p.date_of_birth,
                sex=p.sex,
                time_zone=TIME_ZONE,
                assigned_practitioner=staff["practitioners"][p.practitioner],
                migraine_diagnosed=True,
                diagnosis_text=_diagnosis(p),
                age_at_onset=p.age_at_onset,
                has_aura_history=p.aura,
                headache_days_per_month_reported=min(30, round(rate * 30 / 28)),
                preventive_medication=p.preventive,
                acute_medication=f"{p.drug_name} {p.drug_dose}",
                known_triggers=list(p.believed_triggers),
                created_by=owner,
            )
        )
    return w.create(Client, rows)


def _diagnosis(p: g.ClientProfile) -> str:
    if p.chronic:
        return "Chronic migraine"
    return "Migraine with aura" if p.aura else "Migraine without aura"


def _consents(
    w: _Writer, practice: Practice, staff: Any, texts: dict[str, ConsentText], clients: list[Client], lo: int
) -> None:
    desk = staff["users"][-1]
    rows = []
    for client, p in _profiles_of(w, clients, lo):
        for kind, granted in w.data.care[p.index].consents.items():
            rows.append(
                Consent(practice=practice, client=client, text=texts[kind], granted=granted, recorded_by=desk)
            )
    w.create(Consent, rows)
    screenings = []
    for client, p in _profiles_of(w, clients, lo):
        screened = w.at(p.diary_start, 10 * 60)
        practitioner_user = staff["users"][_staff_index(p.practitioner)]
        row = SafetyScreening(
            practice=practice,
            client=client,
            screened_at=screened,
            answers=p.screening_answers,
            outcome=p.screening_outcome,
            reasons=p.screening_reasons,
            created_by=practitioner_user,
        )
        if p.screening_outcome == "caution" and p.therapy_start is not None:
            row.acknowledged_by = practitioner_user
            row.acknowledged_at = w.at(p.therapy_start, 8 * 60)
        if p.clinician_cleared:
            row.clearance_clinician = "GP"
            row.clearance_on = (screened + dt.timedelta(days=8)).date()
            row.clearance_document = "Letter from the GP"
            row.clinician_clearance = "Primary migraine confirmed, no objection to CST."
            row.cleared_by = practitioner_user
            row.cleared_at = screened + dt.timedelta(days=10)
        screenings.append(row)
    w.create(SafetyScreening, screenings)


def _profiles_of(w: _Writer, clients: list[Client], lo: int) -> Iterable[tuple[Client, g.ClientProfile]]:
    return zip(clients, w.data.clients[lo : lo + len(clients)], strict=True)


def _staff_index(practitioner: int) -> int:
    return STAFF.index(PRACTITIONERS[practitioner])


def _span(arr: np.ndarray[Any, Any], lo: int, hi: int) -> tuple[int, int]:
    a, b = np.searchsorted(arr, [lo, hi])
    return int(a), int(b)


def _tri(v: int) -> bool | None:
    return None if v < 0 else bool(v)


def _num(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _small(v: int) -> int | None:
    return None if v < 0 else int(v)


def _uid(client: Client) -> int | None:
    return client.user_id


def _diary(w: _Writer, practice: Practice, clients: list[Client], lo: int, hi: int) -> None:
    at = w.data.attacks
    a0, a1 = _span(at.client, lo, hi)
    attacks = []
    for k in range(a0, a1):
        client = clients[int(at.client[k]) - lo]
        start = w.at(at.day[k], at.start_minute[k])
        attacks.append(
            {
                "practice_id": practice.pk,
                "client_id": client.pk,
                "uuid": uuid.uuid4(),
                "started_at": start,
                # The generator spaces attacks in wall-clock minutes (the next one starts at
                # least 15 minutes after this ends): the end is a wall-clock time too, or an
                # attack across the night the clocks go forward would run an hour into the next.
                "ended_at": None
                if at.is_open[k]
                else w.at(at.day[k], int(at.start_minute[k]) + int(at.duration_minutes[k])),
                "time_zone": TIME_ZONE,
                "peak_intensity": _small(at.intensity[k]),
                "side": ("unilateral", "bilateral")[at.side[k]] if at.side[k] >= 0 else "",
                "quality": ("pulsating", "pressing")[at.quality[k]] if at.quality[k] >= 0 else "",
                "aggravated_by_activity": _tri(at.aggravated[k]),
                "nausea": _tri(at.nausea[k]),
                "vomiting": _tri(at.vomiting[k]),
                "photophobia": _tri(at.photophobia[k]),
                "phonophobia": _tri(at.phonophobia[k]),
                "ended_by_sleep": None if at.is_open[k] else _tri(at.ended_by_sleep[k]),
                "warning_signs": at.warning_signs[k],
                "warning_lead_minutes": _small(at.warning_lead[k]),
                "disability": ("none", "half", "missed")[at.disability[k]],
                "suspected_triggers": at.suspected[k],
                "created_by_id": _uid(client),
            }
        )
    w.insert(Attack, attacks)
    ids: dict[Any, int] = dict(Attack.objects.filter(client__in=clients).values_list("uuid", "id"))
    for row in attacks:
        row["id"] = ids[row["uuid"]]
    _auras(w, practice, attacks, a0, a1)
    _intakes(w, practice, attacks, a0, a1)
    _checkins(w, practice, clients, lo)
    _exposures(w, practice, clients, attacks, lo, hi, a0)


def _auras(w: _Writer, practice: Practice, attacks: list[dict[str, Any]], a0: int, a1: int) -> None:
    au = w.data.auras
    b0, b1 = _span(au.attack, a0, a1)
    rows = []
    for k in range(b0, b1):
        attack = attacks[int(au.attack[k]) - a0]
        rows.append(
            {
                "practice_id": practice.pk,
                "attack_id": attack["id"],
                "type": g.AURA_TYPES[au.type[k]],
                "started_at": attack["started_at"] - dt.timedelta(minutes=int(au.lead_minutes[k])),
                "duration_minutes": int(au.duration_minutes[k]),
                "spread_gradually": _tri(au.spread_gradually[k]),
                "unilateral": _tri(au.unilateral[k]),
                "positive": _tri(au.positive[k]),
            }
        )
    w.insert(AuraSymptom, rows)


def _intakes(w: _Writer, practice: Practice, attacks: list[dict[str, Any]], a0: int, a1: int) -> None:
    it = w.data.intakes
    b0, b1 = _span(it.attack, a0, a1)
    rows = []
    for k in range(b0, b1):
        attack = attacks[int(it.attack[k]) - a0]
        rows.append(
            {
                "practice_id": practice.pk,
                "client_id": attack["client_id"],
                "attack_id": attack["id"],
                "request_id": None,
                "taken_at": attack["started_at"] + dt.timedelta(minutes=int(it.offset_minutes[k])),
                "name": it.name[k],
                "drug_class": it.drug_class[k],
                "substance": it.substance[k],
                "dose": it.dose[k],
                "pain_before": g.PAIN_SCALE[it.pain_before[k]],
                "pain_at_2h": g.PAIN_SCALE[it.pain_at_2h[k]] if it.pain_at_2h[k] >= 0 else "",
                "created_by_id": attack["created_by_id"],
            }
        )
    w.insert(MedicationIntake, rows)


def _checkins(w: _Writer, practice: Practice, clients: list[Client], lo: int) -> None:
    days = w.data.days
    hydration = ("low", "ok", "good")
    rows = []
    for offset, client in enumerate(clients):
        i = lo + offset
        for day in np.flatnonzero(days.recorded[i]):
            rows.append(
                {
                    "practice_id": practice.pk,
                    "client_id": client.pk,
                    "date": w.date(int(day)),
                    "had_headache": bool(days.headache[i, day]),
                    "stress": _small(days.stress[i, day]),
                    "sleep_hours": _num(days.sleep_hours[i, day]),
                    "sleep_quality": _small(days.sleep_quality[i, day]),
                    "neck_tension": _small(days.neck_tension[i, day]),
                    "jaw_tension": _small(days.jaw_tension[i, day]),
                    "menstruating": _tri(days.menstruating[i, day]),
                    "caffeine_drinks": _small(days.caffeine[i, day]),
                    "alcohol_units": _num(days.alcohol_units[i, day]),
                    "skipped_meals": _tri(days.skipped_meal[i, day]),
                    "hydration": hydration[days.hydration[i, day]] if days.hydration[i, day] >= 0 else "",
                    "screen_hours": _num(days.screen_hours[i, day]),
                    "created_by_id": _uid(client),
                }
            )
    w.insert(DailyCheckIn, rows)


def _exposures(
    w: _Writer,
    practice: Practice,
    clients: list[Client],
    attacks: list[dict[str, Any]],
    lo: int,
    hi: int,
    a0: int,
) -> None:
    ex = w.data.exposures
    days = w.data.days
    b0, b1 = _span(ex.client, lo, hi)
    rows = []
    for k in range(b0, b1):
        i, day, trigger = int(ex.client[k]), int(ex.day[k]), g.TRIGGERS[ex.trigger[k]]
        detail = ""
        if trigger == "sleep" and not np.isnan(days.sleep_hours[i, day]):
            detail = f"{days.sleep_hours[i, day]:g} h of sleep"
        elif trigger == "alcohol" and not np.isnan(days.alcohol_units[i, day]):
            detail = f"{days.alcohol_units[i, day]:g} units"
        client = clients[i - lo]
        rows.append(
            {
                "practice_id": practice.pk,
                "client_id": client.pk,
                "trigger": trigger,
                "occurred_at": w.at(day, ex.minute[k]),
                "attack_id": attacks[int(ex.attack[k]) - a0]["id"] if ex.attack[k] >= 0 else None,
                "detail": detail,
                "created_by_id": _uid(client),
            }
        )
    w.insert(TriggerExposure, rows)


def _care(
    w: _Writer,
    practice: Practice,
    staff: Any,
    sites: list[Location],
    rooms: list[list[Room]],
    clients: list[Client],
    lo: int,
) -> None:
    plans, phases, visits, questionnaires = [], [], [], []
    for client, p in _profiles_of(w, clients, lo):
        care = w.data.care[p.index]
        practitioner = staff["practitioners"][p.practitioner]
        user = staff["users"][_staff_index(p.practitioner)]
        questionnaires += [
            {
                "practice_id": practice.pk,
                "client_id": client.pk,
                "instrument": q.instrument,
                "answered_on": w.date(q.day),
                "items": q.items,
                "total": q.total,
                "band": q.band,
                "created_by_id": user.pk,
            }
            for q in care.questionnaires
        ]
        if p.therapy_start is None:
            continue
        plan = TreatmentPlan(
            practice=practice,
            client=client,
            practitioner=practitioner,
            started_on=w.date(p.therapy_start),
            status=PlanStatus.ACTIVE,
            goals=g.GOALS[p.index % len(g.GOALS)],
            created_by=user,
        )
        plans.append(plan)
        own = [
            PlanPhase(
                practice=practice,
                plan=plan,
                kind=PHASE_KINDS[ph.kind],
                starts_on=w.date(ph.start),
                ends_on=None if ph.end is None else w.date(ph.end),
                interval_days_min=ph.interval[0],
                interval_days_max=ph.interval[1],
            )
            for ph in care.phases
        ]
        phases += own
        visits += [(client, practitioner, user, p, v, own[v.phase]) for v in care.visits]
    w.create(TreatmentPlan, plans)
    w.create(PlanPhase, phases)
    _visits(w, practice, sites, rooms, visits, clients)
    w.insert(QuestionnaireResponse, questionnaires)


def _visits(
    w: _Writer,
    practice: Practice,
    sites: list[Location],
    rooms: list[list[Room]],
    visits: list[Any],
    clients: list[Client],
) -> None:
    appointments, sessions = [], []
    for client, practitioner, user, p, v, phase in visits:
        start = w.at(v.day, v.minute)
        appt = {
            "practice_id": practice.pk,
            "uuid": uuid.uuid4(),
            "client_id": client.pk,
            "practitioner_id": practitioner.pk,
            "location_id": sites[p.location].pk,
            "room_id": rooms[p.location][v.room % len(rooms[p.location])].pk,
            "phase_id": phase.pk,
            "kind": v.kind,
            "starts_at": start,
            "ends_at": start + dt.timedelta(minutes=v.duration_minutes),
            "status": v.status,
            "cancelled_at": None
            if v.cancelled_hours_before is None
            else start - dt.timedelta(hours=v.cancelled_hours_before),
            "cancellation_reason": v.cancellation_reason,
            "created_by_id": user.pk,
        }
        appointments.append(appt)
        if v.session is not None:
            sessions.append((appt, v.day, v.session))
    w.insert(Appointment, appointments)
    ids = dict(Appointment.objects.filter(client__in=clients).values_list("uuid", "id"))
    records, follow_ups = [], []
    for appt, day, s in sessions:
        began = w.at(day, s.started_minute)
        records.append(
            {
                "practice_id": practice.pk,
                "uuid": uuid.uuid4(),
                "appointment_id": ids[appt["uuid"]],
                "client_id": appt["client_id"],
                "practitioner_id": appt["practitioner_id"],
                "started_at": began,
                "duration_minutes": s.duration_minutes,
                "position": s.position,
                "style": s.style,
                "regions": s.regions,
                "techniques": s.techniques,
                "pressure_grams": s.pressure_grams,
                "headache_at_start": s.headache_at_start,
                "headache_at_end": s.headache_at_end,
                "sensations": s.sensations,
                "emotional_release": s.emotional_release,
                "side_effects": s.side_effects,
                "created_by_id": appt["created_by_id"],
            }
        )
    w.insert(SessionRecord, records)
    session_ids = dict(SessionRecord.objects.filter(client__in=clients).values_list("uuid", "id"))
    for record, (_, _, s) in zip(records, sessions, strict=True):
        due = record["started_at"] + dt.timedelta(hours=24)
        follow_ups.append(
            {
                "practice_id": practice.pk,
                "session_id": session_ids[record["uuid"]],
                "due_at": due,
                "completed_at": None
                if s.follow_up_completed_after_minutes is None
                else due + dt.timedelta(minutes=s.follow_up_completed_after_minutes),
                "side_effects": s.follow_up_side_effects,
                "faded_within_24h": s.follow_up_faded,
                "headache_since": s.follow_up_headache,
                "created_by_id": record["created_by_id"],
            }
        )
    w.insert(FollowUp, follow_ups)
