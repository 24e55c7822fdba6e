"""Walking the audit chain: the first entry whose number, link or hash is wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from headwise.audit.models import GENESIS, AuditEntry, AuditHead


@dataclass(frozen=True)
class Break:
    """Where the chain is broken and how."""

    entry_id: int | None
    seq: int | None
    at: str
    problem: str

    def __str__(self) -> str:
        where = (
            f"entry id {self.entry_id} (number {self.seq}, at {self.at})" if self.seq else "the chain's end"
        )
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class Verdict:
    checked: int
    broken: Break | None


def entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain(*, progress: Callable[[int], None] | None = None) -> Verdict:
    """Check every entry in order: its number follows the one before (none missing), its
    ``prev_hash`` is the hash of the one before, and its ``hash`` is that of its own content.
    Then the head must name the last entry (none removed from the end)."""
    checked = 0
    expected_seq = None
    previous_hash = GENESIS
    last: AuditEntry | None = None
    for entry in entries():
        checked += 1
        if progress is not None:
            progress(1)
        at = entry.at.isoformat()
        if expected_seq is None:
            if entry.seq != 1 and entry.prev_hash == GENESIS:
                return Verdict(checked, Break(entry.pk, entry.seq, at, "the first entry is not number 1"))
            expected_seq = entry.seq
            previous_hash = entry.prev_hash if entry.seq != 1 else GENESIS
        if entry.seq != expected_seq:
            problem = f"number {expected_seq} is missing (entries {expected_seq}–{entry.seq - 1} removed)"
            return Verdict(checked, Break(entry.pk, entry.seq, at, problem))
        if entry.prev_hash != previous_hash:
            problem = "its link to the entry before does not match (the entry before was altered or removed)"
            return Verdict(checked, Break(entry.pk, entry.seq, at, problem))
        if entry.compute_hash() != entry.hash:
            return Verdict(
                checked, Break(entry.pk, entry.seq, at, "its content does not match its hash (altered)")
            )
        previous_hash = entry.hash
        expected_seq = entry.seq + 1
        last = entry
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq and (last is None or head.seq != last.seq or head.hash != last.hash):
        problem = f"the head names entry number {head.seq}, the last entry is {last.seq if last else 'none'}"
        return Verdict(checked, Break(None, None, "", problem + " (entries removed from the end)"))
    return Verdict(checked, None)
