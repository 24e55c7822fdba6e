"""The Dutch catalogue: shown to Dutch users, complete, in step with the source, compiled.

The checks need no GNU gettext (CI may lack it): the .po is parsed here, the .mo is read with
the standard library's ``gettext``, and the source is scanned for marked strings the way
``makemessages`` finds them (``_()``-style calls in Python, ``translate`` and
``blocktranslate`` in templates).
"""

from __future__ import annotations

import ast
import gettext
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from headwise.diary.models import Attack
from tests.conftest import PracticeWorld, login

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "headwise"
LC_MESSAGES = PACKAGE / "locale" / "nl" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
FIX = (
    "Run: HEADWISE_DEMO=1 .venv/bin/python manage.py makemessages -l nl --ignore=.venv --ignore=tests "
    "--ignore=bench --ignore=var --ignore=artifacts; translate; then compilemessages -l nl (docs/i18n.md)."
)


# --- a small .po reader -------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(literal: str) -> str:
    value = ast.literal_eval(literal)
    assert isinstance(value, str), literal
    return value


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header and obsolete (``#~``) entries left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            _append(entry, target, _unquote(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path}:{number}: cannot read {line!r}"
        keyword, index, literal = match.group(1), match.group(2), _unquote(match.group(3))
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = Entry(msgid="", flags=flags, line=number)
            entries.append(entry)
            flags = set()
        assert entry is not None
        target = (keyword.split("[")[0], int(index or 0))
        _append(entry, target, literal)
    return [e for e in entries if e.msgid or e.msgctxt]


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        while len(entry.msgstr) <= index:
            entry.msgstr.append("")
        entry.msgstr[index] += text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    else:
        entry.msgid += text


# --- what makemessages would find in the source ------------------------------------------------

_GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
_TEMPLATE_TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_TEMPLATE_UNDERSCORE = re.compile(r"""_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""")
_BLOCK = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(.*?)%\}(.*?)\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}", re.S
)
_PLURAL = re.compile(r"\{%\s*plural\s*%\}")
_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _python_msgids(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id in _GETTEXT_CALLS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def _block_msgid(body: str, trimmed: bool) -> str:
    text = _VARIABLE.sub(lambda m: f"%({m.group(1)})s", body.replace("%", "%%"))
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text


def _template_msgids(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    found = {_unquote(m.group(1)) for m in _TEMPLATE_TRANSLATE.finditer(source)}
    found |= {_unquote(m.group(1)) for m in _TEMPLATE_UNDERSCORE.finditer(source)}
    for match in _BLOCK.finditer(source):
        singular = _PLURAL.split(match.group(2))[0]
        found.add(_block_msgid(singular, trimmed="trimmed" in match.group(1).split()))
    return found


def source_msgids() -> dict[str, Path]:
    """Every msgid marked in headwise/ (Python and templates), with one file it comes from."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            found.update(dict.fromkeys(_python_msgids(path), path))
    for path in sorted(PACKAGE.rglob("templates/**/*")):
        if path.suffix in {".html", ".txt"}:
            found.update(dict.fromkeys(_template_msgids(path), path))
    return found


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", text))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO)


# --- the pages, in Dutch ----------------------------------------------------------------------


@pytest.fixture
def as_dutch_client(world: PracticeWorld) -> HttpClient:
    world.client_user.language = "nl"
    world.client_user.save(update_fields=["language"])
    return login(world.client_user)


@pytest.mark.django_db
def test_it_shows_the_diary_home_in_dutch(as_dutch_client: HttpClient) -> None:
    response = as_dutch_client.get(reverse("web:my_home"))

    assert response.status_code == 200
    assert '<html lang="nl"' in response.text
    dutch_strings = (
        "Mijn dagboek",
        "Je afgelopen 28 dagen",
        "Maandoverzicht en samenvatting",
        "Alle aanvallen",
    )
    for dutch in dutch_strings:
        assert dutch in response.text
    for english in ("My diary", "Your last 28 days", "Month view and summary", "All attacks", "Sign out"):
        assert english not in response.text


@pytest.mark.django_db
def test_it_records_an_attack_and_shows_attack_mode_in_dutch(
    as_dutch_client: HttpClient, world: PracticeWorld
) -> None:
    before = Attack.objects.filter(client=world.client).count()

    response = as_dutch_client.post(
        reverse("diary:attack_start"),
        {"request_id": str(uuid.uuid4()), "time_zone": world.client.time_zone},
        follow=True,
    )

    assert response.status_code == 200
    assert Attack.objects.filter(client=world.client).count() == before + 1
    for dutch in ("Aanvalsmodus", "Aanval vastgelegd.", "Hoe erg is het? Eén tik slaat het op.", "hevig"):
        assert dutch in response.text
    for english in ("Attack mode", "Attack recorded.", "How bad is it?", "severe", "Add details"):
        assert english not in response.text


@pytest.mark.django_db
def test_a_dutch_request_leaves_the_thread_in_its_own_language(as_dutch_client: HttpClient) -> None:
    """The user's language is for their request: it answers in Dutch and says so, and
    whatever runs next on the same thread (a request, a task, a test) is not in Dutch."""
    before = translation.get_language()
    response = as_dutch_client.get(reverse("web:my_home"))
    assert response.headers["Content-Language"] == "nl"
    assert translation.get_language() == before


@pytest.mark.django_db
def test_it_keeps_english_for_an_english_user(as_client: HttpClient) -> None:
    response = as_client.get(reverse("web:my_home"))

    assert response.status_code == 200
    assert "Your last 28 days" in response.text
    assert "Je afgelopen 28 dagen" not in response.text


# --- the catalogue ----------------------------------------------------------------------------


def test_it_translates_every_message_and_leaves_none_fuzzy(entries: list[Entry]) -> None:
    assert len(entries) > 500, "the Dutch catalogue looks truncated"
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    empty = [e.msgid for e in entries if not e.msgstr or not all(s.strip() for s in e.msgstr)]
    assert not fuzzy, f"fuzzy in {PO}: {fuzzy}"
    assert not empty, f"untranslated in {PO}: {empty}"


def test_it_gives_plurals_both_dutch_forms(entries: list[Entry]) -> None:
    header = PO.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header
    plurals = [e for e in entries if e.msgid_plural is not None]
    assert plurals
    assert all(len(e.msgstr) == 2 for e in plurals), [e.msgid for e in plurals if len(e.msgstr) != 2]


def test_it_keeps_every_placeholder(entries: list[Entry]) -> None:
    wrong = [
        (e.msgid, text)
        for e in entries
        for source, text in zip([e.msgid, e.msgid_plural or e.msgid], e.msgstr, strict=False)
        if _placeholders(source) != _placeholders(text)
    ]
    assert not wrong, wrong


def test_it_has_every_string_marked_in_the_source(entries: list[Entry]) -> None:
    in_po = {e.msgid for e in entries}
    marked = source_msgids()
    assert len(marked) > 500, "the source scan found too few strings: is the scanner broken?"
    missing = {msgid: str(path.relative_to(ROOT)) for msgid, path in marked.items() if msgid not in in_po}
    assert not missing, f"marked for translation but not in {PO.name}: {missing}. {FIX}"


def test_it_has_compiled_the_catalogue_as_written(entries: list[Entry]) -> None:
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]

    stale = []
    for e in entries:
        if e.msgid_plural is None:
            compiled = [catalog.get(e.key)]
        else:
            compiled = [catalog.get((e.key, n)) for n in range(len(e.msgstr))]
        if compiled != e.msgstr:
            stale.append(e.msgid)
    in_mo = {key if isinstance(key, str) else key[0] for key in catalog} - {""}
    assert not stale, f"{MO.name} differs from {PO.name} for {stale}. {FIX}"
    assert in_mo == {e.key for e in entries}, f"{MO.name} and {PO.name} hold different messages. {FIX}"


def test_it_reads_the_po_format_as_gettext_does(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Plural-Forms: nplurals=2;\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "a %(n)s "\n"\\"b\\""\nmsgstr ""\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgid_plural "Mays"\nmsgstr[0] "mei"\nmsgstr[1] "meien"\n\n'
        '#~ msgid "old"\n#~ msgstr "oud"\n',
        encoding="utf-8",
    )

    first, second = read_po(po)

    assert (first.msgid, first.msgstr, first.flags) == ('a %(n)s "b"', [""], {"fuzzy", "python-format"})
    assert (second.key, second.msgid_plural, second.msgstr) == ("month\x04May", "Mays", ["mei", "meien"])


def test_it_finds_marked_strings_as_makemessages_does(tmp_path: Path) -> None:
    template = tmp_path / "t.html"
    template.write_text(
        '{% translate "One" %} {{ x|yesno:_("a,b") }}\n'
        "{% blocktranslate with n=x %}Got {{ n }} at 5%{% endblocktranslate %}\n"
        "{% blocktranslate count n=k %}{{ n }} day{% plural %}{{ n }} days{% endblocktranslate %}\n",
        encoding="utf-8",
    )
    module = tmp_path / "m.py"
    module.write_text('x = _("Two" " parts")\ny = gettext_lazy("Three")\nz = print("not this")\n')

    assert _template_msgids(template) == {"One", "a,b", "Got %(n)s at 5%%", "%(n)s day"}
    assert _python_msgids(module) == {"Two parts", "Three"}
