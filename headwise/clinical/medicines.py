"""Common non-opioid analgesics by name, so a diary entry "Ibuprofen" says which one was taken.

ICHD-3 (Cephalalgia 2018;38:1-211) names a sub-form of medication-overuse headache for each
non-opioid analgesic: 8.2.3.1 paracetamol (acetaminophen), 8.2.3.2 NSAID (other than
acetylsalicylic acid) and 8.2.3.3 acetylsalicylic acid. Ibuprofen, naproxen and diclofenac are
NSAIDs (WHO ATC group M01A, "anti-inflammatory and antirheumatic products, non-steroids");
paracetamol is N02BE01 and acetylsalicylic acid N02BA01 (WHO Collaborating Centre for Drug
Statistics Methodology, ATC/DDD Index).

Only single-substance names are listed: a combination ("paracetamol, aspirin and caffeine")
is its own class (``combination_analgesic``) and has no single substance.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from headwise.clinical.model import Substance

__all__ = ["COMMON_SIMPLE_ANALGESICS", "substance_for_name"]

#: Generic names (lower case, English and Dutch spellings) and the substance they are.
COMMON_SIMPLE_ANALGESICS: MappingProxyType[str, Substance] = MappingProxyType(
    {
        "paracetamol": Substance.PARACETAMOL,
        "acetaminophen": Substance.PARACETAMOL,
        "ibuprofen": Substance.NSAID,
        "naproxen": Substance.NSAID,
        "diclofenac": Substance.NSAID,
        "aspirin": Substance.ACETYLSALICYLIC_ACID,
        "acetylsalicylic acid": Substance.ACETYLSALICYLIC_ACID,
        "acetylsalicylzuur": Substance.ACETYLSALICYLIC_ACID,
    }
)

# A strength or form after the name ("Ibuprofen 400 mg", "naproxen 500mg tablet") is not part of it.
_STRENGTH = re.compile(r"\s*\d.*$")


def substance_for_name(name: str) -> Substance | None:
    """The substance of a single-substance analgesic named ``name``; ``None`` when not one we know.

    Case, surrounding spaces and a trailing strength are ignored; nothing else is guessed.

    Examples
    --------
    >>> substance_for_name("Ibuprofen 400 mg")
    <Substance.NSAID: 'nsaid'>
    >>> substance_for_name(" Paracetamol ")
    <Substance.PARACETAMOL: 'paracetamol'>
    >>> substance_for_name("Paracetamol, aspirin and caffeine") is None
    True
    """
    key = " ".join(_STRENGTH.sub("", name).casefold().split())
    return COMMON_SIMPLE_ANALGESICS.get(key)
