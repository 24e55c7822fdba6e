"""The engine's score bands in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

BANDS = {
    "midas": {
        "I": _("Grade I: little or no disability"),
        "II": _("Grade II: mild disability"),
        "III": _("Grade III: moderate disability"),
        "IV": _("Grade IV: severe disability"),
    },
    "phq4": {
        "none": _("None (0–2)"),
        "mild": _("Mild (3–5)"),
        "moderate": _("Moderate (6–8)"),
        "severe": _("Severe (9–12)"),
    },
    "hit6": {
        "little_or_none": _("Little or no impact (≤ 49)"),
        "some": _("Some impact (50–55)"),
        "substantial": _("Substantial impact (56–59)"),
        "severe": _("Severe impact (≥ 60)"),
    },
}


def band_label(instrument: str, band: str) -> str:
    return str(BANDS.get(instrument, {}).get(band, band))
