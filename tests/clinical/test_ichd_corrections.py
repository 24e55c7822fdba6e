"""ICHD-3 corrections (issue 9, section 3), each at the boundary the ICHD-3 text draws.

ICHD-3: Headache Classification Committee of the IHS, Cephalalgia 2018;38(1):1-211.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from headwise.clinical import (
    Attack,
    AuraSymptom,
    AuraType,
    Diary,
    DrugClass,
    MedicationIntake,
    Pain,
    Substance,
    SuggestionStatus,
    analyse,
    analysis_to_dict,
    classify_diary,
    days,
    diary_to_dict,
    parse_diary,
    periods,
    suggest_diagnoses,
)
from headwise.clinical.diagnosis import medication_overuse
from tests.clinical.factories import START, at, diary, intake, migraine, tension

S = SuggestionStatus
ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas/headwise-diary-1.schema.json").read_text())
PERIODS = 4 * 28


def _suggest(d: Diary) -> dict[str, Any]:
    classes = classify_diary(d)
    return {s.code: s for s in suggest_diagnoses(d, classes, days(d, classifications=classes))}


def _heavy(
    headache_days: int = 15,
    per_period: dict[DrugClass, int] | None = None,
    *,
    substance: Substance | None = None,
    split: tuple[Substance, Substance] | None = None,
    n_days: int = PERIODS,
) -> Diary:
    """Migraine on the first ``headache_days`` days of every 28, and each class of
    ``per_period`` taken on its own days (classes follow one another) of every 28."""
    attacks, intakes = [], []
    for k in range(n_days):
        day, j = START + timedelta(days=k), k % 28
        if j < headache_days:
            attacks.append(migraine(f"a{k}", at(day)))
        first = 0
        for cls, n in (per_period or {}).items():
            if first <= j < first + n:
                sub = substance if cls is DrugClass.SIMPLE_ANALGESIC else None
                if split is not None and cls is DrugClass.SIMPLE_ANALGESIC:
                    sub = split[0] if j < first + n // 2 else split[1]
                intakes.append(intake(f"{cls.value}{k}", at(day, 9), cls, substance=sub))
            first += n
    return diary(tuple(attacks), tuple(intakes), n_days=n_days)


# -- 8.2.6 B: two or more classes, none overused alone, together >= 10 days/month ----------------


def test_one_non_opioid_analgesic_on_10_to_14_days_is_no_overuse_at_all() -> None:
    for n in (10, 14):
        s = _suggest(_heavy(per_period={DrugClass.SIMPLE_ANALGESIC: n}))
        assert s["8.2.3"].status is S.NOT_SUGGESTED, n
        assert s["8.2.6"].status is S.NOT_SUGGESTED, n  # one class is no combination
    assert _suggest(_heavy(per_period={DrugClass.SIMPLE_ANALGESIC: 15}))["8.2.3"].status is S.SUGGESTED


def test_two_classes_that_add_up_to_10_days_give_8_2_6_and_name_the_classes() -> None:
    d = _heavy(per_period={DrugClass.TRIPTAN: 5, DrugClass.SIMPLE_ANALGESIC: 5})
    s = _suggest(d)["8.2.6"]
    assert s.status is S.SUGGESTED
    assert all("triptan 5 + simple_analgesic 5: 10 days together" in e for e in s.evidence)
    assert "triptan 20, simple_analgesic 20" in s.reason
    nine = _suggest(_heavy(per_period={DrugClass.TRIPTAN: 5, DrugClass.SIMPLE_ANALGESIC: 4}))
    assert nine["8.2.6"].status is S.NOT_SUGGESTED


def test_a_class_overused_alone_is_its_own_8_2_x_not_8_2_6() -> None:
    s = _suggest(_heavy(per_period={DrugClass.TRIPTAN: 10, DrugClass.SIMPLE_ANALGESIC: 3}))
    assert s["8.2.2"].status is S.SUGGESTED
    assert s["8.2.6"].status is S.NOT_SUGGESTED


# -- 8.2.3.1-8.2.3.3 from the substance ----------------------------------------------------------


@pytest.mark.parametrize(
    ("substance", "code"),
    [
        (Substance.PARACETAMOL, "8.2.3.1"),
        (Substance.NSAID, "8.2.3.2"),
        (Substance.ACETYLSALICYLIC_ACID, "8.2.3.3"),
    ],
)
def test_it_names_the_non_opioid_sub_form_when_the_substance_says_so(substance: Substance, code: str) -> None:
    s = _suggest(_heavy(per_period={DrugClass.SIMPLE_ANALGESIC: 15}, substance=substance))
    assert s[code].status is S.SUGGESTED
    assert "8.2.3" not in s


def test_it_keeps_8_2_3_when_the_substance_is_unknown_or_mixed() -> None:
    unknown = _suggest(_heavy(per_period={DrugClass.SIMPLE_ANALGESIC: 15}))
    assert unknown["8.2.3"].status is S.SUGGESTED
    assert "not known or mixed" in unknown["8.2.3"].reason
    split = (Substance.PARACETAMOL, Substance.NSAID)
    mixed = _suggest(_heavy(per_period={DrugClass.SIMPLE_ANALGESIC: 15}, split=split))
    assert mixed["8.2.3"].status is S.SUGGESTED
    assert not {"8.2.3.1", "8.2.3.2"} & set(mixed)


def test_the_format_carries_the_substance_optionally_and_round_trips() -> None:
    d = _heavy(per_period={DrugClass.SIMPLE_ANALGESIC: 2}, substance=Substance.NSAID, n_days=3)
    data = diary_to_dict(d)
    jsonschema.validate(data, SCHEMA)
    assert {m["substance"] for m in data["intakes"]} == {"nsaid"}
    assert parse_diary(data) == d
    old = diary_to_dict(diary(intakes=(intake("m", at(START), DrugClass.SIMPLE_ANALGESIC),), n_days=1))
    assert "substance" not in old["intakes"][0]  # a file without it reads as before
    jsonschema.validate(old, SCHEMA)
    assert parse_diary(old).intakes[0].substance is None


def test_the_format_refuses_a_substance_for_another_class_and_names_the_field() -> None:
    data = diary_to_dict(diary(intakes=(intake("m", at(START), DrugClass.TRIPTAN),), n_days=1))
    data["intakes"][0]["substance"] = "paracetamol"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
    with pytest.raises(ValueError, match=r"intakes\[0\].*substance"):
        parse_diary(data)
    data["intakes"][0].update(drug_class="simple_analgesic", substance="ibuprofen")
    with pytest.raises(ValueError, match=r"intakes\[0\].*substance"):
        parse_diary(data)


# -- 1.2.1.1 / 1.2.1.2; an aura without headache is no headache day ---------------------------------


def _aura_attack(ident: str, day: date, headache: bool) -> Attack:
    """Typical visual aura of 20 min meeting 1.2 C (spreads, lasts 5-60 min, unilateral,
    positive), with a 6 h migraine headache or with no headache at all (peak 0)."""
    start = at(day, 8)
    symptom = AuraSymptom(
        AuraType.VISUAL,
        start=start,
        duration_minutes=20,
        spread_gradually=True,
        unilateral=True,
        positive=True,
    )
    if headache:
        return migraine(ident, start, aura=(symptom,))
    return Attack(ident, start, start + timedelta(minutes=20), peak_intensity=0, aura=(symptom,))


def test_typical_aura_without_headache_is_1_2_1_2_and_asks_to_rule_out_a_tia() -> None:
    d = diary(tuple(_aura_attack(f"x{k}", START + timedelta(days=3 * k), False) for k in range(2)))
    s = _suggest(d)
    assert s["1.2"].status is S.SUGGESTED
    assert s["1.2.1.2"].status is S.SUGGESTED
    assert "transient ischaemic attack" in s["1.2.1.2"].reason
    assert s["1.2.1.1"].status is S.NOT_SUGGESTED
    assert "1.2.1" not in s


def test_typical_aura_with_headache_is_1_2_1_1_and_both_forms_can_apply() -> None:
    with_h = [_aura_attack(f"h{k}", START + timedelta(days=3 * k), True) for k in range(2)]
    s = _suggest(diary(tuple(with_h)))
    assert (s["1.2.1.1"].status, s["1.2.1.2"].status) == (S.SUGGESTED, S.NOT_SUGGESTED)
    without = [_aura_attack(f"n{k}", START + timedelta(days=3 * k + 1), False) for k in range(2)]
    both = _suggest(diary((*with_h, *without)))
    assert (both["1.2.1.1"].status, both["1.2.1.2"].status) == (S.SUGGESTED, S.SUGGESTED)


def test_an_aura_only_day_is_a_migraine_day_but_no_headache_day() -> None:
    t = days(diary((_aura_attack("x", at(START).date(), False),), n_days=2))
    assert t.days_with("migraine") == [START]
    assert t.days_with("headache") == []


def test_an_aura_only_day_does_not_make_the_15th_headache_day_of_chronic_migraine() -> None:
    base = _heavy(14)
    aura_days = tuple(_aura_attack(f"x{k}", START + timedelta(days=20 + 28 * k), False) for k in range(4))
    d = diary((*base.attacks, *aura_days), n_days=PERIODS)
    assert [q.counts["headache"] for q in periods(days(d))] == [14, 14, 14, 14]
    assert [q.counts["migraine"] for q in periods(days(d))] == [15, 15, 15, 15]
    assert _suggest(d)["1.3"].status is S.APPROACHING  # 14 headache days: A not met
    headache = _aura_attack("h", START + timedelta(days=20), True)
    assert days(diary((headache,), n_days=21)).days_with("headache") == [START + timedelta(days=20)]


# -- 2.1 / 2.2 / 2.3 per year ------------------------------------------------------------------


def _monthly_tension(n: int, n_days: int = 365) -> Diary:
    step = n_days // n
    return diary(
        tuple(tension(f"t{k}", at(START + timedelta(days=step * k))) for k in range(n)),
        n_days=n_days,
        diagnosed=None,
    )


def test_one_tension_type_day_a_month_for_a_year_is_frequent_not_infrequent() -> None:
    s = _suggest(_monthly_tension(12))  # 12 days/year: ICHD-3 2.2 ">= 12 and < 180 days/year"
    assert (s["2.1"].status, s["2.2"].status, s["2.3"].status) == (
        S.NOT_SUGGESTED,
        S.SUGGESTED,
        S.NOT_SUGGESTED,
    )
    assert "per year" in s["2.2"].reason
    s11 = _suggest(_monthly_tension(11))  # 11 days/year: 2.1 "< 12 days/year"
    assert (s11["2.1"].status, s11["2.2"].status) == (S.SUGGESTED, S.NOT_SUGGESTED)


@pytest.mark.parametrize("every", [1, 2, 3, 7, 14, 30, 40])
def test_it_never_suggests_two_tension_type_subtypes_at_once(every: int) -> None:
    n_days = 400
    d = diary(
        tuple(tension(f"t{k}", at(START + timedelta(days=k))) for k in range(0, n_days, every)),
        n_days=n_days,
        diagnosed=None,
    )
    s = _suggest(d)
    suggested = [c for c in ("2.1", "2.2", "2.3") if s[c].status is S.SUGGESTED]
    assert len(suggested) <= 1, suggested
    assert len(suggested) == 1 or every >= 40  # 10 episodes at every 40 days: one band fits


def test_chronic_tension_type_at_180_days_a_year() -> None:
    # 180 of 365 days: exactly the ICHD-3 2.3 boundary (>= 180 days/year).
    picked = [k for k in range(365) if k * 180 // 365 != (k + 1) * 180 // 365][:180]
    d = diary(
        tuple(tension(f"t{k}", at(START + timedelta(days=k))) for k in picked), n_days=365, diagnosed=None
    )
    s = _suggest(d)
    assert (s["2.2"].status, s["2.3"].status) == (S.NOT_SUGGESTED, S.SUGGESTED)
    d179 = diary(d.attacks[:179], n_days=365, diagnosed=None)
    s179 = _suggest(d179)
    assert (s179["2.2"].status, s179["2.3"].status) == (S.SUGGESTED, S.NOT_SUGGESTED)


# -- medication windows anchored at the end of the diary ------------------------------------------


def test_8_2_and_the_warning_use_full_periods_counted_back_from_the_last_day() -> None:
    # 126 days: the last four 28-day periods counted back from the last day start on day 14.
    # Triptan on the last 10 days of each of them, so a window counted from day 0 misses it.
    n_days, lead = PERIODS + 14, 14
    attacks = tuple(migraine(f"a{k}", at(START + timedelta(days=k))) for k in range(n_days))
    intakes = tuple(
        intake(f"t{k}", at(START + timedelta(days=k), 9), DrugClass.TRIPTAN)
        for k in range(n_days)
        if (k - lead) % 28 >= 18
    )
    d = diary(attacks, intakes, n_days=n_days)
    s = _suggest(d)
    assert s["8.2.2"].status is S.SUGGESTED
    assert "counted back from the last diary day" in s["8.2.2"].reason
    mo = medication_overuse(days(d))
    last = START + timedelta(days=n_days - 1)
    assert mo.window == (START + timedelta(days=lead), last)
    assert mo.last_period == (last - timedelta(days=27), last)
    triptan = next(c for c in mo.classes if c.drug_class is DrugClass.TRIPTAN)
    assert triptan.days_last_28 == 10
    assert any(last.isoformat() in w for w in mo.warnings)


def test_the_warning_one_day_below_counts_the_newest_period_of_the_8_2_window() -> None:
    d = _heavy(per_period={DrugClass.TRIPTAN: 9}, n_days=PERIODS + 5)
    mo = medication_overuse(days(d))
    assert mo.window is not None and mo.last_period is not None
    assert mo.last_period[1] == mo.window[1]
    assert any("one day below" in w and mo.last_period[0].isoformat() in w for w in mo.warnings)


# -- "unknown" says why; status migrainosus ------------------------------------------------------


def test_unknown_1_1_says_the_untreated_duration_cannot_be_known() -> None:
    attacks = tuple(migraine(f"a{k}", at(START + timedelta(days=2 * k)), hours=2.5) for k in range(5))
    intakes = tuple(
        MedicationIntake(
            f"m{k}",
            "sumatriptan",
            DrugClass.TRIPTAN,
            a.start + timedelta(minutes=10),
            pain_before=Pain.SEVERE,
            pain_at_2h=Pain.NONE,
            attack_id=a.id,
        )
        for k, a in enumerate(attacks)
    )
    s = _suggest(diary(attacks, intakes))["1.1"]
    assert s.status is S.UNKNOWN
    assert "5 more may meet them" in s.reason
    assert "1.1 B unknown in 5" in s.reason and "untreated duration" in s.reason


def test_five_attacks_of_80_hours_mention_status_migrainosus() -> None:
    attacks = tuple(migraine(f"a{k}", at(START + timedelta(days=5 * k)), hours=80) for k in range(5))
    s = _suggest(diary(attacks, n_days=28))
    assert s["1.4.1"].status is S.SUGGESTED
    assert len(s["1.4.1"].evidence) == 5
    assert "see 1.4.1" in s["1.5.1"].reason
    unknown = _suggest(diary(attacks, n_days=28, diagnosed=None))
    assert unknown["1.4.1"].status is S.UNKNOWN
    at_72 = tuple(migraine(f"b{k}", at(START + timedelta(days=5 * k)), hours=72) for k in range(5))
    assert _suggest(diary(at_72))["1.4.1"].status is S.NOT_SUGGESTED  # 1.4.1 C1: > 72 h


# -- the short last period says so -------------------------------------------------------------


def test_a_short_period_is_flagged_in_the_report() -> None:
    d = _heavy(3, n_days=30)
    a = analyse(d)
    assert [(q.n_days, q.short) for q in a.periods] == [(28, False), (2, True)]
    out = analysis_to_dict(a)
    assert [(q["days"], q["full_days"], q["short"]) for q in out["periods"]] == [
        (28, 28, False),
        (2, 28, True),
    ]
    assert out["calendar_months"][0]["short"] is True  # the diary starts on 5 January
    assert out["calendar_months"][0]["full_days"] == 31


def test_the_cli_text_flags_the_short_period_and_names_the_medication_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from headwise import analyse_cli

    path = tmp_path / "d.json"
    path.write_text(json.dumps(diary_to_dict(_heavy(3, per_period={DrugClass.TRIPTAN: 2}, n_days=30))))
    assert analyse_cli.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "* short: rests on 2 of 28 days" in out
    last = START + timedelta(days=29)
    assert f"last 28 days {last - timedelta(days=27)}..{last}" in out
