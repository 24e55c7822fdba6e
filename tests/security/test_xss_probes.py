"""Stored XSS: every free-text field, stored with hostile text, shown on every page and API route.

The fields are not a hand list: every ``CharField``/``TextField`` (and the JSON lists of typed
text) of Headwise's models is walked at run time. Each is either *free text* (a person can
write it, so it gets the payloads) or named in :data:`NOT_FREE_TEXT` with the reason; a field
added later fails :func:`test_every_text_field_is_classified` until it is put on one side.

One record per model holds the payloads (each field its own token, so a leak names the field);
then every page and API GET route is asked as owner, practitioner, front desk, client and an
anonymous visitor (the routes filled by the tenancy walk's ``ids_of``). The answers must carry
the text as text:

* HTML, parsed with :mod:`html.parser`: no token in a tag or attribute name, in ``<script>`` or
  ``<style>`` content or in a comment; no ``on…`` attribute at all (the templates have none,
  the Content-Security-Policy forbids them); no ``javascript:`` in a URL attribute; the
  template payloads not evaluated.
* JSON: it parses, and a token appears only inside a string that carries a payload unchanged.
* CSV parses; no cell starts with a formula character (``= + - @``), so a spreadsheet does not
  run a name as a formula (OWASP's CSV injection).
* ICS parses (icalendar) and a line break in a note cannot start a property or an event.
* PDF is a PDF; a ZIP opens and its CSV and JSON members hold to the rules above.

The last test prints and checks the figure: fields x payloads x routes x roles.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client as HttpClient

from tests import clock as test_clock
from tests.conftest import PracticeWorld, login
from tests.test_tenancy import (
    api_operations,
    fill_api,
    fill_web,
    ids_of,
    query_for,
    web_patterns,
)

# --- the payloads ----------------------------------------------------------------------------

#: ``§`` is replaced by the field's token. Shortest first, so a short field gets what fits.
PAYLOADS: tuple[str, ...] = (
    '"><b onclick=§>',
    "javascript:alert('§')",
    '=HYPERLINK("http://x.example/§")',
    "<script>alert('§')</script>",
    "\"><img src=x onerror=alert('§')>",
    "'><svg onload=alert('§')>",
    "{{ 87125|add:3 }}{{4871*3}}{% debug %}§",
    "</textarea></title><svg/onload=alert('§')>",
    "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:§\r\nSUMMARY:§",
)
#: What the template payloads would print if a template engine evaluated them.
EVALUATED = ("87128", "14613")
SHORTEST = min(len(p.replace("§", "hw000x")) for p in PAYLOADS)


def token_of(n: int) -> str:
    return f"hw{n:03d}x"


TOKEN = re.compile(r"hw\d{3}x")


def payloads_for(n: int, max_length: int | None) -> str:
    """As many payloads as fit in ``max_length``, rotated by ``n`` so short fields differ."""
    token = token_of(n)
    ordered = PAYLOADS[n % len(PAYLOADS) :] + PAYLOADS[: n % len(PAYLOADS)]
    pieces: list[str] = []
    for p in sorted(ordered, key=len) if max_length and max_length < 200 else ordered:
        piece = p.replace("§", token)
        if max_length is None or len(" ".join([*pieces, piece])) <= max_length:
            pieces.append(piece)
    return " ".join(pieces)


# --- the fields ------------------------------------------------------------------------------

#: Text fields a person cannot fill with markup, each with the reason. Everything else is free text.
NOT_FREE_TEXT: dict[str, str] = {
    "accounts.User.password": "a password hash, never shown",
    "accounts.User.time_zone": "an IANA zone name, validated against zoneinfo on every write",
    "accounts.ApiToken.token_hash": "a SHA-256 of the secret, computed",
    "accounts.ApiToken.hint": "the secret's first characters, computed",
    "practice.Practice.time_zone": "an IANA zone name, validated",
    "practice.Practice.slug": "a slug, validated ([-a-z0-9])",
    "practice.Location.country": "an ISO 3166 code: two characters, no room for markup",
    "practice.Location.time_zone": "an IANA zone name, validated",
    "practice.Location.slug": "a slug, validated",
    "clients.Client.time_zone": "an IANA zone name, validated",
    "clients.SafetyScreening.rules_version": "the screening engine's version, computed",
    "clients.SafetyScreening.intake_hash": "a SHA-256 of the intake, computed",
    "outcomes.DiaryDayState.engine": "a digest of the clinical engine's source, computed",
    "clients.ScreeningAcknowledgement.rule_id": "a rule's id (built-in or practice.[a-z0-9_])",
    "clients.PracticeSafetyRule.rule_id": "validated by RULE_ID (practice.[a-z0-9_]{2,60})",
    "clients.DisabledSafetyRule.rule_id": "a rule's id (built-in or practice.[a-z0-9_])",
    "clients.SafetyRuleLogEntry.rule_id": "a rule's id (built-in or practice.[a-z0-9_])",
    "clients.IntakeLink.token_hash": "a SHA-256 of the link's secret, computed",
    "care.PhaseDecision.rule": "the cadence rule's name, from the engine",
    "care.CalendarFeed.token_hash": "a SHA-256 of the feed's secret, computed",
    "diary.Attack.time_zone": "an IANA zone name, copied from the client",
    "outcomes.QuestionnaireResponse.band": "the score's band, computed by the scoring engine",
    "public.BookingRequest.language": "the page's language code, set by the view",
    "audit.AuditHead.hash": "a SHA-256 chain head, computed",
    "audit.AuditEntry.actor_label": "a copy of the actor's name or e-mail (User's fields hold the payload)",
    "audit.AuditEntry.role": "a role code, copied from the membership",
    "audit.AuditEntry.object_type": "a model label, computed",
    "audit.AuditEntry.object_id": "a record's UUID, computed",
    "audit.AuditEntry.prev_hash": "a SHA-256, computed",
    "audit.AuditEntry.hash": "a SHA-256, computed",
}
#: JSON fields that hold typed text, and how a row of them looks.
JSON_FREE_TEXT: dict[str, Callable[[str], Any]] = {
    "clients.Intake.preventive_medication": lambda p: [{"name": p[:200], "dose": p[:60]}],
    "clients.Intake.acute_medication": lambda p: [{"name": p[:200], "dose": p[:60]}],
    "clients.Intake.head_injuries": lambda p: [
        {"what": p[:200], "date": "2020-01-31", "doctor_seen": "unknown"}
    ],
}
#: JSON fields without typed text, each with the reason.
JSON_NOT_FREE_TEXT: dict[str, str] = {
    "clients.Client.known_triggers": "trigger codes from a choice list",
    "clients.SafetyScreening.answers": "rule id -> yes/no",
    "clients.SafetyScreening.reasons": "the engine's messages, computed",
    "clients.SafetyScreening.disabled_rules": "rule ids",
    "clients.Intake.screening_answers": "rule id -> yes/no",
    "care.SessionRecord.regions": "region codes from a choice list",
    "care.SessionRecord.techniques": "the practice's technique names (Technique.name holds the payload)",
    "care.SessionRecord.noticed": "codes from a choice list",
    "care.SessionRecord.side_effects": "codes from a choice list",
    "care.FollowUp.side_effects": "codes from a choice list",
    "care.PhaseDecision.numbers": "the rule's figures, computed",
    "care.WaitlistEntry.weekdays": "weekday numbers",
    "diary.Attack.warning_signs": "codes from a choice list",
    "diary.Attack.suspected_triggers": "codes from a choice list",
    "diary.DailyCheckIn.warning_signs": "codes from a choice list",
    "outcomes.QuestionnaireResponse.items": "item scores, numbers",
    "audit.AuditEntry.fields": "field names, computed",
    "audit.AuditEntry.detail": "the writer's own figures and names",
}


def headwise_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if model.__module__.startswith("headwise.") and not model.__name__.startswith("Historical"):
            # simple_history's Historical* copies are written by saving the tracked record,
            # which the probe does, so the history pages show the payloads too.
            yield model


def text_fields() -> Iterator[tuple[str, models.Field[Any, Any]]]:
    """``(label.field, field)`` of every text and JSON field of Headwise's own models."""
    for model in headwise_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField | models.JSONField):
                yield f"{model._meta.label}.{f.name}", f


