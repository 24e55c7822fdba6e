"""Every configurable clinical definition in one place.

Values the published sources leave open are parameters with the default and source given in
``docs/clinical-definitions.md``; the remaining fields are operational choices the engine had to
make, each documented in ``docs/clinical-engine.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from headwise.clinical.model import DrugClass

__all__ = ["MigraineDayDefinition", "Parameters", "DEFAULT_PARAMETERS"]


class MigraineDayDefinition(StrEnum):
    """Which migraine-day definition the day counts use (docs/clinical-definitions.md)."""

    DEFAULT = "default"
    ALTERNATIVE = "alternative"


def _thresholds() -> Mapping[DrugClass, int]:
    # ICHD-3 8.2.1-8.2.5: ergotamine, triptans, opioids, combination analgesics >=10 days/month;
    # non-opioid analgesics (paracetamol, NSAIDs, aspirin together) >=15 days/month.
    return MappingProxyType(
        {
            DrugClass.ERGOT: 10,
            DrugClass.TRIPTAN: 10,
            DrugClass.SIMPLE_ANALGESIC: 15,
            DrugClass.OPIOID: 10,
            DrugClass.COMBINATION_ANALGESIC: 10,
        }
    )


@dataclass(frozen=True, slots=True)
class Parameters:
    """Clinical parameters, frozen; pass a changed copy with :func:`dataclasses.replace`.

    Attributes
    ----------
    migraine_day_definition
        ``default`` (van der Arend et al., Cephalalgia 2023) or ``alternative`` (IHS trial
        guideline as reported, **verify**).
    alternative_min_duration_hours
        Minimum attack duration for the alternative migraine day, 4 h **(verify)**.
    migraine_specific_classes
        Drug classes that make a treated headache a migraine day: triptan, ergot, gepant.
    headache_min_minutes
        A headache day needs a headache of at least 30 min.
    medication_day_is_headache_day
        Any acute medication taken makes a headache day, True **(verify)**.
    moderate_min_nrs, severe_min_nrs
        Cut-offs mapping the 0-10 peak intensity to the IHS 4-point scale: 1..3 mild,
        4..6 moderate, 7..10 severe (engine choice; a practice may change them).
    adult_age_years, child_min_duration_hours, adult_min_duration_hours, max_duration_hours
        ICHD-3 1.1 B: 4-72 h, 2-72 h under 18.
    month_days
        Length of a "month" for monthly rates, 28 **(verify)**.
    chronic_window_periods
        ">3 months" is judged over this many consecutive full 28-day periods: 4, the smallest
        whole number of 28-day periods that exceeds 3 months (engine choice).
    year_days, frequent_tension_days_per_year, chronic_tension_days_per_year
        ICHD-3 words 2.1-2.3 per year: 2.1 < 12 days/year, 2.2 >= 12 and < 180, 2.3 >= 180;
        a diary's rate per year is its tension-type days / its days x ``year_days`` (365).
    overuse_thresholds
        ICHD-3 8.2 days of intake per month per class.
    multiple_class_threshold
        ICHD-3 8.2.6 B, two or more classes none overused alone, together >=10 days/month.
    chronic_migraine_excludes_tension_type
        ICHD-3 1.3 note 1: "the diagnosis of 1.3 Chronic migraine excludes the diagnosis of
        2. Tension-type headache". A common reading lets 2.3 and 1.3 coexist; the engine follows
        the ICHD-3 text by default.
    baseline_min_days, baseline_min_completeness
        Baseline of >=28 consecutive diary days, warn below 80 % complete **(verify)**.
    red_flag_onset_age
        SNNOOP10 "onset at older age": >50 (SNOOP4) by default; the journal version uses >65.
    head_injury_window_days
        A head injury this many days ago or fewer defers CST: "other therapies until the
        injuries have calmed down" (CST practice advice, e.g. Posture Massage, *Craniosacral
        Massage Therapy for Migraines*; no published window exists). 90 days is an engine
        choice **(verify)**, a parameter a practice may change.
    """

    migraine_day_definition: MigraineDayDefinition = MigraineDayDefinition.DEFAULT
    alternative_min_duration_hours: float = 4.0
    migraine_specific_classes: frozenset[DrugClass] = frozenset(
        {DrugClass.TRIPTAN, DrugClass.ERGOT, DrugClass.GEPANT}
    )
    headache_min_minutes: float = 30.0
    medication_day_is_headache_day: bool = True
    moderate_min_nrs: int = 4
    severe_min_nrs: int = 7
    adult_age_years: int = 18
    child_min_duration_hours: float = 2.0
    adult_min_duration_hours: float = 4.0
    max_duration_hours: float = 72.0
    aura_min_minutes: float = 5.0
    aura_max_minutes: float = 60.0
    motor_aura_max_minutes: float = 72 * 60.0
    aura_headache_gap_minutes: float = 60.0
    tension_min_minutes: float = 30.0
    tension_max_days: float = 7.0
    month_days: int = 28
    chronic_window_periods: int = 4
    chronic_headache_days: int = 15
    chronic_migraine_feature_days: int = 8
    migraine_attacks_required: int = 5
    aura_attacks_required: int = 2
    tension_episodes_required: int = 10
    year_days: float = 365.0
    frequent_tension_days_per_year: float = 12.0
    chronic_tension_days_per_year: float = 180.0
    overuse_thresholds: Mapping[DrugClass, int] = field(default_factory=_thresholds)
    multiple_class_threshold: int = 10
    chronic_migraine_excludes_tension_type: bool = True
    baseline_min_days: int = 28
    baseline_min_completeness: float = 0.8
    red_flag_onset_age: int = 50
    head_injury_window_days: int = 90


DEFAULT_PARAMETERS = Parameters()
