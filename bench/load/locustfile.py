"""The load mix of issue #14: 40 clients keep their diary, 10 staff read, all at once.

Run by ``make load`` (bench/load/run.py); by hand::

    locust -f bench/load/locustfile.py --headless -u 50 -r 10 -t 3m --host http://127.0.0.1:8010

Each client signs in (``client1@…`` to ``client40@…``, prepared by bench/load/prepare.py), then
over and over: taps "attack" (with a client-generated ``request_id``), gives its intensity,
ends it a moment later, checks in for today and reads the month. Each staff member signs in
(owner and practitioners; two in ten are the front desk, who never open a diary) and reads the
staff home, a page of the client list, a search, a client's page and (clinicians) that client's
diary. Every write the server acknowledged is appended to ``LOAD_LOG`` (JSON lines) so that
bench/load/check.py can compare it with the database afterwards.

Staff sign in with two steps, as the practice requires (prepare.py turns it on and enrols each
of them): the password, then the code page and the 6-digit code of their authenticator,
computed from the key in ``LOAD_TOTP_KEYS`` (RFC 6238, HMAC-SHA1, as an authenticator app
does). Each step is its own request type. The ten virtual staff share four logins, and a code
works once (the server refuses a time step already used, as it must): a virtual staff member
whose colleague on the same login just used this step's code waits for the next one, as the
page asks a person to. That wait is between requests, not in any request's time; each
completed sign-in is logged with it (``sign_in`` lines), and check.py compares them with the
audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
import uuid

from locust import HttpUser, between, task

DOMAIN = "demo.headwise.test"
PASSWORD = "demo-headwise-2026"  # noqa: S105 - the published demo password (docs/demo-data.md)
LOG_PATH = os.environ.get("LOAD_LOG", "var/load/writes.jsonl")
TOTP_PATH = os.environ.get("LOAD_TOTP_KEYS", "var/load/totp.json")
CLIENT_PAGES = int(os.environ.get("LOAD_CLIENT_PAGES", "40"))
SEARCHES = ("smi", "van", "ann", "jo", "mar", "lee", "berg", "son", "el", "kim")
CLIENT_LINK = re.compile(r'href="/clients/([0-9a-f-]{36})/"')
#: The client list's "Next" link (keyset pages: a signed cursor, no page numbers).
NEXT_LINK = re.compile(r'<a href="(/clients/\?[^"]*)" rel="next"')
ATTACK_URL = re.compile(r"/diary/attacks/([0-9a-f-]{36})/")
CHECKIN_URL = re.compile(r"/diary/checkin/(\d{4}-\d{2}-\d{2})/")

_clients = itertools.count(1)
_staff = itertools.count(0)
_lock = threading.Lock()
STAFF = ("owner", "practitioner", "practitioner2", "frontdesk", "owner")
#: Per login: the last time step whose code was used, and a lock so that one code goes at a time.
_last_step: dict[str, int] = {}
_code_locks: dict[str, threading.Lock] = {}


def log_write(**record: object) -> None:
    line = json.dumps(record)
    with _lock, open(LOG_PATH, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def totp_keys() -> dict[str, dict[str, object]]:
    with open(TOTP_PATH, encoding="utf-8") as keys:
        found: dict[str, dict[str, object]] = json.load(keys)
    return found


def totp_code(key: str, step_number: int, digits: int) -> str:
    """RFC 6238's code for one time step: HOTP (RFC 4226, HMAC-SHA1) of the step number."""
    digest = hmac.new(bytes.fromhex(key), struct.pack(">Q", step_number), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}d}"