def free_text_fields() -> list[tuple[str, models.Field[Any, Any]]]:
    found: list[tuple[str, models.Field[Any, Any]]] = []
    for name, f in text_fields():
        if isinstance(f, models.JSONField):
            if name in JSON_FREE_TEXT:
                found.append((name, f))
        elif not f.choices and name not in NOT_FREE_TEXT:
            found.append((name, f))
    return found


def test_every_text_field_is_classified(db: None) -> None:
    """A new text field fails here until it is free text or named, with its reason, above."""
    unclassified = []
    for name, f in text_fields():
        if isinstance(f, models.JSONField):
            if name not in JSON_FREE_TEXT and name not in JSON_NOT_FREE_TEXT:
                unclassified.append(f"{name} (JSON): add it to JSON_FREE_TEXT or JSON_NOT_FREE_TEXT")
        elif not f.choices and name not in NOT_FREE_TEXT and (f.max_length or 10**6) < SHORTEST:
            unclassified.append(f"{name}: max_length {f.max_length} holds no payload; classify it")
    stale = [
        n for n in (*NOT_FREE_TEXT, *JSON_FREE_TEXT, *JSON_NOT_FREE_TEXT) if n not in dict(text_fields())
    ]
    assert not unclassified, "\n".join(unclassified)
    assert not stale, f"classified fields that no longer exist: {stale}"


