"""SQL injection strings in every parameter the app reads: path, query string, API.

The parameters are found, not listed by hand:

* **Query-string parameters of the pages**: a first GET of every page records each key the
  view (its forms, its template, the middleware) asks ``request.GET`` for; a static scan of
  the code for ``.GET.get("…")``/``.GET["…"]`` must find nothing the walk did not.
* **Path parameters**: every URL parameter of every page (a uuid one stops at the resolver, so
  it is sent once, as the owner).
* **The API**: every query and path parameter of every GET operation in the OpenAPI schema.

Each is sent every string of :data:`SQLI` as the owner (the widest staff view), the client (the
narrowest signed-in one) and, on the public pages, an anonymous visitor (two practices, from
``build_world``). The answer must never be a 500, must never show the other practice's records
(nor, to a client, the other client's), and must show no record of this practice that an
innocent value of the same parameter did not show (an ``OR 1=1`` widens a list). Afterwards
every table has the rows it had.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.db.models import Count
from django.http import QueryDict
from django.test import Client as HttpClient
from django.urls import resolve

from tests.conftest import PracticeWorld, login
from tests.test_tenancy import PUBLIC_WEB, api_operations, fill_api, fill_web, ids_of, openapi, web_patterns

SQLI: tuple[str, ...] = (
    "' OR '1'='1",
    "1 UNION SELECT password FROM accounts_user--",
    "%' ; DROP TABLE clients_client; --",
    "\x00",
    "9" * 4000,
)
#: A value that names nothing: what it shows is what any value may show.
INNOCENT = "zzqqnomatch"

#: Routes the walk leaves out, with the reason.
NOT_WALKED = {
    "logout/": "signs the walking visitor out",
    "settings/sign-out-everywhere/": "signs the walking visitor out",
    "settings/tokens/revoke-all/": "revokes the walk's own token",
}

# --- discovering what the pages read from the query string ----------------------------------

_READERS = ("get", "getlist", "__getitem__", "__contains__")


@contextmanager
def recording_query_reads() -> Iterator[set[str]]:
    """Every key asked of any ``QueryDict`` while inside (a GET's ``request.POST`` is one too)."""
    seen: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in _READERS}

    def recorder(name: str) -> Callable[..., Any]:
        original = originals[name]

        def read(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return read

    for name in _READERS:
        setattr(QueryDict, name, recorder(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def statically_read_keys() -> dict[str, str]:
    """``key -> file`` for each literal ``X.GET.get("key")``, ``X.GET["key"]``, ``X.GET.getlist("key")``."""
    found: dict[str, str] = {}
    root = Path(__file__).resolve().parents[2] / "headwise"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            key: ast.expr | None = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "getlist")
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "GET"
                and node.args
            ):
                key = node.args[0]
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
                key = node.slice if node.value.attr == "GET" else None
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found[key.value] = str(path.relative_to(root.parent))
    return found


#: Keys the code reads only when another parameter is present: the query that reaches them.
CONDITIONAL_READS: dict[str, str] = {}

# --- the visitors and what they must not see ------------------------------------------------


def forbidden_for(who: str, world: PracticeWorld, outsider: PracticeWorld) -> list[str]:
    """The other practice's names and ids; to a client, also the other client's."""
    o = outsider
    values = [o.practice.name, o.client.given_name, o.other_client.given_name, str(o.client.uuid)]
    values += [str(rec.uuid) for rec in o.records.values() if hasattr(rec, "uuid")]
    if who in ("client", "anonymous"):
        r = world.records
        values += [world.other_client.given_name, str(world.other_client.uuid)]
        values += [str(r[k].uuid) for k in ("other_attack", "other_checkin", "booking_request")]
    if who == "anonymous":
        values += [world.client.given_name, str(world.client.uuid)]
    return values


#: What a response carries that is new random letters every time (the CSRF token in a form and
#: in the HTMX headers, a CSP nonce): a short name such as "Own" turns up in it by chance
#: (one 64-letter token in about 4,000 holds a given 3-letter string), so it is cut out before
#: the comparison. It names no record.
_RANDOM_TOKENS = re.compile(
    r'(name="csrfmiddlewaretoken" value=")[^"]*(")|("X-CSRFToken": ")[^"]*(")|(nonce=")[^"]*(")'
)


def without_random_tokens(text: str) -> str:
    return _RANDOM_TOKENS.sub(lambda m: "".join(g for g in m.groups() if g), text)


def visible_records(world: PracticeWorld) -> list[str]:
    """This practice's names and ids: an injected value must not show more of them."""
    values = [world.client.given_name, world.other_client.given_name, world.client.family_name]
    return values + [str(rec.uuid) for rec in world.records.values() if hasattr(rec, "uuid")]


def row_counts() -> dict[str, int]:
    """Rows of every Headwise table. The audit trail is left out: staff reads are logged there."""
    from django.apps import apps

    counts = {}
    for model in apps.get_models():
        if model.__module__.startswith("headwise.") and model._meta.app_label != "audit":
            counts[model._meta.label] = model._default_manager.aggregate(n=Count("pk"))["n"]
    return counts


# --- the probe -------------------------------------------------------------------------------


@dataclass
class Probe:
    world: PracticeWorld
    outsider: PracticeWorld
    requests: int = 0
    targets: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def ask(self, who: str, http: HttpClient, url: str, innocent_url: str | None, what: str) -> None:
        self.targets.add(what)
        response = http.get(url)
        self.requests += 1
        self.statuses[response.status_code] += 1
        text = response.content.decode(errors="replace") if not response.streaming else ""
        text = without_random_tokens(text)
        shown = f"{who}: GET {url[:160]!r}"
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            self.problems.append(f"{shown} answered {response.status_code}: {error[1]!r}" if error else shown)
            return
        leaked = [m for m in forbidden_for(who, self.world, self.outsider) if m in text]
        if leaked:
            self.problems.append(f"{shown} showed another's data {leaked[:3]}")
        if innocent_url is not None and response.status_code == 200:
            baseline = http.get(innocent_url)
            self.requests += 1
            base_text = baseline.content.decode(errors="replace") if not baseline.streaming else ""
            if "?" in url:
                # A value the page cleans away (a NUL, a string too long to search for) may show
                # the unfiltered page: what it may not show is more than that.
                unfiltered = http.get(url.split("?", 1)[0])
                self.requests += 1
                base_text += unfiltered.content.decode(errors="replace") if not unfiltered.streaming else ""
            base_text = without_random_tokens(base_text)
            more = [m for m in visible_records(self.world) if m in text and m not in base_text]
            if more:
                self.problems.append(f"{shown} showed {more[:3]}, which {INNOCENT!r} did not")


def visitors(world: PracticeWorld) -> dict[str, HttpClient]:
    found = {
        # The widest staff view and the narrowest signed-in one; the anonymous visitor for the
        # public pages. (Each role's own limits are walked by tests/test_tenancy.py.)
        "owner": login(world.owner),
        "client": login(world.client_user),
        "anonymous": HttpClient(),
    }
    for http in found.values():
        http.raise_request_exception = False
    return found


PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture
def probed(world: PracticeWorld, outsider: PracticeWorld) -> tuple[Probe, dict[str, set[str]], set[str]]:
    """Send every string to every parameter; returns the probe, the keys read per route, the path params."""
    from headwise.accounts.models import ApiToken

    world.records["token"], _secret = ApiToken.issue(user=world.owner, name="walk")
    outsider.records["token"], _secret = ApiToken.issue(user=outsider.owner, name="walk")
    ids = ids_of(world)
    probe = Probe(world=world, outsider=outsider)
    people = visitors(world)

    # 1. Pages: which query keys does each read (as each role: a role may see another branch)?
    reads: dict[str, set[str]] = defaultdict(set)
    pages = [(r, fill_web(r, ids)) for r, _ in web_patterns() if r not in NOT_WALKED]
    pages = list(dict.fromkeys(pages))
    for http in people.values():
        for route, url in pages:
            with recording_query_reads() as seen:
                http.get(url)
            reads[route] |= seen
    for key, extra in CONDITIONAL_READS.items():
        for route, url in pages:
            if key not in reads[route]:
                with recording_query_reads() as seen:
                    people["owner"].get(f"{url}?{extra}")
                reads[route] |= seen

    # Counted after the first walk: some pages make their defaults on first reading (the
    # practice's cadence rules, its consent texts); from here on nothing may change.
    before = row_counts()

    # 2. Each query key of each page, each string, each role.
    for who, http in people.items():
        for route, url in pages:
            if who == "anonymous" and route not in PUBLIC_WEB:
                continue  # every other page sends the anonymous visitor to sign in
            for key in sorted(reads[route]):
                innocent = f"{url}?{urlencode({key: INNOCENT})}"
                for value in SQLI:
                    probe.ask(who, http, f"{url}?{urlencode({key: value})}", innocent, f"web ?{key}")

    # 3. Each path parameter of each page (uuid ones stop at the resolver: once, as the owner).
    path_params: set[str] = set()
    for route, _url in pages:
        for converter, name in PATH_PARAM.findall(route):
            path_params.add(name)
            roles = ["owner"] if converter == "uuid" else list(people)
            for who in roles:
                for value in SQLI:
                    filled = fill_web(route, {**ids, name: quote(value, safe="")})
                    innocent = fill_web(route, {**ids, name: INNOCENT})
                    probe.ask(who, people[who], filled, innocent, f"web <{name}>")

    # 4. The API: every query and path parameter of every GET operation.
    for method, path, op in api_operations():
        if method != "GET":
            continue
        for param in op.get("parameters", []):
            where, name = param["in"], param["name"]
            if where not in ("query", "path"):
                continue
            if where == "path":
                path_params.add(name)
            roles = ["owner"] if where == "path" else ["owner", "client"]
            for who in roles:
                for value in SQLI:
                    if where == "path":
                        url = fill_api(path, {**ids, name: quote(value, safe="")})
                        innocent = fill_api(path, {**ids, name: INNOCENT})
                    else:
                        url = f"{fill_api(path, ids)}?{urlencode({name: value})}"
                        innocent = f"{fill_api(path, ids)}?{urlencode({name: INNOCENT})}"
                    probe.ask(who, people[who], url, innocent, f"api {path} {name}")

    after = row_counts()
    changed = {k: (before[k], after.get(k)) for k in before if after.get(k) != before[k]}
    if changed:
        probe.problems.append(f"rows changed: {changed}")
    return probe, reads, path_params


def test_no_injection_string_breaks_or_widens_anything(
    probed: tuple[Probe, dict[str, set[str]], set[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    probe, reads, path_params = probed
    query_keys = set().union(*reads.values())
    api_params = {
        (path, p["name"])
        for path, methods in openapi()["paths"].items()
        for method, op in methods.items()
        if method == "get"
        for p in op.get("parameters", [])
        if p["in"] in ("query", "path")
    }
    with capsys.disabled():
        print(
            f"\nsqli probes: {len(SQLI)} strings; {len(query_keys)} query keys read by pages, "
            f"{len(path_params)} path parameters, {len(api_params)} API parameters; "
            f"{len(probe.targets)} targets, {probe.requests} requests; "
            f"statuses {dict(sorted(probe.statuses.items()))}; "
            f"{len(probe.problems)} problems"
        )
    assert not probe.problems, "\n".join(probe.problems[:60])
    # Path parameters the audit classifies that only writing routes (POST, PATCH, DELETE) have
    # are not sent strings here: the probes are GETs. The route walk of tests/test_tenancy.py
    # sends those routes other practices' ids.
    # Everything the code reads by name from the query string, the walk found and probed.
    static = statically_read_keys()
    missed = {k: f for k, f in static.items() if k not in query_keys}
    assert not missed, f"read in the code but never reached by the walk (teach CONDITIONAL_READS): {missed}"
    assert probe.requests > 500


def test_random_tokens_are_cut_out_and_nothing_else() -> None:
    page = (
        '<body hx-headers=\'{"X-CSRFToken": "aOwnb"}\'><script nonce="xOwny"></script>'
        '<input type="hidden" name="csrfmiddlewaretoken" value="qOwnz"><p>Own</p>'
    )
    cut = without_random_tokens(page)
    assert cut.count("Own") == 1 and "<p>Own</p>" in cut
    assert 'value=""' in cut and 'nonce=""' in cut and '"X-CSRFToken": ""' in cut
    assert without_random_tokens("<p>Own</p>") == "<p>Own</p>"


def test_the_recorder_sees_a_page_read_its_query(world: PracticeWorld) -> None:
    """The discovery is not vacuous: the client list reads ``q``, the recorder says so."""
    assert resolve("/clients/").url_name is not None
    with recording_query_reads() as seen:
        response = login(world.owner).get("/clients/")
    assert response.status_code == 200
    assert "q" in seen
