"""A synthetic practice with a documented ground truth (docs/demo-data.md).

Pure: no Django, no I/O. Everything is drawn from one seeded ``numpy.random.Generator``, so the
same :class:`DemoConfig` gives the same data. Day-level series are ``(clients, days)`` arrays;
attacks, aura symptoms, medication intakes and exposures are flat arrays (struct of arrays)
indexed by client. Times are local: a day index (0 = first diary day) and minutes after that
day's local midnight; the loader turns them into aware instants in the client's zone.

The model in short (all of it is written to the ground-truth JSON):

* Trigger-free attack-onset hazard per day ``lam = base_rate / 28 * exp(u - s**2 / 2)``,
  where ``u`` is a slow AR(1) fluctuation (sd ``s``, correlation time about a month).
  ``exp(u - s**2/2)`` has mean 1.
* Triggers act on the odds: ``logit(p) = logit(1 - exp(-lam)) + sum(log(OR_k) * x_k)``,
  ``x_k`` the exposure relevant to that day (e.g. a night under 6 h before it); without care the
  day's onset probability is ``p0 = min(p, cap)``, ``cap = 0.95 / max(1, the client's largest R)``.
* Care multiplies that probability: ``P(onset) = R(i, t) * p0`` from the first therapy day on.
  ``R(i, t) = true_effect * exp(effect_sd * z_i) * phase_effects[phase]`` (``z_i`` standard normal,
  ``phase`` the cadence phase of day ``t``), clipped to 0.05-5. So the expected onsets with care
  over those without, on the same days, is exactly ``R``: the declared estimand
  (``ClientProfile.true_rate_ratio``) is the realised ratio. (Before, ``R`` multiplied the hazard
  ahead of the trigger odds and a 0.95 cap, so the realised ratio was not ``R``.)
* Therapy starts, within a window after the 28-day baseline, on the day that ends the client's
  worst 4 weeks of attacks (people book after a bad spell), so a naive before/after comparison
  shows improvement even when ``true_effect`` is 1 (regression to the mean).
* Diary days are missing in runs (a two-state Markov chain per client); a missing day has no
  check-in and its attacks are not recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from headwise.clinical.medicines import substance_for_name
from headwise.clinical.questionnaires import score_midas, score_phq4
from headwise.clinical.safety import SAFETY_RULES, evaluate_safety

__all__ = [
    "DemoConfig",
    "DemoConfigError",
    "DemoData",
    "ClientProfile",
    "TRIGGERS",
    "EXPOSURE_RULES",
    "generate",
    "simulate_diaries",
    "DiaryTruth",
]

MONTH = 28
BASELINE_DAYS = 28
MIN_TREATED_DAYS = 14
MIN_DAYS = BASELINE_DAYS + MIN_TREATED_DAYS
FLUCTUATION_CORRELATION_DAYS = 30.0
BOOKING_WINDOW_DAYS = 42
UNKNOWN = -1  # an unanswered yes/no in int8 arrays

#: Trigger id (diary.models.Trigger) -> the exposure that raises the odds of an onset that day.
EXPOSURE_RULES: dict[str, str] = {
    "sleep": "slept under 6 h the night before (sleep_hours on that day's check-in < 6)",
    "stress": "stress 7 or more that day",
    "hormones": "from 2 days before to 3 days after the first day of a period",
    "alcohol": "3 or more units of alcohol the evening before",
    "skipped_meal": "skipped a meal that day",
    "dehydration": "drank too little that day",
    "screen": "8 h or more of screen time that day",
    "neck_tension": "neck and shoulder tension 7 or more that day",
}
TRIGGERS: tuple[str, ...] = tuple(EXPOSURE_RULES)

DRUGS: dict[str, tuple[tuple[str, str], ...]] = {
    "triptan": (("Sumatriptan", "50 mg"), ("Rizatriptan", "10 mg"), ("Zolmitriptan", "2.5 mg")),
    "simple_analgesic": (
        ("Ibuprofen", "400 mg"),
        ("Paracetamol", "1000 mg"),
        ("Naproxen", "500 mg"),
        ("Aspirin", "900 mg"),
    ),
    "combination_analgesic": (("Paracetamol, aspirin and caffeine", "2 tablets"),),
}
#: Probability that pain drops by 0, 1, 2 or 3 steps of the IHS 4-point scale 2 h after a dose.
RELIEF_STEPS: dict[str, tuple[float, float, float, float]] = {
    "triptan": (0.22, 0.33, 0.28, 0.17),
    "simple_analgesic": (0.40, 0.35, 0.20, 0.05),
    "combination_analgesic": (0.33, 0.37, 0.22, 0.08),
}
PAIN_SCALE = ("none", "mild", "moderate", "severe")
AURA_TYPES = ("visual", "sensory", "speech")
WARNING_SIGNS = ("yawning", "neck_stiffness", "light_sensitivity", "fatigue", "mood_change", "food_craving")
REGIONS = (
    "skull_base",
    "sides_of_head",
    "forehead",
    "jaw",
    "neck",
    "spine",
    "sacrum",
    "lower_back",
    "hips",
    "feet",
)
REGION_WEIGHTS = (0.9, 0.5, 0.35, 0.3, 0.7, 0.35, 0.5, 0.15, 0.1, 0.15)
TECHNIQUES = (
    "still point (CV4)",
    "frontal lift",
    "parietal lift",
    "sphenobasilar release",
    "temporal ear pull",
    "TMJ release",
    "thoracic diaphragm release",
    "sacral release",
    "dural tube rock",
    "occipital cranial base release",
)
SENSATIONS = (
    "Warmth spreading through the head.",
    "Tingling in the hands and feet.",
    "Deep relaxation, nearly asleep.",
    "A slow pulsing at the back of the head.",
    "Heaviness in the arms and legs.",
    "Felt lighter and clearer afterwards.",
    "Jaw softened; noticed how much it had been clenched.",
    "Pressure behind the eyes eased.",
)
SIDE_EFFECTS = ("discomfort", "fatigue", "disorientation")
SLOTS = (8 * 60, 9 * 60 + 15, 10 * 60 + 30, 11 * 60 + 45, 13 * 60 + 30, 14 * 60 + 45, 16 * 60, 17 * 60 + 15)
#: Treatment rooms at each location (the loader's sites have two each).
ROOMS_PER_SITE = 2
#: Why a past visit that found no free time was cancelled (see ``_one_at_a_time``).
RESCHEDULED = "Rescheduled by the practice"
CANCEL_REASONS = ("Unwell", "Work", "Childcare", "Migraine attack", "Travel", "Car trouble")
GIVEN_F = (
    "Emma", "Olivia", "Sophie", "Mia", "Hannah", "Laura", "Grace", "Chloe", "Nora", "Julia", "Maya", "Ava",
    "Isabel", "Lena", "Zoe", "Ruth", "Amara", "Priya", "Sara", "Ines", "Ella", "Freya", "Yara", "Lucia",
)  # fmt: skip
GIVEN_M = (
    "Liam", "Noah", "Lucas", "Daniel", "Samuel", "Omar", "Felix", "Jonas", "Theo", "Ravi", "Marco", "Adam",
)  # fmt: skip
FAMILY = (
    "Bakker", "Jansen", "Miller", "Nguyen", "Okafor", "Rossi", "Silva", "Kowalski", "Murphy", "Cohen",
    "Larsen", "Haddad", "Fischer", "Moreau", "Tanaka", "Patel", "Walsh", "Ortiz", "Novak", "Berg",
    "Costa", "Brennan", "Lindqvist", "Mensah", "Duarte", "Hughes", "Kaplan", "Sato", "Reyes", "Weber",
)  # fmt: skip
PREVENTIVES = (
    "",
    "",
    "",
    "Propranolol 80 mg daily",
    "Amitriptyline 10 mg at night",
    "Topiramate 50 mg daily",
)
GOALS = (
    "Fewer attacks so I can work full weeks again.",
    "Get through a month without missing family time.",
    "Use fewer painkillers.",
    "Sleep better and feel less tense in my neck and jaw.",
    "Understand what sets my attacks off.",
)


class DemoConfigError(ValueError):
    """A bad generator option: the message is ``"<field>: <reason>"``."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """What to generate. ``today`` is the last diary day; ``now_minute`` the local time today.

    ``location_weights`` is the share of clients per location; ``practitioner_locations`` says
    where each practitioner works (indices into the locations), ``practitioner_styles`` their
    CST style; the first ``logins`` clients get a login and a showcase profile.
    """

    clients: int
    days: int
    seed: int
    today: dt.date
    now_minute: int = 12 * 60
    true_effect: float = 1.0
    #: Between-client spread of the effect: sd of ``log R`` (0 = every client has ``true_effect``).
    effect_sd: float = 0.0
    #: Multipliers of each client's R in the intensive, stabilising and maintenance phases.
    phase_effects: tuple[float, float, float] = (1.0, 1.0, 1.0)
    #: Therapy is booked from this many days after the diary start (then within 42 days): 28 gives
    #: a 28-day baseline and no earlier diary; more gives diary periods before the baseline.
    booking_after_days: int = BASELINE_DAYS
    location_weights: tuple[float, ...] = (0.6, 0.4)
    practitioner_locations: tuple[tuple[int, ...], ...] = ((0, 1), (0,), (1,))
    practitioner_styles: tuple[str, ...] = ("integrated", "biomechanical", "biodynamic")
    logins: int = 3

    def validate(self) -> None:
        if not 1 <= self.clients <= 20000:
            raise DemoConfigError("clients", "must be from 1 to 20000")
        if not MIN_DAYS <= self.days <= 3650:
            raise DemoConfigError("days", f"must be from {MIN_DAYS} (28 baseline + 14 treated) to 3650")
        if not 0 <= self.seed < 2**63:
            raise DemoConfigError("seed", "must be a non-negative integer below 2**63")
        if not (np.isfinite(self.true_effect) and 0.05 <= self.true_effect <= 5):
            raise DemoConfigError("true_effect", "must be a rate ratio from 0.05 to 5 (1 = no effect)")
        if not (np.isfinite(self.effect_sd) and 0 <= self.effect_sd <= 1):
            raise DemoConfigError(
                "effect_sd", "must be from 0 to 1 (sd of the log rate ratio between clients)"
            )
        if len(self.phase_effects) != 3 or not all(
            np.isfinite(m) and 0.05 <= m <= 5 for m in self.phase_effects
        ):
            raise DemoConfigError("phase_effects", "must be three multipliers from 0.05 to 5")
        if not BASELINE_DAYS <= self.booking_after_days <= self.days - MIN_TREATED_DAYS:
            raise DemoConfigError(
                "booking_after_days", f"must be from {BASELINE_DAYS} to days - {MIN_TREATED_DAYS}"
            )
        if not 0 <= self.now_minute < 1440:
            raise DemoConfigError("now_minute", "must be minutes after midnight, 0 to 1439")

    @property
    def first_day(self) -> dt.date:
        return self.today - dt.timedelta(days=self.days - 1)


@dataclass(frozen=True, slots=True)
class ClientProfile:
    """One client's fixed traits and ground truth."""

    index: int
    given_name: str
    family_name: str
    sex: str
    date_of_birth: dt.date
    location: int
    practitioner: int
    has_login: bool
    base_rate: float
    chronic: bool
    aura: bool
    fluctuation_sd: float
    diary_start: int
    therapy_start: int | None
    #: Expected onsets with care over expected onsets without it, on the client's treated days
    #: (``sum R p0 / sum p0``); ``true_effect`` exactly when R does not vary by phase. None = no care.
    true_rate_ratio: float | None
    #: The client's R in each cadence phase reached (intensive, stabilising, maintenance).
    true_phase_ratios: dict[str, float]
    triggers: dict[str, float]
    believed_triggers: tuple[str, ...]
    completeness: float
    mean_gap_days: float
    menstruates: bool
    drug_class: str
    drug_name: str
    drug_dose: str
    take_probability: float
    near_overuse: bool
    age_at_onset: int
    preventive: str
    screening_answers: dict[str, str]
    screening_outcome: str
    screening_reasons: list[dict[str, str]]
    clinician_cleared: bool
    mean_intensity: float
    missing_feature_rate: float
    anxiety: float