# --- the records -----------------------------------------------------------------------------


def _intake(world: PracticeWorld) -> Any:
    from headwise.clients.models import Intake

    return Intake.objects.create(client=world.client, practice=world.practice, submitted_at=test_clock.NOW)


def _practice_rule(world: PracticeWorld) -> Any:
    from headwise.clients.services import practice_rule_add

    return practice_rule_add(
        practice=world.practice, by=world.owner, rule_id="practice.probe", question="Probe?", effect="caution"
    )


def _rule_log(world: PracticeWorld) -> Any:
    from headwise.clients.models import SafetyRuleLogEntry

    return SafetyRuleLogEntry.objects.for_practice(world.practice).latest("at")


def _phase_decision(world: PracticeWorld) -> Any:
    from headwise.care.models import PhaseDecision

    r = world.records
    return PhaseDecision.objects.create(
        practice=world.practice,
        plan=r["plan"],
        from_phase=r["phase"],
        to_kind="stabilising",
        rule="probe",
        decision="declined",
    )


def _erasure(world: PracticeWorld) -> Any:
    from headwise.privacy.models import ErasureRequest

    return ErasureRequest.objects.create(
        practice=world.practice, client=world.client, subject=world.client.uuid, requested_at=test_clock.NOW
    )


#: How to reach one record of each model with free text. The order matters where one record
#: is made by another's service (the rule log entry by adding a practice's rule).
RECORD_OF: dict[str, Callable[[PracticeWorld], Any]] = {
    "accounts.User": lambda w: w.practitioner_user,
    "accounts.ApiToken": lambda w: w.records["token"],
    "practice.Practice": lambda w: w.practice,
    "practice.Location": lambda w: w.records["location"],
    "practice.Room": lambda w: w.records["room"],
    "practice.Service": lambda w: w.records["service"],
    "practice.Practitioner": lambda w: w.records["practitioner"],
    "practice.AvailabilityException": lambda w: w.records["exception"],
    "practice.Closure": lambda w: w.records["closure"],
    "clients.Client": lambda w: w.client,
    "clients.ConsentText": lambda w: w.records["consent_text"],
    "clients.Consent": lambda w: w.records["consent"],
    "clients.SafetyScreening": lambda w: w.records["screening"],
    "clients.PracticeSafetyRule": _practice_rule,
    "clients.SafetyRuleLogEntry": _rule_log,
    "clients.Intake": _intake,
    "care.TreatmentPlan": lambda w: w.records["plan"],
    "care.PlanPhase": lambda w: w.records["phase"],
    "care.Appointment": lambda w: w.records["appointment"],
    "care.Technique": lambda w: w.records["technique"],
    "care.SessionRecord": lambda w: w.records["session"],
    "care.Addendum": lambda w: w.records["addendum"],
    "care.FollowUp": lambda w: w.records["follow_up"],
    "care.PhaseDecision": _phase_decision,
    "care.WaitlistEntry": lambda w: w.records["waitlist_entry"],
    "diary.Attack": lambda w: w.records["attack"],
    "diary.MedicationIntake": lambda w: w.records["intake"],
    "diary.DailyCheckIn": lambda w: w.records["checkin"],
    "diary.TriggerExposure": lambda w: w.records["exposure"],
    "privacy.ErasureRequest": _erasure,
    "public.PublicPage": lambda w: w.records["public_page"],
    "public.BookingRequest": lambda w: w.records["booking_request"],
}


@dataclass
class Stored:
    """What the probe stored: token -> field, and the exact values."""

    field_of: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)


