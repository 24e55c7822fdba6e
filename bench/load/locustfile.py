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
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import uuid

from locust import HttpUser, between, task

DOMAIN = "demo.headwise.test"
PASSWORD = "demo-headwise-2026"  # noqa: S105 - the published demo password (docs/demo-data.md)
LOG_PATH = os.environ.get("LOAD_LOG", "var/load/writes.jsonl")
CLIENT_PAGES = int(os.environ.get("LOAD_CLIENT_PAGES", "40"))
SEARCHES = ("smi", "van", "ann", "jo", "mar", "lee", "berg", "son", "el", "kim")
CLIENT_LINK = re.compile(r'href="/clients/([0-9a-f-]{36})/"')
ATTACK_URL = re.compile(r"/diary/attacks/([0-9a-f-]{36})/")
CHECKIN_URL = re.compile(r"/diary/checkin/(\d{4}-\d{2}-\d{2})/")

_clients = itertools.count(1)
_staff = itertools.count(0)
_lock = threading.Lock()
STAFF = ("owner", "practitioner", "practitioner2", "frontdesk", "owner")


def log_write(**record: object) -> None:
    line = json.dumps(record)
    with _lock, open(LOG_PATH, "a", encoding="utf-8") as out:
        out.write(line + "\n")


class Signed(HttpUser):
    abstract = True
    email = ""

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}

    def sign_in(self) -> None:
        self.client.get("/login/", name="sign-in page")
        with self.client.post(
            "/login/",
            data={"username": self.email, "password": PASSWORD},
            headers=self.csrf(),
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")


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
        self.sign_in()
        self.seen: list[str] = []

    @task
    def round(self) -> None:
        self.client.get("/staff/", name="staff: home")
        self.wait()
        page = random.randint(1, CLIENT_PAGES)  # noqa: S311
        response = self.client.get(f"/clients/?page={page}", name="staff: client list")
        self.seen = CLIENT_LINK.findall(response.text) or self.seen
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