@dataclass(slots=True)
class Days:
    """Day-level series, shape (clients, days). NaN or -1 = not answered on a recorded day."""

    recorded: NDArray[np.bool_]
    onset: NDArray[np.bool_]
    headache: NDArray[np.bool_]  # some attack (recorded or not) covers part of the day
    treated: NDArray[np.bool_]
    latent: NDArray[np.float64]
    exposure: NDArray[np.bool_]  # (clients, days, len(TRIGGERS))
    sleep_hours: NDArray[np.float64]
    sleep_quality: NDArray[np.int8]
    stress: NDArray[np.int8]
    neck_tension: NDArray[np.int8]
    jaw_tension: NDArray[np.int8]
    menstruating: NDArray[np.int8]
    caffeine: NDArray[np.int8]
    alcohol_units: NDArray[np.float64]
    skipped_meal: NDArray[np.int8]
    hydration: NDArray[np.int8]  # 0 low, 1 ok, 2 good, -1 unanswered
    screen_hours: NDArray[np.float64]


@dataclass(slots=True)
class Attacks:
    """Recorded attacks, sorted by client and start. Codes: -1 unanswered."""

    client: NDArray[np.int64]
    day: NDArray[np.int64]
    start_minute: NDArray[np.int64]
    duration_minutes: NDArray[np.int64]
    is_open: NDArray[np.bool_]
    intensity: NDArray[np.int8]
    side: NDArray[np.int8]  # 0 unilateral, 1 bilateral
    quality: NDArray[np.int8]  # 0 pulsating, 1 pressing
    aggravated: NDArray[np.int8]
    nausea: NDArray[np.int8]
    vomiting: NDArray[np.int8]
    photophobia: NDArray[np.int8]
    phonophobia: NDArray[np.int8]
    ended_by_sleep: NDArray[np.int8]
    disability: NDArray[np.int8]  # 0 none, 1 half, 2 missed
    warning_signs: list[list[str]]
    warning_lead: NDArray[np.int64]  # minutes, -1 none
    suspected: list[list[str]]


@dataclass(slots=True)
class Auras:
    attack: NDArray[np.int64]
    type: NDArray[np.int8]  # index into AURA_TYPES
    lead_minutes: NDArray[np.int64]  # began this long before the headache
    duration_minutes: NDArray[np.int64]
    spread_gradually: NDArray[np.int8]
    unilateral: NDArray[np.int8]
    positive: NDArray[np.int8]


@dataclass(slots=True)
class Intakes:
    attack: NDArray[np.int64]
    offset_minutes: NDArray[np.int64]  # after the attack's start
    drug_class: list[str]
    name: list[str]
    #: Which simple analgesic (``headwise.clinical.Substance`` value), from the name; "" otherwise.
    substance: list[str]
    dose: list[str]
    pain_before: NDArray[np.int8]  # index into PAIN_SCALE
    pain_at_2h: NDArray[np.int8]  # -1 not recorded


@dataclass(slots=True)
class Exposures:
    client: NDArray[np.int64]
    day: NDArray[np.int64]
    minute: NDArray[np.int64]
    trigger: NDArray[np.int8]  # index into TRIGGERS
    attack: NDArray[np.int64]  # -1 none