def store_payloads(world: PracticeWorld) -> Stored:
    """Write the payloads into one record per model; fails for a model it cannot reach."""
    stored = Stored()
    by_model: dict[str, list[tuple[str, models.Field[Any, Any]]]] = defaultdict(list)
    for name, f in free_text_fields():
        by_model[name.rsplit(".", 1)[0]].append((name, f))
    missing = sorted(set(by_model) - set(RECORD_OF))
    assert not missing, f"teach RECORD_OF how to reach a record of {missing}"
    n = 0
    for label in RECORD_OF:
        if label not in by_model:
            continue
        record = RECORD_OF[label](world)
        names = []
        for name, f in by_model[label]:
            n += 1
            token = token_of(n)
            if isinstance(f, models.EmailField):
                # The validator refuses markup; a quoted local part is still an address.
                value = f'"{token}<b>"@x.example'
            elif isinstance(f, models.JSONField):
                value = payloads_for(n, None)
            else:
                value = payloads_for(n, f.max_length)
            stored.field_of[token] = name
            stored.values[token] = [p.replace("§", token) for p in PAYLOADS if p.replace("§", token) in value]
            setattr(record, f.attname, JSON_FREE_TEXT[name](value) if name in JSON_FREE_TEXT else value)
            names.append(f.attname)
        try:
            record.save(update_fields=names)
        except ValidationError:
            # Records that refuse to change once written (an addendum): the same text, stored
            # as if it had been written so.
            values = {n: getattr(record, n) for n in names}
            type(record)._default_manager.filter(pk=record.pk).update(**values)
    return stored


# --- checking answers ------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


