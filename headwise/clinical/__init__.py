"""Headwise clinical engine: ICHD-3 classification, headache and migraine days, medication
overuse, safety rules and questionnaire scoring, as pure functions over frozen dataclasses.

No Django, no I/O. Every rule cites its source (ICHD-3, Cephalalgia 2018;38(1):1-211; IHS
guidelines; SNNOOP10); see ``docs/clinical-engine.md``.
"""

from headwise.clinical._vectorised import (
    CohortColumns,
    classify_columns,
    cohort_analyse,
    columns_from_diaries,
)
from headwise.clinical.classify import (
    PRECEDENCE,
    AttackClassification,
    AttackType,
    classify_attack,
)
from headwise.clinical.days import (
    ROWS,
    DayTable,
    Period,
    calendar_months,
    classify_diary,
    cohort_period_counts,
    days,
    link_intakes,
    mark_days,
    merged_attack_count,
    periods,
)
from headwise.clinical.diagnosis import (
    SUGGESTION_LABEL,
    MedicationClassStatus,
    MedicationOveruse,
    Suggestion,
    SuggestionStatus,
    medication_overuse,
    suggest_diagnoses,
)
from headwise.clinical.errors import AnalysisError
from headwise.clinical.interchange import FORMAT, diary_to_dict, parse_diary
from headwise.clinical.logic import Criterion, Status
from headwise.clinical.model import (
    Attack,
    AuraSymptom,
    AuraType,
    ClientInfo,
    Diary,
    DrugClass,
    MedicationIntake,
    Pain,
    Quality,
    Side,
    Substance,
)
from headwise.clinical.params import DEFAULT_PARAMETERS, MigraineDayDefinition, Parameters
from headwise.clinical.questionnaires import (
    Hit6Band,
    MidasScore,
    Phq4Score,
    band_hit6,
    score_midas,
    score_phq4,
)
from headwise.clinical.report import DaySummary, DiaryAnalysis, analyse, analysis_to_dict
from headwise.clinical.safety import (
    SAFETY_RULES,
    Effect,
    Outcome,
    RuleKind,
    RuleSet,
    SafetyReason,
    SafetyResult,
    SafetyRule,
    builtin_rules,
    evaluate_safety,
)

__all__ = [
    "DEFAULT_PARAMETERS",
    "FORMAT",
    "PRECEDENCE",
    "ROWS",
    "SAFETY_RULES",
    "SUGGESTION_LABEL",
    "AnalysisError",
    "Attack",
    "AttackClassification",
    "AttackType",
    "AuraSymptom",
    "AuraType",
    "ClientInfo",
    "CohortColumns",
    "Criterion",
    "DaySummary",
    "DayTable",
    "Diary",
    "DiaryAnalysis",
    "DrugClass",
    "Effect",
    "Hit6Band",
    "MedicationClassStatus",
    "MedicationIntake",
    "MedicationOveruse",
    "MidasScore",
    "MigraineDayDefinition",
    "Outcome",
    "Pain",
    "Parameters",
    "Period",
    "Phq4Score",
    "Quality",
    "RuleKind",
    "RuleSet",
    "SafetyReason",
    "SafetyResult",
    "SafetyRule",
    "Side",
    "Substance",
    "Status",
    "Suggestion",
    "SuggestionStatus",
    "analyse",
    "analysis_to_dict",
    "band_hit6",
    "builtin_rules",
    "calendar_months",
    "classify_attack",
    "classify_columns",
    "classify_diary",
    "cohort_analyse",
    "cohort_period_counts",
    "columns_from_diaries",
    "days",
    "diary_to_dict",
    "evaluate_safety",
    "link_intakes",
    "mark_days",
    "medication_overuse",
    "merged_attack_count",
    "parse_diary",
    "periods",
    "score_midas",
    "score_phq4",
    "suggest_diagnoses",
]
