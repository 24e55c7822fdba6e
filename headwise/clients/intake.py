"""The intake's rules, in one place for the page, the desk's page and the API.

:func:`intake_problems` is run by ``Intake.clean`` (so by every save through the service): it
answers ``{field: message}`` with the field named as the API names it (``head_injuries.0.date``,
``screening_answers.red_flag.systemic``). :func:`medication_rows` and :func:`injury_rows`
normalise what a form or a JSON body sent into the stored rows.

The safety questions are those of ``headwise.clinical.SAFETY_RULES``; :data:`PLAIN_QUESTIONS`
gives each the words a client reads at home (translated), the rule's own text stays the source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from headwise import clinical
from headwise.clinical.medicines import substance_for_name
from headwise.common import dates
from headwise.common.limits import SHORT

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from headwise.clients.models import Intake

#: At most this many medication rows, and this many injuries, per list.
MAX_ROWS = 20
#: The longest a dose may be ("400 mg, up to twice a day").
DOSE_LENGTH = 100
#: The most weeks a pregnancy runs (a post-term pregnancy is induced by 42 weeks).
PREGNANCY_WEEKS_MAX = 44
ANSWERS = ("yes", "no", "unknown")
DOCTOR_SEEN = ("yes", "no", "unknown")

#: Each built-in safety question as a client reads it: plain words, one idea per question.
PLAIN_QUESTIONS: dict[str, _StrPromise] = {
    "red_flag.systemic": gettext_lazy(
        "Do you have a fever, or feel unwell in your whole body (for example weight loss or night sweats)?"
    ),
    "red_flag.neoplasm": gettext_lazy("Have you ever had cancer?"),
    "red_flag.neurological_deficit": gettext_lazy(
        "With your headaches, do you have weakness, numbness, trouble speaking, or do you pass out?"
    ),
    "red_flag.sudden_onset": gettext_lazy(
        "Has a headache ever come on suddenly, at full strength within a minute (a 'thunderclap')?"
    ),
    "red_flag.older_age_onset": gettext_lazy("Did these headaches first start after the age of 50?"),
    "red_flag.pattern_change": gettext_lazy(
        "Have your headaches changed recently, or is this a new kind of headache?"
    ),
    "red_flag.positional": gettext_lazy(
        "Does the headache get much better or worse when you lie down or stand up?"
    ),
    "red_flag.precipitated": gettext_lazy("Is the headache brought on by sneezing, coughing or exercise?"),
    "red_flag.papilloedema": gettext_lazy(
        "Has a doctor told you there is swelling at the back of your eye (papilloedema)?"
    ),
    "red_flag.progressive": gettext_lazy("Are your headaches getting steadily worse, or unlike before?"),
    "red_flag.pregnancy": gettext_lazy("Are you pregnant, or have you given birth in the last 6 weeks?"),
    "red_flag.painful_eye": gettext_lazy(
        "Do you have a painful, red or watering eye, or a drooping eyelid, with the headache?"
    ),
    "red_flag.post_traumatic": gettext_lazy("Did the headaches begin after a blow to the head or a fall?"),
    "red_flag.immune": gettext_lazy(
        "Do you have a condition or treatment that weakens the immune system (such as HIV)?"
    ),
    "red_flag.painkiller_overuse": gettext_lazy(
        "Do you take painkillers on more than half of the days, or did a new medicine start "
        "around when the headaches began?"
    ),
    "contraindication.clotting": gettext_lazy(
        "Have you had blood clots (such as a DVT), a clotting disorder, or do you take blood thinners?"
    ),
    "contraindication.brain_injury": gettext_lazy(
        "Have you had a concussion or other brain injury, a skull fracture or a severe head injury?"
    ),
    "contraindication.brain_swelling": gettext_lazy("Have you been told you have swelling of the brain?"),
    "contraindication.aneurysm": gettext_lazy("Have you been told you have an aneurysm in the brain?"),
    "contraindication.intracranial_pressure": gettext_lazy(
        "Have you been told you have raised pressure in the head, hydrocephalus, or a build-up of "
        "brain fluid?"
    ),
    "contraindication.csf_leak": gettext_lazy(
        "Have you had a leak of brain fluid, or recently a lumbar puncture or an epidural?"
    ),
    "contraindication.haemorrhage_stroke": gettext_lazy(
        "Have you had a bleed in the brain or a stroke in the last 6 months?"
    ),
    "contraindication.recent_surgery": gettext_lazy("Have you recently had surgery on your head or spine?"),
    "contraindication.acute_infection": gettext_lazy("Do you have an infection with a fever right now?"),
    "contraindication.high_risk_pregnancy": gettext_lazy(
        "Has your midwife or doctor said your pregnancy is high-risk?"
    ),
}


def screening_rules() -> tuple[clinical.SafetyRule, ...]:
    """The questions the intake asks: the built-in safety rules, in screening order."""
    return clinical.builtin_rules().active


def plain_question(rule: clinical.SafetyRule) -> str:
    """The client's words for ``rule`` (the rule's own question for a rule without them)."""
    words = PLAIN_QUESTIONS.get(rule.id)
    return str(words) if words is not None else rule.question


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def medication_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored medication rows: name and dose with spaces tidied, the substance looked up."""
    out = []
    for row in rows:
        name = _text(row.get("name"))
        substance = substance_for_name(name) if name else None
        extra = {k: v for k, v in row.items() if k not in {"name", "substance", "dose"}}
        out.append(
            {
                **extra,
                "name": name,
                "substance": substance.value if substance else None,
                "dose": _text(row.get("dose")),
            }
        )
    return out


