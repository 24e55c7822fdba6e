"""Questionnaire scoring (docs/clinical-definitions.md section 5). No copyrighted item wording is shipped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from headwise.clinical.errors import AnalysisError

__all__ = ["MidasScore", "Phq4Score", "Hit6Band", "score_midas", "score_phq4", "band_hit6"]


def _int_in(value: object, lo: int, hi: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise AnalysisError(field, f"must be an integer from {lo} to {hi}")
    return value


@dataclass(frozen=True, slots=True)
class MidasScore:
    """MIDAS total (days), grade I-IV and the two unscored items."""

    total: int
    grade: str
    headache_days: int | None
    average_pain: int | None


def score_midas(
    items: Sequence[int], *, headache_days: int | None = None, average_pain: int | None = None
) -> MidasScore:
    """Score the MIDAS (Stewart et al., Neurology 2001;56(6 Suppl 1):S20-S28).

    Score = sum of the 5 items (days in the last 3 months, each 0-90; items 1+2 and 3+4 each
    at most 90, since they count days within the same 90). Grade I 0-5, II 6-10, III 11-20,
    IV >=21. Items A (headache days, 0-90) and B (average pain, 0-10) are not scored.

    Examples
    --------
    >>> score_midas([2, 1, 1, 1, 0]).grade, score_midas([2, 1, 2, 1, 0]).grade
    ('I', 'II')
    >>> score_midas([10, 5, 3, 2, 1]).total, score_midas([10, 5, 3, 2, 1]).grade
    (21, 'IV')
    """
    if len(items) != 5:
        raise AnalysisError("midas.items", "needs exactly 5 items")
    vals = [_int_in(v, 0, 90, f"midas.items[{i}]") for i, v in enumerate(items)]
    if vals[0] + vals[1] > 90:
        raise AnalysisError("midas.items[1]", "items 1 and 2 together cannot exceed 90 days")
    if vals[2] + vals[3] > 90:
        raise AnalysisError("midas.items[3]", "items 3 and 4 together cannot exceed 90 days")
    if headache_days is not None:
        _int_in(headache_days, 0, 90, "midas.headache_days")
    if average_pain is not None:
        _int_in(average_pain, 0, 10, "midas.average_pain")
    total = sum(vals)
    grade = "I" if total <= 5 else "II" if total <= 10 else "III" if total <= 20 else "IV"
    return MidasScore(total, grade, headache_days, average_pain)


@dataclass(frozen=True, slots=True)
class Phq4Score:
    """PHQ-4 total, band and the two subscales."""

    total: int
    band: str
    anxiety: int
    depression: int
    anxiety_positive: bool
    depression_positive: bool


def score_phq4(items: Sequence[int]) -> Phq4Score:
    """Score the PHQ-4 (Kroenke et al., Psychosomatics 2009;50:613-621; public domain).

    Four items 0-3; total 0-2 none, 3-5 mild, 6-8 moderate, 9-12 severe; anxiety (items 1-2,
    GAD-2) and depression (items 3-4, PHQ-2) subscales positive at >=3.

    Examples
    --------
    >>> s = score_phq4([2, 1, 0, 0])
    >>> s.total, s.band, s.anxiety_positive, s.depression_positive
    (3, 'mild', True, False)
    """
    if len(items) != 4:
        raise AnalysisError("phq4.items", "needs exactly 4 items")
    v = [_int_in(x, 0, 3, f"phq4.items[{i}]") for i, x in enumerate(items)]
    total = sum(v)
    band = "none" if total <= 2 else "mild" if total <= 5 else "moderate" if total <= 8 else "severe"
    anx, dep = v[0] + v[1], v[2] + v[3]
    return Phq4Score(total, band, anx, dep, anx >= 3, dep >= 3)


@dataclass(frozen=True, slots=True)
class Hit6Band:
    """HIT-6 total entered by a licensed practice and its impact band."""

    total: int
    band: str


def band_hit6(total: int) -> Hit6Band:
    """Band a HIT-6 total (Kosinski et al., Qual Life Res 2003;12:963; QualityMetric).

    The items are proprietary and not shipped; a licensed practice enters the total (36-78).
    Bands: <=49 little or no impact, 50-55 some, 56-59 substantial, >=60 severe.

    Examples
    --------
    >>> [band_hit6(t).band for t in (49, 50, 55, 56, 59, 60)]
    ['little_or_none', 'some', 'some', 'substantial', 'substantial', 'severe']
    """
    t = _int_in(total, 36, 78, "hit6.total")
    band = "little_or_none" if t <= 49 else "some" if t <= 55 else "substantial" if t <= 59 else "severe"
    return Hit6Band(t, band)