class Probe(HTMLParser):
    """Finds markup that came from a payload; notes each token seen as plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.shown: set[str] = set()
        self.raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if TOKEN.search(tag):
            self.problems.append(f"a tag <{tag}> from a payload")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: an event handler attribute")
            if TOKEN.search(name):
                self.problems.append(f"<{tag} {name}>: an attribute name from a payload")
            scheme = (value or "").strip().lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>: a script URL")
            if value:
                self.shown.update(TOKEN.findall(value))
        if tag in ("script", "style"):
            self.raw = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.raw = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self.raw:
            self.raw = None

    def handle_data(self, data: str) -> None:
        found = TOKEN.findall(data)
        if found and self.raw:
            self.problems.append(f"{found[0]} inside <{self.raw}>")
        elif found:
            self.shown.update(found)

    def handle_comment(self, data: str) -> None:
        if TOKEN.search(data):
            self.problems.append("a payload inside an HTML comment")


def check_html(text: str) -> tuple[list[str], set[str]]:
    probe = Probe()
    probe.feed(text)
    probe.close()
    problems = probe.problems + [f"a template payload was evaluated ({e})" for e in EVALUATED if e in text]
    return problems, probe.shown


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings_in(k)
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def check_json(data: bytes, stored: Stored) -> tuple[list[str], set[str]]:
    try:
        document = json.loads(data)
    except ValueError as error:
        return [f"not JSON: {error}"], set()
    problems = []
    strings = list(strings_in(document))
    raw_tokens = set(TOKEN.findall(data.decode(errors="replace")))
    in_strings = {t for s in strings for t in TOKEN.findall(s)}
    if raw_tokens - in_strings:
        problems.append(f"tokens outside JSON strings: {sorted(raw_tokens - in_strings)[:3]}")
    for token in in_strings & set(stored.values):
        pieces = stored.values[token]
        if pieces and not any(p in s for s in strings for p in pieces):
            problems.append(f"{stored.field_of[token]} is not carried unchanged in JSON")
    return problems, in_strings


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def check_csv(text: str) -> tuple[list[str], set[str]]:
    problems, shown = [], set()
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            found = TOKEN.findall(cell)
            shown.update(found)
            if found and cell.startswith(FORMULA):
                problems.append(f"a CSV cell starts with a formula: {cell[:40]!r}")
    return problems, shown


def check_ics(data: bytes) -> tuple[list[str], set[str]]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        return [f"not iCalendar: {error}"], set()
    problems = []
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", ""))
        if TOKEN.fullmatch(uid):
            problems.append(f"an event injected through a line break (UID {uid})")
    text = data.decode(errors="replace")
    return problems, set(TOKEN.findall(text.replace("\r\n ", "")))


def check_response(response: Any, stored: Stored) -> tuple[list[str], set[str]]:
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code >= 500:
        return [f"answered {response.status_code}"], set()
    if kind == "text/html":
        return check_html(body.decode())
    if kind.endswith("json"):
        return check_json(body, stored)
    if kind == "text/csv":
        return check_csv(body.decode())
    if kind == "text/calendar":
        return check_ics(body)
    if kind == "application/pdf":
        return ([] if body.startswith(b"%PDF-") else ["not a PDF"]), set()
    if kind == "application/zip":
        return check_zip(body, stored)
    if kind == "image/svg+xml":
        return check_html(body.decode())
    if kind in ("text/plain", "image/png", "image/x-icon", "image/vnd.microsoft.icon", ""):
        return [], set()
    return [f"an answer of type {kind!r} the probe does not know: teach check_response"], set()


def check_zip(body: bytes, stored: Stored) -> tuple[list[str], set[str]]:
    problems, shown = [], set()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".json"):
                p, s = check_json(data, stored)
            elif name.endswith(".csv"):
                p, s = check_csv(data.decode())
            else:
                p, s = [], set()
            problems += [f"{name}: {x}" for x in p]
            shown |= s
    return problems, shown


# --- the walk --------------------------------------------------------------------------------

#: GET routes the walk leaves out, each with the reason.
NOT_WALKED = {
    "logout/": "signs the walking visitor out",
    "settings/sign-out-everywhere/": "signs the walking visitor out",
    "settings/tokens/revoke-all/": "revokes the walk's own token",
}


def routes(ids: dict[str, Any]) -> list[str]:
    urls = []
    for route, _ in web_patterns():
        if route not in NOT_WALKED:
            urls.append(fill_web(route, ids))
    for method, path, op in api_operations():
        if method == "GET":
            urls.append(fill_api(path, ids) + query_for(op, ids))
    return list(dict.fromkeys(urls))


@dataclass
class Walk:
    stored: Stored
    requests: int = 0
    answered: int = 0
    problems: list[str] = field(default_factory=list)
    shown_on: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@pytest.fixture
def walk(world: PracticeWorld) -> Walk:
    """Store the payloads, then GET every route as each role."""
    from headwise.accounts.models import ApiToken

    world.records["token"], _secret = ApiToken.issue(user=world.owner, name="walk")
    stored = store_payloads(world)
    ids = ids_of(world)
    result = Walk(stored=stored)
    visitors = {
        "owner": login(world.owner),
        "practitioner": login(world.practitioner_user),
        "front desk": login(world.front_desk),
        "client": login(world.client_user),
        "anonymous": HttpClient(),
    }
    urls = routes(ids)
    for who, http in visitors.items():
        http.raise_request_exception = False
        for url in urls:
            response = http.get(url)
            result.requests += 1
            if response.status_code == 200:
                result.answered += 1
            problems, shown = check_response(response, stored)
            result.problems += [f"{who}: GET {url}: {p}" for p in problems]
            error = getattr(response, "exc_info", None)
            if response.status_code >= 500 and error:
                result.problems.append(f"    {error[1]!r}")
            for token in shown:
                result.shown_on[token].add(url)
    return result


def test_no_stored_payload_is_ever_markup(walk: Walk, capsys: pytest.CaptureFixture[str]) -> None:
    """Every answer carries the payloads as text; the walk reached most fields; the figure."""
    fields = set(walk.stored.field_of.values())
    shown = {walk.stored.field_of[t] for t in walk.shown_on if t in walk.stored.field_of}
    never = sorted(fields - shown)
    routes_shown = {url for urls in walk.shown_on.values() for url in urls}
    pairs = sum(len(u) for u in walk.shown_on.values())
    with capsys.disabled():
        print(
            f"\nxss probes: {len(fields)} free-text fields x {len(PAYLOADS)} payloads, "
            f"{walk.requests} GETs (5 roles), {walk.answered} answered 200; "
            f"{len(shown)} fields shown as text on {len(routes_shown)} routes ({pairs} field-route pairs); "
            f"{len(walk.problems)} problems; never shown: {len(never)} {never}"
        )
    assert not walk.problems, "\n".join(walk.problems[:60])
    # A field the walk never shows is stored but displayed nowhere on a GET; most must show,
    # or the probe proves nothing.
    assert walk.answered > 300, f"only {walk.answered} answers of 200: the walk reached too little"
    assert len(shown) >= 0.8 * len(fields), f"only {len(shown)} of {len(fields)} fields shown; never: {never}"
    assert len(routes_shown) > 40


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+A1", "'+A1"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("\t=1", "'\t=1"),
        # inert: a telephone number or a number is kept exact (no function, cell or program to name)
        ("+31 6 1234 5678", "+31 6 1234 5678"),
        ("+1 (555) 010-0199", "+1 (555) 010-0199"),
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("Anna de Vries", "Anna de Vries"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text: str, cell: str) -> None:
    from headwise.common.spreadsheet import spreadsheet_safe

    assert spreadsheet_safe(text) == cell