def injury_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored injury rows: the date as ISO text, doctor_seen as yes/no/unknown."""
    out = []
    for row in rows:
        day = row.get("date")
        seen = row.get("doctor_seen")
        if seen is True:
            seen = "yes"
        elif seen is False:
            seen = "no"
        elif seen is None or seen == "":
            seen = "unknown"
        extra = {k: v for k, v in row.items() if k not in {"what", "date", "doctor_seen"}}
        out.append(
            {
                **extra,
                "what": _text(row.get("what")),
                "date": day.isoformat() if isinstance(day, dt.date) else (str(day) if day else ""),
                "doctor_seen": seen,
            }
        )
    return out


def _medication_problems(field: str, rows: Any, problems: dict[str, str]) -> None:
    if not isinstance(rows, list):
        problems[field] = _("A list of medicines is expected.")
        return
    if len(rows) > MAX_ROWS:
        problems[field] = _("At most %(n)s medicines.") % {"n": MAX_ROWS}
        return
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) - {"name", "substance", "dose"}:
            problems[f"{field}.{i}"] = _("A medicine has a name and, if you know it, a dose.")
            continue
        name = _text(row.get("name"))
        if not name:
            problems[f"{field}.{i}.name"] = _("Give the medicine's name, or leave the whole row empty.")
        elif len(name) > SHORT:
            problems[f"{field}.{i}.name"] = _("At most %(n)s characters.") % {"n": SHORT}
        if len(_text(row.get("dose"))) > DOSE_LENGTH:
            problems[f"{field}.{i}.dose"] = _("At most %(n)s characters.") % {"n": DOSE_LENGTH}
        known = substance_for_name(name) if name else None
        if row.get("substance") != (known.value if known else None):
            problems[f"{field}.{i}.substance"] = _("The substance is looked up from the name; do not set it.")


def _injury_problems(rows: Any, born: dt.date | None, today: dt.date, problems: dict[str, str]) -> None:
    field = "head_injuries"
    if not isinstance(rows, list):
        problems[field] = _("A list of injuries is expected.")
        return
    if len(rows) > MAX_ROWS:
        problems[field] = _("At most %(n)s injuries.") % {"n": MAX_ROWS}
        return
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) - {"what", "date", "doctor_seen"}:
            problems[f"{field}.{i}"] = _("An injury has what happened, its date and whether a doctor saw it.")
            continue
        what = _text(row.get("what"))
        if not what:
            problems[f"{field}.{i}.what"] = _("Say what happened, or leave the whole row empty.")
        elif len(what) > SHORT:
            problems[f"{field}.{i}.what"] = _("At most %(n)s characters.") % {"n": SHORT}
        try:
            day = dt.date.fromisoformat(str(row.get("date") or ""))
        except ValueError:
            problems[f"{field}.{i}.date"] = _("Give the date of the injury (an estimate is fine).")
        else:
            if day > today:
                problems[f"{field}.{i}.date"] = _("A head injury cannot be dated in the future.")
            elif born is not None and day < born:
                problems[f"{field}.{i}.date"] = _("This date is before your date of birth.")
            elif dates.calendar_problem(day):
                problems[f"{field}.{i}.date"] = dates.calendar_problem(day) or ""
        if row.get("doctor_seen") not in DOCTOR_SEEN:
            problems[f"{field}.{i}.doctor_seen"] = _("Say whether a doctor saw it: yes, no or don't know.")


def _answers_problems(answers: Any, *, complete: bool, problems: dict[str, str]) -> None:
    field = "screening_answers"
    if not isinstance(answers, dict):
        problems[field] = _("Answers by question are expected.")
        return
    known = [r.id for r in screening_rules()]
    for rule_id, answer in answers.items():
        if rule_id not in known:
            problems[f"{field}.{rule_id}"] = _("No safety question has this id.")
        elif answer not in ANSWERS:
            problems[f"{field}.{rule_id}"] = _("Answer yes, no or don't know.")
    if complete:
        for rule_id in known:
            if rule_id not in answers:
                problems[f"{field}.{rule_id}"] = _("Answer this question (don't know is an answer).")


def intake_problems(intake: Intake, *, today: dt.date) -> dict[str, str]:
    """Every problem with ``intake``, by field; empty when it may be saved.

    ``today`` is the client's today; a submitted intake must answer every safety question.
    """
    problems: dict[str, str] = {}
    born = intake.client.date_of_birth if intake.client_id else None
    year, month = intake.migraine_since_year, intake.migraine_since_month
    if year is not None:
        if year > today.year:
            problems["migraine_since_year"] = _("This year is still to come.")
        elif year < dates.EARLIEST.year or (born is not None and year < born.year):
            problems["migraine_since_year"] = _("This year is before your date of birth.")
    if month is not None:
        if not 1 <= month <= 12:
            problems["migraine_since_month"] = _("A month is 1 to 12.")
        elif year is None:
            problems["migraine_since_month"] = _("Give the year as well as the month.")
        elif (year, month) > (today.year, today.month) and "migraine_since_year" not in problems:
            problems["migraine_since_month"] = _("This month is still to come.")
    days = intake.migraine_days_per_month
    if days is not None and not 0 <= days <= 31:
        problems["migraine_days_per_month"] = _("A month has at most 31 days.")
    _medication_problems("preventive_medication", intake.preventive_medication, problems)
    _medication_problems("acute_medication", intake.acute_medication, problems)
    _injury_problems(intake.head_injuries, born, today, problems)
    weeks = intake.pregnancy_weeks
    if intake.pregnancy == "yes":
        if weeks is None:
            problems["pregnancy_weeks"] = _("How many weeks pregnant are you?")
        elif not 1 <= weeks <= PREGNANCY_WEEKS_MAX:
            problems["pregnancy_weeks"] = _("Between 1 and %(n)s weeks.") % {"n": PREGNANCY_WEEKS_MAX}
    elif weeks is not None:
        problems["pregnancy_weeks"] = _("Weeks are only asked when you are pregnant.")
    _answers_problems(intake.screening_answers, complete=intake.submitted_at is not None, problems=problems)
    return problems
