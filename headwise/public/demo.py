"""The demo practice's public page texts (the practice's own words, in English and Dutch)."""

from __future__ import annotations

from headwise.practice.models import Location, Practice
from headwise.public.models import PublicPage


def public_page_of(practice: Practice, location: Location) -> PublicPage:
    where = location.city or location.name
    return PublicPage(
        practice=practice,
        location=location,
        intro_en=(
            f"We offer craniosacral therapy to people with migraine in {where}. "
            "Every new client starts with an intake about their headaches and health, and a "
            "safety check; we keep a headache diary with you to see, honestly, whether the care helps."
        ),
        intro_nl=(
            f"Wij bieden craniosacraaltherapie aan mensen met migraine in {where}. "
            "Elke nieuwe cliënt begint met een intake over de hoofdpijn en de gezondheid, en een "
            "veiligheidscheck; samen houden we een hoofdpijndagboek bij om eerlijk te zien of de zorg helpt."
        ),
        expect_en="Wear comfortable clothes. The room is quiet and the light can be dimmed.",
        expect_nl="Draag gemakkelijke kleding. De kamer is stil en het licht kan gedimd worden.",
        notes_en="Parking is behind the building. Please cancel at least a day ahead.",
        notes_nl="Parkeren kan achter het gebouw. Zeg alsjeblieft minstens een dag van tevoren af.",
    )