@dataclass(slots=True)
class Session:
    started_minute: int
    duration_minutes: int
    position: str
    style: str
    regions: list[str]
    techniques: list[str]
    pressure_grams: int
    headache_at_start: int | None
    headache_at_end: int | None
    sensations: str
    emotional_release: bool
    side_effects: list[str]
    follow_up_completed_after_minutes: int | None
    follow_up_side_effects: list[str]
    follow_up_faded: bool | None
    follow_up_headache: bool | None


@dataclass(slots=True)
class Visit:
    """An appointment (day and local start minute), with its session record if attended."""

    day: int
    minute: int
    duration_minutes: int
    kind: str
    status: str
    phase: int
    room: int
    cancelled_hours_before: int | None = None
    cancellation_reason: str = ""
    session: Session | None = None


@dataclass(slots=True)
class Phase:
    kind: str
    start: int
    end: int | None
    interval: tuple[int, int]


@dataclass(slots=True)
class Questionnaire:
    instrument: str
    day: int
    items: dict[str, Any]
    total: int
    band: str


@dataclass(slots=True)
class Care:
    phases: list[Phase] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    questionnaires: list[Questionnaire] = field(default_factory=list)
    consents: dict[str, bool] = field(default_factory=dict)


@dataclass(slots=True)
class DemoData:
    config: DemoConfig
    clients: list[ClientProfile]
    days: Days
    attacks: Attacks
    auras: Auras
    intakes: Intakes
    exposures: Exposures
    care: list[Care]

    def truth(self) -> dict[str, Any]:
        """The ground truth as plain JSON-able values."""
        return _truth(self)


PHASES = (("intensive", (7, 7), 42), ("stabilising", (14, 21), 84), ("maintenance", (28, 31), None))


def generate(config: DemoConfig) -> DemoData:
    """Generate a practice's clients, diaries and care from ``config`` (see module docstring)."""
    config.validate()
    rng = np.random.default_rng(config.seed)
    d = config.days
    weekday = (config.first_day.weekday() + np.arange(d)) % 7
    traits, days, start = _diaries(rng, config, weekday)
    _leave_blanks(np.random.default_rng([config.seed, 1]), days)
    profiles = _profiles(rng, config, traits, start)
    attacks = _attacks(rng, config, profiles, days)
    auras = _auras(rng, profiles, attacks)
    intakes = _intakes(rng, profiles, attacks)
    exposures = _exposure_notes(rng, days, attacks)
    care = [_care(rng, config, p, days, weekday) for p in profiles]
    _book_today(rng, config, profiles, care)
    _one_at_a_time(config, profiles, care)
    return DemoData(config, profiles, days, attacks, auras, intakes, exposures, care)


@dataclass(frozen=True, slots=True)
class DiaryTruth:
    """The onset model alone (no attacks, care or profiles), for simulation studies.

    Exactly the draws :func:`generate` makes for the same config, up to the day-level series.
    ``therapy_start`` is ``days`` for a client who never starts; ``true_rate_ratio`` is NaN then.
    """

    onset: NDArray[np.bool_]
    recorded: NDArray[np.bool_]
    diary_start: NDArray[np.int64]
    therapy_start: NDArray[np.int64]
    true_rate_ratio: NDArray[np.float64]
    phase_ratios: NDArray[np.float64]  # (clients, 3): intensive, stabilising, maintenance


def simulate_diaries(config: DemoConfig) -> DiaryTruth:
    """Run the generator's onset and diary model only (see the module docstring)."""
    config.validate()
    rng = np.random.default_rng(config.seed)
    weekday = (config.first_day.weekday() + np.arange(config.days)) % 7
    traits, days, start = _diaries(rng, config, weekday)
    return DiaryTruth(
        onset=days.onset,
        recorded=days.recorded,
        diary_start=np.asarray(traits["diary_start"], dtype=np.int64),
        therapy_start=start.astype(np.int64),
        true_rate_ratio=traits["true_ratio"],
        phase_ratios=traits["phase_ratio"],
    )


def _diaries(
    rng: np.random.Generator, config: DemoConfig, weekday: NDArray[np.int64]
) -> tuple[dict[str, Any], Days, NDArray[np.int64]]:
    n, d = config.clients, config.days
    traits = _traits(rng, config)
    series = _series(rng, traits, weekday, n, d)
    exposure = _exposures(series, traits, weekday, n, d)
    onset, treated, latent, start = _onsets(rng, config, traits, exposure)
    recorded = _recorded(rng, traits, n, d)
    headache = np.zeros_like(onset)
    return traits, Days(recorded, onset, headache, treated, latent, exposure, **series), start


# --- client traits ------------------------------------------------------------------------------


