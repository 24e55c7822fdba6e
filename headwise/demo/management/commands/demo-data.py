# ruff: noqa: N999 - the command is called demo-data, and Django names commands after their module
"""``headwise demo-data``: build the demo practice from a seed and write its ground truth."""

from __future__ import annotations

import json
import os
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from tqdm import tqdm

from headwise.demo import generator, loader


def default_base_url() -> str:
    """Where `make demo` serves: its HOST and PORT, as the server that follows is started."""
    return f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"


class Command(BaseCommand):
    help = (
        "Build the demo practice: two locations, three practitioners, front desk, and N clients with "
        "diaries, care and a documented ground truth (docs/demo-data.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--clients", type=int, default=40, help="number of clients (default 40)")
        parser.add_argument("--days", type=int, default=400, help="diary days up to today (default 400)")
        parser.add_argument(
            "--seed", type=int, default=7, help="random seed; same seed, same data (default 7)"
        )
        parser.add_argument(
            "--true-effect",
            type=float,
            default=1.0,
            help="true rate ratio of attack onsets once therapy starts (default 1.0: no effect)",
        )
        parser.add_argument(
            "--truth-out",
            type=Path,
            default=None,
            help="where to write the ground truth JSON (default VAR_DIR/demo-truth.json)",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="URL printed for signing in (default http://$HOST:$PORT/, else http://127.0.0.1:8000/)",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--if-absent", action="store_true", help="do nothing if the demo practice exists")
        mode.add_argument("--replace", action="store_true", help="delete the demo practice (only it) first")

    def handle(self, *args: Any, **options: Any) -> None:
        config = loader.demo_config(
            clients=options["clients"],
            days=options["days"],
            seed=options["seed"],
            true_effect=options["true_effect"],
            now=timezone.now(),
        )
        try:
            config.validate()
        except generator.DemoConfigError as err:
            raise CommandError(f"--{err.field.replace('_', '-')}: {str(err).split(': ', 1)[1]}") from err
        options["base_url"] = options["base_url"] or default_base_url()
        truth_out = options["truth_out"] or Path(settings.VAR_DIR) / "demo-truth.json"
        existing = loader.demo_practice()
        if existing is not None and options["if_absent"]:
            self.stdout.write(f"The demo practice already exists ({existing.name}); nothing done.")
            self._print_logins(loader.demo_logins(existing), options["base_url"])
            return
        if existing is not None and not options["replace"]:
            raise CommandError(
                "The demo practice already exists: use --replace to delete and rebuild it, "
                "or --if-absent to keep it."
            )
        began = time.monotonic()
        data = generator.generate(config)
        with (
            tqdm(total=config.clients, desc="clients", unit="client", file=self.stderr, leave=False) as bar,
            transaction.atomic(),
        ):
            if existing is not None:
                loader.demo_practice_delete(existing)
                self.stdout.write("Deleted the previous demo practice and its users.")
            loaded = loader.load(data, progress=bar.update)
        truth_out.parent.mkdir(parents=True, exist_ok=True)
        truth_out.write_text(json.dumps(data.truth(), indent=1) + "\n")
        self._report(loaded, truth_out, time.monotonic() - began, options["base_url"])

    def _report(self, loaded: loader.Loaded, truth_out: Path, seconds: float, base_url: str) -> None:
        counts = ", ".join(f"{n} {name}" for name, n in loaded.counts.items() if n)
        self.stdout.write(self.style.SUCCESS(f"Built {loaded.practice.name} in {seconds:.1f} s: {counts}."))
        self.stdout.write(f"Ground truth: {truth_out}")
        # public: the locations' public pages, which need no sign-in
        from headwise.practice.models import Location

        sites = Location.objects.for_practice(loaded.practice).filter(is_active=True).order_by("name")
        for location in sites:
            url = reverse("public:page", args=[loaded.practice.slug, location.slug])
            self.stdout.write(f"Public page of {location.name}: {base_url.rstrip('/')}{url}")
        self._print_logins(loaded.logins, base_url)

    def _print_logins(self, logins: list[tuple[str, str]], base_url: str) -> None:
        self.stdout.write(
            f"Sign in at {base_url.rstrip('/')}{reverse('web:login')} with password {loader.PASSWORD!r}:"
        )
        for email, name in logins:
            self.stdout.write(f"  {email:<36} {name}")