class Signed(HttpUser):
    abstract = True
    email = ""

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}

    def sign_in(self, totp: dict[str, object] | None = None) -> None:
        """The password; then, with ``totp`` (a staff member's key), the code step."""
        self.client.get("/login/", name="sign-in page")
        with self.client.post(
            "/login/",
            data={"username": self.email, "password": PASSWORD},
            headers=self.csrf(),
            name="sign in" if totp is None else "sign in: password (staff)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                return
            asked = response.headers.get("Location", "").startswith("/login/code/")
            if asked != (totp is not None):
                response.failure("asked for a code" if asked else "not asked for a code: two-step is off")
                return
        if totp is None:
            log_write(kind="sign_in", email=self.email, steps=1, waited=0)
            return
        self.client.get("/login/code/", name="sign in: code page (staff)")
        step, t0, digits = int(str(totp["step"])), int(str(totp["t0"])), int(str(totp["digits"]))
        waited = 0.0
        with _code_locks.setdefault(self.email, threading.Lock()):
            # This login's code of this time step may have gone already: wait for the next.
            now = int((time.time() - t0) // step)
            if now <= _last_step.get(self.email, int(str(totp["last_t"]))):
                waited = step - (time.time() - t0) % step + 0.05
                time.sleep(waited)
                now = int((time.time() - t0) // step)
            with self.client.post(
                "/login/code/",
                data={"code": totp_code(str(totp["key"]), now, digits)},
                headers=self.csrf(),
                name="sign in: code (staff)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302 or response.headers.get("Location", "").startswith("/login"):
                    response.failure(f"code step answered {response.status_code}")
                    return
            _last_step[self.email] = now
        log_write(kind="sign_in", email=self.email, steps=2, waited=round(waited, 1))


class ClientUser(Signed):
    """A client with migraine: log, rate, end, check in, look at the month."""

    fixed_count = 40
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.email = f"client{next(_clients)}@{DOMAIN}"
        self.sign_in()

    @task
    def episode(self) -> None:
        request_id = str(uuid.uuid4())
        self.client.get("/diary/attack/", name="diary: attack form")
        # Before sending: an attack the server saves after the run stopped listening (a request
        # in flight at the end) is then known as this client's, not taken for a duplicate.
        log_write(kind="attack_try", email=self.email, request_id=request_id)
        with self.client.post(
            "/diary/attack/",
            data={"request_id": request_id, "time_zone": ""},
            headers=self.csrf(),
            name="diary: log attack",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = ATTACK_URL.search(response.headers.get("Location", ""))
            if response.status_code != 302 or found is None:
                response.failure(f"log attack answered {response.status_code}")
                return
            attack = found.group(1)
            log_write(kind="attack_start", email=self.email, request_id=request_id, attack=attack)
        with self.client.post(
            f"/diary/attacks/{attack}/intensity/",
            data={"peak_intensity": str(random.randint(3, 9))},  # noqa: S311 - not cryptographic
            headers=self.csrf(),
            name="diary: intensity",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"intensity answered {response.status_code}")
        self.wait()
        with self.client.post(
            f"/diary/attacks/{attack}/end/",
            headers=self.csrf(),
            name="diary: end attack",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"end answered {response.status_code}")
                return
        with self.client.get(
            f"/diary/attacks/{attack}/", name="diary: attack page", catch_response=True
        ) as response:
            if "the attack is over" not in response.text:
                response.failure("the end of the attack was not confirmed")
                return
            log_write(kind="attack_end", email=self.email, attack=attack)
        self.wait()
        with self.client.get("/diary/checkin/", name="diary: check-in form", catch_response=True) as response:
            found = CHECKIN_URL.search(response.url or "")
            if found is None:
                response.failure("no check-in day")
                return
        day = found.group(1)
        with self.client.post(
            f"/diary/checkin/{day}/",
            data={"had_headache": "true", "stress": "4", "sleep_hours": "7", "sleep_quality": "3"},
            headers=self.csrf(),
            name="diary: check in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"check-in answered {response.status_code}")
                return
            log_write(kind="checkin", email=self.email, date=day)
        self.wait()
        self.client.get("/diary/month/", name="diary: month")


class StaffUser(Signed):
    """Owner, practitioners and front desk reading the practice's lists and records."""

    fixed_count = 10
    wait_time = between(1, 3)

    def on_start(self) -> None:
        role = STAFF[next(_staff) % len(STAFF)]
        self.email = f"{role}@{DOMAIN}"
        self.clinician = role != "frontdesk"
        self.sign_in(totp_keys()[self.email])
        self.seen: list[str] = []
        # Where this user is in the client list: each round reads the page after the last one,
        # following its "Next" link, and starts again from the first page after CLIENT_PAGES
        # pages or at the end of the list (OFFSET pages were picked at random; a keyset page is
        # reached by its link, as a person reaches it).
        self.list_url = "/clients/"
        self.list_depth = 0

    def follow_the_list(self, text: str) -> None:
        found = NEXT_LINK.search(text)
        self.list_depth += 1
        if found is None or self.list_depth >= CLIENT_PAGES:
            self.list_url, self.list_depth = "/clients/", 0
        else:
            self.list_url = found.group(1).replace("&amp;", "&")

    @task
    def round(self) -> None:
        with self.client.get("/staff/", name="staff: home", catch_response=True) as response:
            if "/login/" in (response.url or ""):  # sent back to a sign-in step: not signed in
                response.failure(f"staff home sent to {response.url}")
                return
        self.wait()
        response = self.client.get(self.list_url, name="staff: client list")
        self.seen = CLIENT_LINK.findall(response.text) or self.seen
        self.follow_the_list(response.text)
        self.wait()
        self.client.get(f"/clients/?q={random.choice(SEARCHES)}", name="staff: client search")  # noqa: S311
        if not self.seen:
            return
        client = random.choice(self.seen)  # noqa: S311
        self.wait()
        self.client.get(f"/clients/{client}/", name="staff: client page")
        if self.clinician:
            self.wait()
            self.client.get(f"/clients/{client}/diary/", name="staff: client diary")