def _traits(rng: np.random.Generator, c: DemoConfig) -> dict[str, Any]:
    n = c.clients
    kind = rng.choice(3, size=n, p=(0.65, 0.23, 0.12))  # episodic, high-frequency, chronic
    lo, hi = np.array([2.0, 8.0, 13.0])[kind], np.array([8.0, 12.0, 18.0])[kind]
    base_rate = np.exp(rng.uniform(np.log(lo), np.log(hi)))
    female = rng.random(n) < 0.75
    age = rng.integers(19, 68, size=n)
    menstruates = female & (age < 50) & (rng.random(n) < 0.8)
    diligence = np.where(rng.random(n) < 0.5, rng.uniform(0.9, 0.97, n), rng.uniform(0.6, 0.9, n))
    gap = np.where(diligence > 0.9, rng.uniform(1.5, 3.0, n), rng.uniform(3.0, 7.0, n))
    late = rng.random(n) < 0.35
    diary_start = np.where(late, rng.integers(0, max(1, (c.days - MIN_DAYS) // 2 + 1), n), 0)
    # Booking from ``booking_after_days`` after the diary start, or as late as the data allow.
    booking_after = np.minimum(
        c.booking_after_days, np.maximum(BASELINE_DAYS, c.days - MIN_TREATED_DAYS - diary_start)
    )
    # 1-2 true triggers each, with odds ratios from 1.8 to 3.5; hormones only if menstruating.
    ors = np.ones((n, len(TRIGGERS)))
    for i in range(n):
        pool = [k for k, t in enumerate(TRIGGERS) if t != "hormones" or menstruates[i]]
        for k in rng.choice(pool, size=rng.integers(1, 3), replace=False):
            ors[i, k] = round(float(rng.uniform(1.8, 3.5)), 2)
    traits = {
        "kind": kind,
        "base_rate": np.round(base_rate, 2),
        "female": female,
        "age": age,
        "menstruates": menstruates,
        "diligence": np.round(diligence, 3),
        "gap": np.round(gap, 2),
        "diary_start": diary_start,
        "booking_after": booking_after,
        "ors": ors,
        "sd": np.round(rng.uniform(0.35, 0.6, n), 2),
        "aura": rng.random(n) < 0.28,
        "screening": _screening_plan(rng, n),
    }
    _showcase(c, traits)
    return traits


def _showcase(c: DemoConfig, t: dict[str, Any]) -> None:
    """Make the clients with logins good demonstrations: diligent, from day 0, clear triggers."""
    picks = (("sleep", 2.6, 0, False), ("triptan_user", 0.0, 1, False), ("hormones", 3.0, 0, True))
    for i, (trigger, odds, kind, woman) in enumerate(picks[: min(c.logins, c.clients)]):
        t["diary_start"][i] = 0
        t["diligence"][i] = 0.95
        t["gap"][i] = 2.0
        t["kind"][i] = kind
        if kind == 1:
            t["base_rate"][i] = 10.5
        if woman:
            t["female"][i], t["age"][i], t["menstruates"][i] = True, 34, True
        if trigger in TRIGGERS:
            t["ors"][i, :] = 1.0
            t["ors"][i, TRIGGERS.index(trigger)] = odds


# --- day-level series ---------------------------------------------------------------------------


def _ar1(rng: np.random.Generator, n: int, d: int, phi: float) -> NDArray[np.float64]:
    """Standardised AR(1) series (stationary sd 1), shape (n, d)."""
    eps = rng.standard_normal((n, d))
    out = np.empty((n, d))
    out[:, 0] = eps[:, 0]
    scale = np.sqrt(1 - phi**2)
    for j in range(1, d):
        out[:, j] = phi * out[:, j - 1] + scale * eps[:, j]
    return out


def _series(
    rng: np.random.Generator, t: dict[str, Any], weekday: NDArray[np.int64], n: int, d: int
) -> dict[str, Any]:
    weekend = (weekday >= 5)[None, :]
    col = (n, 1)
    sleep = rng.normal(7.1, 0.5, col) + 0.5 * weekend + rng.normal(0, 0.85, (n, d))
    sleep = np.clip(np.round(sleep * 2) / 2, 3.0, 11.0)
    quality = np.clip(np.round(3 + (sleep - 7) * 0.8 + rng.normal(0, 0.8, (n, d))), 1, 5).astype(np.int8)
    stress = rng.uniform(2, 5, col) + 0.8 * ~weekend + 2.2 * _ar1(rng, n, d, 0.6)
    neck = rng.uniform(1.5, 5, col) + 2.0 * _ar1(rng, n, d, 0.7)
    jaw = rng.uniform(0.5, 3.5, col) + 1.8 * _ar1(rng, n, d, 0.7)
    cycle = rng.integers(26, 33, col)
    period = rng.integers(4, 7, col)
    cycle_day = (np.arange(d)[None, :] + rng.integers(0, 32, col)) % cycle
    menstruating = np.where(t["menstruates"][:, None], cycle_day < period, False)
    # "hormones" exposure: 2 days before to 3 days after day 1 of a period.
    hormone_window = (cycle_day <= 3) | (cycle_day >= cycle - 2)
    drinker = rng.uniform(0.03, 0.25, col) * np.where(np.isin(weekday, (4, 5))[None, :], 2.0, 1.0)
    alcohol = np.where(rng.random((n, d)) < drinker, 1 + rng.poisson(1.6, (n, d)), 0).astype(float)
    hydration = np.where(rng.random((n, d)) < rng.uniform(0.08, 0.2, col), 0, 1)
    hydration = np.where((hydration == 1) & (rng.random((n, d)) < 0.3), 2, hydration)
    screen = np.clip(np.round((rng.uniform(4, 7, col) + rng.normal(0, 1.8, (n, d))) * 2) / 2, 0, 16)
    return {
        "sleep_hours": sleep,
        "sleep_quality": quality,
        "stress": np.clip(np.round(stress), 0, 10).astype(np.int8),
        "neck_tension": np.clip(np.round(neck), 0, 10).astype(np.int8),
        "jaw_tension": np.clip(np.round(jaw), 0, 10).astype(np.int8),
        "menstruating": np.where(t["menstruates"][:, None], menstruating, UNKNOWN).astype(np.int8),
        "caffeine": np.minimum(rng.poisson(rng.uniform(1, 3.5, col), (n, d)), 12).astype(np.int8),
        "alcohol_units": alcohol,
        "skipped_meal": (rng.random((n, d)) < rng.uniform(0.04, 0.15, col)).astype(np.int8),
        "hydration": hydration.astype(np.int8),
        "screen_hours": screen,
        "_hormone_window": hormone_window & t["menstruates"][:, None],
    }


def _exposures(
    s: dict[str, Any], t: dict[str, Any], weekday: NDArray[np.int64], n: int, d: int
) -> NDArray[np.bool_]:
    heavy_evening = s["alcohol_units"] >= 3
    alcohol_before = np.zeros((n, d), dtype=bool)
    alcohol_before[:, 1:] = heavy_evening[:, :-1]
    columns = {
        "sleep": s["sleep_hours"] < 6,
        "stress": s["stress"] >= 7,
        "hormones": s.pop("_hormone_window"),
        "alcohol": alcohol_before,
        "skipped_meal": s["skipped_meal"] == 1,
        "dehydration": s["hydration"] == 0,
        "screen": s["screen_hours"] >= 8,
        "neck_tension": s["neck_tension"] >= 7,
    }
    return np.stack([columns[k] for k in TRIGGERS], axis=2)


def _onsets(
    rng: np.random.Generator, c: DemoConfig, t: dict[str, Any], exposure: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.float64], NDArray[np.int64]]:
    n, d = c.clients, c.days
    phi = np.exp(-1 / FLUCTUATION_CORRELATION_DAYS)
    sd = t["sd"][:, None]
    latent = np.exp(sd * _ar1(rng, n, d, phi) - sd**2 / 2)
    logit_trig = (np.log(t["ors"])[:, None, :] * exposure).sum(axis=2)
    u = rng.random((n, d))
    client_effect, by_phase = _effects(c)
    cap = 0.95 / np.maximum(1.0, by_phase.max(axis=1))
    lam = t["base_rate"][:, None] / MONTH * latent
    q = np.clip(1 - np.exp(-lam), 1e-6, 1 - 1e-6)
    p = 1 / (1 + np.exp(-(np.log(q / (1 - q)) + logit_trig)))
    p0 = np.minimum(p, cap[:, None])  # the day's onset probability without care
    untreated = u < p0
    # A referred client nobody has cleared yet gets no CST: therapy never starts (start = d).
    never = np.array([kind == "refer" for kind in t["screening"]])
    start = np.where(never, d, _therapy_start(rng, t, untreated, d))
    day = np.arange(d)[None, :]
    treated = day >= start[:, None]
    ratio = np.where(treated, by_phase[np.arange(n)[:, None], phase_of_day(day - start[:, None])], 1.0)
    # Care multiplies the day's probability (same uniforms: care only removes onsets when R < 1),
    # so expected onsets with care / without on the same days is exactly R.
    onset: NDArray[np.bool_] = u < ratio * p0
    with np.errstate(invalid="ignore", divide="ignore"):
        t["true_ratio"] = np.where(
            treated.any(axis=1), (ratio * p0 * treated).sum(axis=1) / (p0 * treated).sum(axis=1), np.nan
        )
    t["phase_ratio"] = by_phase
    t["client_effect"] = client_effect
    return onset, treated, latent, start


#: First day (counted from the therapy start) of the stabilising and maintenance phases.
PHASE_STARTS = (PHASES[0][2], PHASES[0][2] + PHASES[1][2])


def phase_of_day(since_start: NDArray[np.int64]) -> NDArray[np.int64]:
    """Cadence phase (0 intensive, 1 stabilising, 2 maintenance) of a day ``since_start`` days
    after the therapy start, as :func:`_care` lays the phases out (42 days, then 84, then on)."""
    out: NDArray[np.int64] = np.select(
        [since_start < PHASE_STARTS[0], since_start < PHASE_STARTS[1]], [0, 1], 2
    ).astype(np.int64)
    return out


def _effects(c: DemoConfig) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each client's R (``true_effect * exp(effect_sd * z)``) and R per phase, clipped to 0.05-5.

    Drawn from their own stream so that the rest of the data set does not move with them.
    """
    z = np.random.default_rng([c.seed, 2]).standard_normal(c.clients)
    client = np.clip(c.true_effect * np.exp(c.effect_sd * z), 0.05, 5.0)
    by_phase = np.clip(client[:, None] * np.asarray(c.phase_effects, dtype=np.float64)[None, :], 0.05, 5.0)
    return client, by_phase


def _therapy_start(
    rng: np.random.Generator, t: dict[str, Any], untreated: NDArray[np.bool_], d: int
) -> NDArray[np.int64]:
    """The day after the worst 4 weeks (most onsets) within each client's booking window."""
    n = untreated.shape[0]
    csum = np.concatenate([np.zeros((n, 1)), np.cumsum(untreated, axis=1)], axis=1)
    trailing = np.full((n, d), -np.inf)
    trailing[:, BASELINE_DAYS:] = csum[:, BASELINE_DAYS:d] - csum[:, : d - BASELINE_DAYS]
    first = t["diary_start"] + t["booking_after"]
    last = np.minimum(d - MIN_TREATED_DAYS, first + BOOKING_WINDOW_DAYS)
    day = np.arange(d)[None, :]
    window = (day >= first[:, None]) & (day <= last[:, None])
    score = np.where(window, trailing + rng.uniform(0, 0.5, (n, d)), -np.inf)
    start: NDArray[np.int64] = np.argmax(score, axis=1).astype(np.int64)
    return start


def _recorded(rng: np.random.Generator, t: dict[str, Any], n: int, d: int) -> NDArray[np.bool_]:
    """Diary days kept, as runs: gaps last ``gap`` days on average, completeness ``diligence``."""
    leave = 1 / t["gap"]
    enter = leave * (1 - t["diligence"]) / t["diligence"]
    u = rng.random((n, d))
    out = np.zeros((n, d), dtype=bool)
    state = np.ones(n, dtype=bool)
    for j in range(d):
        state = np.where(state, u[:, j] >= enter, u[:, j] < leave)
        state |= j == t["diary_start"]
        out[:, j] = state & (j >= t["diary_start"])
    return out


def _leave_blanks(rng: np.random.Generator, days: Days) -> None:
    """Real check-ins have gaps: a few answers are left blank even on a kept day."""
    shape = days.recorded.shape
    for name in ("sleep_hours", "alcohol_units", "screen_hours"):
        arr = getattr(days, name)
        arr[rng.random(shape) < 0.06] = np.nan
    for name in (
        "sleep_quality",
        "stress",
        "neck_tension",
        "jaw_tension",
        "caffeine",
        "skipped_meal",
        "hydration",
    ):
        arr = getattr(days, name)
        arr[rng.random(shape) < 0.06] = UNKNOWN


# --- profiles -----------------------------------------------------------------------------------


def _profiles(
    rng: np.random.Generator, c: DemoConfig, t: dict[str, Any], start: NDArray[np.int64]
) -> list[ClientProfile]:
    n = c.clients
    weights = np.array(c.location_weights) / sum(c.location_weights)
    location = rng.choice(len(c.location_weights), size=n, p=weights)
    screening = t["screening"]
    out = []
    for i in range(n):
        staff = [p for p, locs in enumerate(c.practitioner_locations) if location[i] in locs]
        female = bool(t["female"][i])
        given = str(rng.choice(GIVEN_F if female else GIVEN_M))
        age = int(t["age"][i])
        born = c.today - dt.timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
        drug_class = str(rng.choice(list(DRUGS), p=(0.45, 0.4, 0.15)))
        near_overuse = bool(t["kind"][i] >= 1 and rng.random() < 0.5) or i == 1
        if i == 1:
            drug_class = "triptan"
        name, dose = DRUGS[drug_class][int(rng.integers(len(DRUGS[drug_class])))]
        answers, outcome, reasons, onset_age = _screen(rng, screening[i], age)
        ors = {TRIGGERS[k]: float(t["ors"][i, k]) for k in range(len(TRIGGERS)) if t["ors"][i, k] > 1}
        believed = [k for k in ors if rng.random() < 0.7]
        if rng.random() < 0.5:
            believed.append(str(rng.choice(["weather", "food", "light", "caffeine"])))
        out.append(
            ClientProfile(
                index=i,
                given_name=given,
                family_name=str(rng.choice(FAMILY)),
                sex="female" if female else "male",
                date_of_birth=born,
                location=int(location[i]),
                practitioner=int(rng.choice(staff)),
                has_login=i < c.logins,
                base_rate=float(t["base_rate"][i]),
                chronic=bool(t["kind"][i] == 2),
                aura=bool(t["aura"][i]),
                fluctuation_sd=float(t["sd"][i]),
                diary_start=int(t["diary_start"][i]),
                therapy_start=int(start[i]) if start[i] < c.days else None,
                true_rate_ratio=float(t["true_ratio"][i]) if start[i] < c.days else None,
                true_phase_ratios={
                    kind: float(t["phase_ratio"][i, k])
                    for k, (kind, _, _) in enumerate(PHASES)
                    if start[i] < c.days and start[i] + (0, *PHASE_STARTS)[k] < c.days
                },
                triggers=ors,
                believed_triggers=tuple(dict.fromkeys(believed)),
                completeness=float(t["diligence"][i]),
                mean_gap_days=float(t["gap"][i]),
                menstruates=bool(t["menstruates"][i]),
                drug_class=drug_class,
                drug_name=name,
                drug_dose=dose,
                take_probability=0.95 if near_overuse else float(np.round(rng.uniform(0.35, 0.8), 2)),
                near_overuse=near_overuse,
                age_at_onset=onset_age,
                preventive=str(rng.choice(PREVENTIVES)),
                screening_answers=answers,
                screening_outcome=outcome,
                screening_reasons=reasons,
                clinician_cleared=screening[i] == "refer_cleared",
                mean_intensity=float(np.round(rng.uniform(4.5, 7.5), 1)),
                missing_feature_rate=float(np.round(rng.uniform(0.02, 0.2), 3)),
                anxiety=float(np.round(rng.uniform(0, 1), 2)),
            )
        )
    return out


def _screening_plan(rng: np.random.Generator, n: int) -> list[str]:
    """Most cleared; about 8 % caution; one referred then cleared by a GP, one still referred."""
    plan = ["cleared"] * n
    others = list(range(min(n, 3), n)) or list(range(n))
    picks = [int(i) for i in rng.permutation(others)]
    refer = ["refer_cleared", "refer"] if n >= 12 else ["refer_cleared"]
    for i, kind in zip(picks, refer, strict=False):
        plan[i] = kind
    for i in picks[len(refer) : len(refer) + max(1, round(0.08 * n))]:
        plan[i] = "caution"
    return plan


def _screen(
    rng: np.random.Generator, kind: str, age: int
) -> tuple[dict[str, str], str, list[dict[str, str]], int]:
    answers = {r.id: "no" for r in SAFETY_RULES}
    if kind == "caution":
        rule = rng.choice(["contraindication.clotting", "contraindication.high_risk_pregnancy", "unknown"])
        if rule == "unknown":
            answers[str(rng.choice(["red_flag.papilloedema", "contraindication.aneurysm"]))] = "unknown"
        else:
            answers[str(rule)] = "yes"
    elif kind.startswith("refer"):
        answers[str(rng.choice(["red_flag.pattern_change", "contraindication.csf_leak"]))] = "yes"
    onset_age = min(age - 2, int(rng.integers(8, 36)))
    result = evaluate_safety(answers, age_at_onset=onset_age)
    reasons = [
        {"rule_id": r.rule_id, "answer": r.answer, "effect": r.effect.value, "text": r.text}
        for r in result.reasons
    ]
    return answers, result.outcome.value, reasons, onset_age


# --- attacks ------------------------------------------------------------------------------------


def _tri(
    rng: np.random.Generator, p_yes: NDArray[np.float64], p_unknown: NDArray[np.float64]
) -> NDArray[np.int8]:
    """A yes/no answer with probability ``p_yes``, left blank with probability ``p_unknown``."""
    size = p_yes.shape
    out = (rng.random(size) < p_yes).astype(np.int8)
    out[rng.random(size) < p_unknown] = UNKNOWN
    return out


def _attacks(rng: np.random.Generator, c: DemoConfig, profiles: list[ClientProfile], days: Days) -> Attacks:
    client, day = np.nonzero(days.onset)
    a = client.size
    chronic = np.array([p.chronic for p in profiles])[client]
    start = np.clip(rng.normal(10 * 60, 5 * 60, a), 30, 22 * 60 + 59).astype(np.int64)
    median = np.where(chronic, 16 * 60, 9 * 60)
    duration = np.clip(np.exp(np.log(median) + rng.normal(0, 0.75, a)), 45, 72 * 60).astype(np.int64)
    g_start = day * 1440 + start
    same_next = np.zeros(a, dtype=bool)
    same_next[:-1] = client[1:] == client[:-1]
    next_start = np.append(g_start[1:], 0)
    duration = np.where(same_next, np.minimum(duration, next_start - g_start - 15), duration)
    now_g = (c.days - 1) * 1440 + c.now_minute
    _mark_headache_days(
        days.headache, client[g_start < now_g], g_start[g_start < now_g], duration[g_start < now_g]
    )
    keep = (g_start < now_g) & days.recorded[client, day]
    days.onset[client[~keep & (g_start >= now_g)], day[~keep & (g_start >= now_g)]] = False
    client, day, start, duration, g_start = (
        client[keep],
        day[keep],
        start[keep],
        duration[keep],
        g_start[keep],
    )
    a = client.size
    is_open = g_start + duration > now_g
    duration = np.where(is_open, np.maximum(now_g - g_start, 1), duration)

    unknown = np.array([p.missing_feature_rate for p in profiles])[client]
    tension_like = rng.random(a) < 0.2
    mean_int = np.array([p.mean_intensity for p in profiles])[client] - 2.5 * tension_like
    intensity = np.clip(np.round(rng.normal(mean_int, 1.5)), 1, 10).astype(np.int8)
    intensity[rng.random(a) < unknown / 2] = UNKNOWN
    mig = np.where(tension_like, 0.0, 1.0)
    side = np.where(rng.random(a) < 0.15 + 0.5 * mig, 0, 1).astype(np.int8)
    side[rng.random(a) < unknown] = UNKNOWN
    quality = np.where(rng.random(a) < 0.1 + 0.55 * mig, 0, 1).astype(np.int8)
    quality[rng.random(a) < unknown] = UNKNOWN
    nausea = _tri(rng, 0.05 + 0.6 * mig, unknown)
    vomiting = np.where(nausea == 1, _tri(rng, np.full(a, 0.25), unknown), np.where(nausea == 0, 0, UNKNOWN))
    photo = _tri(rng, 0.25 + 0.55 * mig, unknown)
    phono = _tri(rng, 0.2 + 0.5 * mig, unknown)
    disability = np.select([intensity >= 8, intensity >= 5], [2, 1], 0).astype(np.int8)
    warned = rng.random(a) < 0.3
    warning = [
        [str(s) for s in rng.choice(WARNING_SIGNS, size=rng.integers(1, 3), replace=False)] if w else []
        for w in warned
    ]
    active = days.exposure[client, day]
    suspected = [
        [TRIGGERS[k] for k in np.flatnonzero(row) if r < 0.5]
        for row, r in zip(active, rng.random(a), strict=True)
    ]
    return Attacks(
        client=client,
        day=day,
        start_minute=start,
        duration_minutes=duration,
        is_open=is_open,
        intensity=intensity,
        side=side,
        quality=quality,
        aggravated=_tri(rng, 0.2 + 0.6 * mig, unknown),
        nausea=nausea,
        vomiting=vomiting.astype(np.int8),
        photophobia=photo,
        phonophobia=phono,
        ended_by_sleep=_tri(rng, np.full(a, 0.3), unknown * 2),
        disability=disability,
        warning_signs=warning,
        warning_lead=np.where(warned, rng.integers(30, 24 * 60, a), -1),
        suspected=suspected,
    )


def _mark_headache_days(
    headache: NDArray[np.bool_],
    client: NDArray[np.int64],
    g_start: NDArray[np.int64],
    duration: NDArray[np.int64],
) -> None:
    """Mark every day an attack touches (attacks last at most 72 h, so at most 4 days)."""
    first, last = g_start // 1440, (g_start + duration - 1) // 1440
    for k in range(4):
        day = first + k
        hit = (day <= last) & (day < headache.shape[1])
        headache[client[hit], day[hit]] = True


def _auras(rng: np.random.Generator, profiles: list[ClientProfile], at: Attacks) -> Auras:
    has = np.array([p.aura for p in profiles])[at.client] & (rng.random(at.client.size) < 0.65)
    first = np.flatnonzero(has)
    second = first[rng.random(first.size) < 0.3]
    idx = np.concatenate([first, second])
    m = idx.size
    kind = np.where(np.arange(m) < first.size, 0, rng.choice([1, 2], size=m, p=(0.8, 0.2))).astype(np.int8)
    duration = np.clip(np.round(rng.lognormal(np.log(22), 0.5, m)), 3, 90).astype(np.int64)
    order = np.lexsort((kind, idx))
    unknown = np.array([p.missing_feature_rate for p in profiles])[at.client[idx]]
    return Auras(
        attack=idx[order],
        type=kind[order],
        lead_minutes=(duration + rng.integers(0, 50, m))[order],
        duration_minutes=duration[order],
        spread_gradually=_tri(rng, np.full(m, 0.85), unknown)[order],
        unilateral=_tri(rng, np.full(m, 0.8), unknown)[order],
        positive=_tri(rng, np.full(m, 0.85), unknown)[order],
    )


def _pain_scale(intensity: NDArray[np.int8]) -> NDArray[np.int8]:
    """0-10 to the IHS 4-point scale with the clinical engine's default cut-offs (4, 7)."""
    filled = np.where(intensity < 0, 5, intensity)
    return np.select([filled >= 7, filled >= 4, filled >= 1], [3, 2, 1], 0).astype(np.int8)


def _substance(p: ClientProfile) -> str:
    """The usual drug's substance when it is a simple analgesic (ICHD-3 8.2.3.1-3); no draw."""
    known = substance_for_name(p.drug_name) if p.drug_class == "simple_analgesic" else None
    return known.value if known is not None else ""


def _intakes(rng: np.random.Generator, profiles: list[ClientProfile], at: Attacks) -> Intakes:
    take = np.array([p.take_probability for p in profiles])[at.client]
    first = np.flatnonzero(rng.random(at.client.size) < take)
    # Long attacks: a second dose the next day, so intake days approach the overuse thresholds.
    long = first[(at.duration_minutes[first] > 20 * 60) & (rng.random(first.size) < 0.6)]
    idx = np.concatenate([first, long])
    offset = np.concatenate([rng.integers(10, 120, first.size), rng.integers(18 * 60, 20 * 60, long.size)])
    offset = np.minimum(offset, at.duration_minutes[idx])
    order = np.lexsort((offset, idx))
    idx, offset = idx[order], offset[order]
    prof = [profiles[int(c)] for c in at.client[idx]]
    classes = [p.drug_class for p in prof]
    before = np.maximum(_pain_scale(at.intensity[idx]), 1)
    steps = np.zeros(idx.size, dtype=np.int8)
    class_arr = np.array(classes, dtype=object)
    for k, probs in RELIEF_STEPS.items():
        mask = class_arr == k
        steps[mask] = rng.choice(4, size=int(mask.sum()), p=probs)
    after = np.maximum(before - steps, 0).astype(np.int8)
    after[rng.random(idx.size) < 0.1] = UNKNOWN
    return Intakes(
        attack=idx,
        offset_minutes=offset,
        drug_class=classes,
        name=[p.drug_name for p in prof],
        substance=[_substance(p) for p in prof],
        dose=[p.drug_dose for p in prof],
        pain_before=before.astype(np.int8),
        pain_at_2h=after,
    )


def _exposure_notes(rng: np.random.Generator, days: Days, at: Attacks) -> Exposures:
    """Exposures the client noted (about 40 % of them, on kept days)."""
    noted = days.exposure & days.recorded[:, :, None] & (rng.random(days.exposure.shape) < 0.4)
    client, day, trig = np.nonzero(noted)
    alcohol = trig == TRIGGERS.index("alcohol")
    # The alcohol exposure is the evening before the day it affects.
    valid = ~alcohol | (day > 0)
    client, day, trig, alcohol = client[valid], day[valid], trig[valid], alcohol[valid]
    day = day - alcohol
    minute = np.select(
        [trig == TRIGGERS.index("sleep"), alcohol, trig == TRIGGERS.index("hormones")],
        [7 * 60, 20 * 60, 8 * 60],
        rng.integers(9 * 60, 18 * 60, client.size),
    )
    attack_at = {(int(c), int(d)): i for i, (c, d) in enumerate(zip(at.client, at.day, strict=True))}
    affected = day + alcohol
    link = np.array(
        [
            attack_at.get((int(c), int(d)), -1) if r < 0.5 else -1
            for c, d, r in zip(client, affected, rng.random(client.size), strict=True)
        ],
        dtype=np.int64,
    )
    return Exposures(
        client=client, day=day, minute=minute.astype(np.int64), trigger=trig.astype(np.int8), attack=link
    )


# --- care ---------------------------------------------------------------------------------------


def _care(
    rng: np.random.Generator, c: DemoConfig, p: ClientProfile, days: Days, weekday: NDArray[np.int64]
) -> Care:
    care = Care(consents={"treatment": True, "data": True, "physician_report": rng.random() < 0.6})
    if rng.random() < 0.4:
        care.consents["research"] = True
    if p.therapy_start is None:
        return care
    today = c.days - 1
    start = p.therapy_start
    at = start
    for kind, interval, length in PHASES:
        end = None if length is None else at + length - 1
        care.phases.append(Phase(kind, at, end if end is not None and end < today else None, interval))
        if end is None or end >= today:
            break
        at = end + 1
    slot = int(rng.integers(len(SLOTS)))
    visit_day = start
    booked_ahead = 0
    while visit_day <= today + 35 and booked_ahead < 2:
        phase = max(k for k, ph in enumerate(care.phases) if ph.start <= visit_day)
        day = _weekday_on_or_after(visit_day, weekday)
        first = not care.visits
        kind = (
            "intake"
            if first
            else ("review" if phase > 0 and care.phases[phase].start > care.visits[-1].day else "session")
        )
        minute = SLOTS[(slot + int(rng.integers(-1, 2))) % len(SLOTS)]
        room = int(rng.integers(ROOMS_PER_SITE))
        visit = Visit(day, minute, 90 if first else 60, kind, "booked", phase, room)
        if day < today or (day == today and minute + visit.duration_minutes <= c.now_minute):
            _settle(rng, c, p, visit, days)
        else:
            booked_ahead += 1
        care.visits.append(visit)
        lo, hi = care.phases[phase].interval
        visit_day = day + int(rng.integers(lo, hi + 1))
    care.questionnaires = _questionnaires(rng, p, days, start, today)
    return care


def _weekday_on_or_after(day: int, weekday: NDArray[np.int64]) -> int:
    """Move a Saturday or Sunday to the Monday after (the practice works weekdays)."""
    wd = (int(weekday[0]) + day) % 7
    return day + (7 - wd if wd >= 5 else 0)


def _settle(rng: np.random.Generator, c: DemoConfig, p: ClientProfile, v: Visit, days: Days) -> None:
    """A past appointment: attended (with a session record), cancelled or missed."""
    r = rng.random()
    if v.kind != "intake" and r < 0.08:
        v.status, v.cancelled_hours_before = "cancelled", int(rng.integers(2, 72))
        v.cancellation_reason = str(rng.choice(CANCEL_REASONS))
        return
    if v.kind != "intake" and r < 0.14:
        v.status = "no_show"
        return
    v.status = "attended"
    style = c.practitioner_styles[p.practitioner]
    picked = [reg for reg, w in zip(REGIONS, REGION_WEIGHTS, strict=True) if rng.random() < w] or [
        "skull_base"
    ]
    effects = [str(s) for s in SIDE_EFFECTS if rng.random() < 0.07]
    aching = bool(days.onset[p.index, v.day]) and rng.random() < 0.5
    at_start = int(rng.integers(2, 7)) if aching else 0
    headache_next = bool(days.onset[p.index, v.day : v.day + 2].any())
    minutes_since = (c.days - 1 - v.day) * 1440 + c.now_minute - v.minute
    done = minutes_since > 30 * 60 and rng.random() < 0.85
    v.session = Session(
        started_minute=v.minute + int(rng.integers(0, 6)),
        duration_minutes=v.duration_minutes - int(rng.integers(0, 11)),
        position=str(rng.choice(["supine", "side", "seated"], p=(0.85, 0.1, 0.05))),
        style=style,
        regions=picked,
        techniques=[str(t) for t in rng.choice(TECHNIQUES, size=int(rng.integers(2, 5)), replace=False)],
        pressure_grams=int(rng.choice([5, 5, 5, 4, 6, 3, 8])),
        headache_at_start=at_start if rng.random() > 0.1 else None,
        headache_at_end=max(0, at_start - int(rng.integers(0, 4))) if at_start else 0,
        sensations=" ".join(
            str(s) for s in rng.choice(SENSATIONS, size=int(rng.integers(1, 3)), replace=False)
        ),
        emotional_release=bool(rng.random() < 0.1),
        side_effects=effects,
        follow_up_completed_after_minutes=int(rng.integers(0, 6 * 60)) if done else None,
        follow_up_side_effects=[e for e in effects if rng.random() < 0.5] if done else [],
        follow_up_faded=(bool(rng.random() < 0.9) if effects else None) if done else None,
        follow_up_headache=headache_next if done else None,
    )


def _questionnaires(
    rng: np.random.Generator, p: ClientProfile, days: Days, start: int, today: int
) -> list[Questionnaire]:
    out = []
    for day in (start, start + 84):
        if day > today:
            break
        window = days.onset[p.index, max(0, day - 90) : day]
        hd = int(min(90, round(window.sum() * 90 / max(window.size, 1) * 1.2)))
        items = [int(rng.binomial(hd, q)) for q in (0.1, 0.25, 0.1, 0.2, 0.08)]
        midas = score_midas(items, headache_days=hd, average_pain=round(p.mean_intensity))
        out.append(
            Questionnaire(
                "midas",
                day,
                {"items": items, "headache_days": hd, "average_pain": round(p.mean_intensity)},
                midas.total,
                midas.grade,
            )
        )
        phq_items = [int(min(3, rng.poisson(p.anxiety * 1.3))) for _ in range(4)]
        phq = score_phq4(phq_items)
        out.append(Questionnaire("phq4", day, {"items": phq_items}, phq.total, phq.band))
    return out


def _book_today(
    rng: np.random.Generator, c: DemoConfig, profiles: list[ClientProfile], care: list[Care]
) -> None:
    """Move a few next appointments to later today, so the staff home has a day to show."""
    today = c.days - 1
    # After the last regular slot (a demo at night), evening slots 20 minutes apart from now.
    evening = [m for m in range(c.now_minute + 10, 1440 - 60, 20)][:5]
    slots = [s for s in SLOTS if s > c.now_minute + 15] or evening
    candidates = [
        i
        for i, cc in enumerate(care)
        if cc.visits and cc.visits[-1].status == "booked" and cc.visits[-1].day > today
    ]
    for n, i in enumerate(rng.permutation(candidates)[: min(5, len(slots) * 3)]):
        visit = care[int(i)].visits[-1]
        visit.day, visit.minute = today, slots[n % len(slots)]
        care[int(i)].visits.sort(key=lambda v: (v.day, v.minute))


def _one_at_a_time(c: DemoConfig, profiles: list[ClientProfile], care: list[Care]) -> None:
    """A practitioner, and a room, holds one appointment at a time, as the booking service (and,
    on PostgreSQL, the database) insists; visits are drawn per client, so they can clash.

    Visits are placed in time order. One that clashes with a visit already placed moves to the
    nearest free slot of its day, in its room or the other one, keeping its status (a past visit
    stays past, one booked ahead stays ahead; an attended session moves with it). A booked visit
    with no free slot that day moves to a later weekday; a past one is recorded as cancelled by
    the practice. A cancelled visit holds no time.
    """
    today = c.days - 1
    # (what, which, day) -> the spans, in minutes since day 0, held on that day.
    busy: dict[tuple[str, int, int], list[tuple[int, int]]] = {}

    def keys(p: ClientProfile, room: int) -> tuple[tuple[str, int], tuple[str, int]]:
        return ("practitioner", p.practitioner), ("room", p.location * ROOMS_PER_SITE + room)

    def free(p: ClientProfile, v: Visit, day: int, minute: int, room: int) -> bool:
        past = day < today or (day == today and minute + v.duration_minutes <= c.now_minute)
        if past != (v.status != "booked"):  # it would change from past to ahead, or back
            return False
        start, end = day * 1440 + minute, day * 1440 + minute + v.duration_minutes
        held = (busy.get((*key, d), []) for key in keys(p, room) for d in (day - 1, day))
        return all(end <= s or e <= start for spans in held for s, e in spans)

    def weekday(day: int) -> bool:
        return (c.first_day + dt.timedelta(days=day)).weekday() < 5

    order = sorted((v.day, v.minute, i, k) for i, cc in enumerate(care) for k, v in enumerate(cc.visits))
    for _day, _minute, i, k in order:
        v, p = care[i].visits[k], profiles[i]
        if v.status == "cancelled":
            continue
        days = (
            [v.day, *(v.day + n for n in range(1, 15) if weekday(v.day + n))]
            if v.status == "booked"
            else [v.day]
        )
        minutes = [v.minute, *sorted((m for m in SLOTS if m != v.minute), key=lambda m: abs(m - v.minute))]
        rooms = [v.room, *(r for r in range(ROOMS_PER_SITE) if r != v.room)]
        candidates = ((d, m, r) for d in days for m in minutes for r in rooms)
        placed = next(((d, m, r) for d, m, r in candidates if free(p, v, d, m, r)), None)
        if placed is None:  # a past visit with no free time left that day
            v.status, v.cancelled_hours_before, v.cancellation_reason = "cancelled", 24, RESCHEDULED
            v.session = None
            continue
        day, minute, room = placed
        if v.session is not None:
            v.session.started_minute += minute - v.minute
        v.day, v.minute, v.room = day, minute, room
        for key in keys(p, room):
            busy.setdefault((*key, day), []).append(
                (day * 1440 + minute, day * 1440 + minute + v.duration_minutes)
            )
    for cc in care:
        cc.visits.sort(key=lambda v: (v.day, v.minute))


# --- ground truth -------------------------------------------------------------------------------


def _truth(data: DemoData) -> dict[str, Any]:
    c, days = data.config, data.days
    first = c.first_day
    clients = []
    before, after = [], []
    for p in data.clients:
        row = days.onset[p.index]
        rec = days.recorded[p.index]
        entry: dict[str, Any] = {
            "index": p.index,
            "name": f"{p.given_name} {p.family_name}",
            "login": f"client{p.index + 1}@demo.headwise.test" if p.has_login else None,
            "base_rate_per_28_days": p.base_rate,
            "chronic_profile": p.chronic,
            "aura": p.aura,
            "fluctuation_sd": p.fluctuation_sd,
            "diary_starts_on": (first + dt.timedelta(days=p.diary_start)).isoformat(),
            "therapy_starts_on": None
            if p.therapy_start is None
            else (first + dt.timedelta(days=p.therapy_start)).isoformat(),
            "true_rate_ratio": None if p.true_rate_ratio is None else round(p.true_rate_ratio, 4),
            "true_phase_ratios": {k: round(v, 4) for k, v in p.true_phase_ratios.items()},
            "triggers": [
                {"trigger": k, "exposure": EXPOSURE_RULES[k], "odds_ratio": v} for k, v in p.triggers.items()
            ],
            "believed_triggers": list(p.believed_triggers),
            "completeness_target": p.completeness,
            "completeness_observed": round(float(rec[p.diary_start :].mean()), 3),
            "mean_gap_days": p.mean_gap_days,
            "menstruation_tracked": p.menstruates,
            "acute_medication": {
                "class": p.drug_class,
                "name": p.drug_name,
                "substance": _substance(p) or None,
                "take_probability": p.take_probability,
            },
            "near_medication_overuse": p.near_overuse,
            "screening_outcome": p.screening_outcome,
            "onsets_total": int(row.sum()),
        }
        if p.therapy_start is not None:
            s = p.therapy_start
            base = slice(s - BASELINE_DAYS, s)
            entry["onsets_per_28_days_baseline"] = round(float(row[base].mean() * MONTH), 2)
            entry["onsets_per_28_days_after"] = round(float(row[s:].mean() * MONTH), 2)
            entry["latent_level_baseline"] = round(float(days.latent[p.index, base].mean()), 3)
            entry["latent_level_after"] = round(float(days.latent[p.index, s:].mean()), 3)
            before.append(row[base].sum() / BASELINE_DAYS)
            after.append(row[s:].mean())
        clients.append(entry)
    naive = float(np.mean(after) / np.mean(before)) if before and np.mean(before) > 0 else None
    return {
        "generator": "headwise.demo.generator",
        "seed": c.seed,
        "clients": c.clients,
        "days": c.days,
        "first_day": first.isoformat(),
        "today": c.today.isoformat(),
        "true_effect": c.true_effect,
        "effect_sd": c.effect_sd,
        "phase_effects": dict(zip((k for k, _, _ in PHASES), c.phase_effects, strict=True)),
        "model": {
            "onset_hazard": "lam = base_rate_per_28_days / 28 * exp(u - sd**2/2)",
            "care": "P(onset) = R * p0 on treated days, p0 the untreated probability below; R ="
            " true_effect * exp(effect_sd * z_client) * phase_effects[phase], clipped to 0.05-5;"
            " true_rate_ratio = expected onsets with care / without on the client's treated days",
            "fluctuation": "u is AR(1) with stationary sd = fluctuation_sd,"
            f" phi = exp(-1/{FLUCTUATION_CORRELATION_DAYS:g})",
            "triggers": "logit(p) = logit(1 - exp(-lam)) + sum(log(odds_ratio) * exposure);"
            " p0 = min(p, 0.95 / max(1, the client's largest R)); onset ~ Bernoulli(R * p0)",
            "exposures": EXPOSURE_RULES,
            "therapy_start": "the day after the 28 days with the most onsets (untreated), within"
            f" diary start + {c.booking_after_days} to + {c.booking_after_days + BOOKING_WINDOW_DAYS} days; a"
            " regression-to-the-mean trap for naive before/after comparisons",
            "missingness": "two-state Markov chain per client: gaps last mean_gap_days on average,"
            " completeness_target of days kept; a missing day has no check-in and its attacks"
            " are not recorded",
        },
        "summary": {
            "naive_after_over_baseline_onset_ratio": None if naive is None else round(naive, 3),
            "note": "onsets per day after therapy start over the 28-day baseline, all clients, all days "
            "(recorded or not); differs from true_effect by regression to the mean",
        },
        "clients_truth": clients,
    }
