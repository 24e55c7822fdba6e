"""The default consent texts a practice starts with, in English and Dutch.

They are published (version 1 of each kind and language) the first time a practice asks for its
current text and has none of that kind, by :func:`headwise.clients.services.current_consent_text`.
A practice publishes its own wording as a new version; the text a client accepted is kept as it
was. The wording states plainly what the evidence for craniosacral therapy is (thin and contested)
and that it does not replace a doctor.
"""

from __future__ import annotations

from headwise.clients.models import ConsentKind

#: (kind, language) -> (title, body).
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (ConsentKind.TREATMENT, "en"): (
        "Consent to craniosacral therapy",
        "I agree to receive craniosacral therapy (CST) at this practice.\n\n"
        "CST is a gentle, hands-on therapy: I stay clothed and usually lie on my back while the "
        "practitioner touches my head, neck, back and other regions very lightly.\n\n"
        "I understand that the scientific evidence that CST helps with migraine is limited and "
        "contested, and that CST does not replace a diagnosis or treatment by a doctor. I will keep "
        "seeing my doctor about my headaches, and I will tell the practitioner about any change in my "
        "health, medicines, injuries or pregnancy.\n\n"
        "After a session I may feel mild discomfort, tiredness or light-headedness, which usually "
        "fades within 24 hours; I will tell the practice if it does not.\n\n"
        "I may stop a session, or the treatment as a whole, at any time.",
    ),
    (ConsentKind.TREATMENT, "nl"): (
        "Toestemming voor craniosacraaltherapie",
        "Ik geef toestemming voor craniosacraaltherapie (CST) in deze praktijk.\n\n"
        "CST is een zachte behandeling met de handen: ik blijf gekleed en lig meestal op mijn rug, "
        "terwijl de therapeut mijn hoofd, nek, rug en andere delen heel licht aanraakt.\n\n"
        "Ik begrijp dat het wetenschappelijk bewijs dat CST helpt bij migraine beperkt en omstreden "
        "is, en dat CST geen vervanging is voor een diagnose of behandeling door een arts. Ik blijf "
        "voor mijn hoofdpijn bij mijn arts, en ik vertel de therapeut over elke verandering in mijn "
        "gezondheid, medicijnen, verwondingen of zwangerschap.\n\n"
        "Na een behandeling kan ik me wat ongemakkelijk, moe of licht in het hoofd voelen; dat gaat "
        "meestal binnen 24 uur over. Ik laat het de praktijk weten als het niet overgaat.\n\n"
        "Ik mag een behandeling, of de hele behandeling, op elk moment stoppen.",
    ),
    (ConsentKind.DATA, "en"): (
        "Consent to keeping and processing my health data",
        "I agree that this practice keeps and processes my health data in Headwise: what I tell "
        "the practice at intake, the records of my sessions, my headache diary and my "
        "questionnaires.\n\n"
        "The data is used for my care, to remind me of my diary, and to show me and my practitioner "
        "how my headaches change. Only the staff of this practice can see it; the front desk sees my "
        "contact details and appointments, not my health records.\n\n"
        "I can withdraw this consent at any time in my settings. Then Headwise stops processing my "
        "data and stops sending me reminders; what was recorded before stays in my record as the "
        "law on medical records requires.",
    ),
    (ConsentKind.DATA, "nl"): (
        "Toestemming voor het bewaren en verwerken van mijn gezondheidsgegevens",
        "Ik geef toestemming dat deze praktijk mijn gezondheidsgegevens in Headwise bewaart en "
        "verwerkt: wat ik bij de intake vertel, de verslagen van mijn behandelingen, mijn "
        "hoofdpijndagboek en mijn vragenlijsten.\n\n"
        "De gegevens worden gebruikt voor mijn zorg, om mij aan mijn dagboek te herinneren, en om "
        "mij en mijn therapeut te laten zien hoe mijn hoofdpijn verandert. Alleen de medewerkers "
        "van deze praktijk kunnen ze zien; de balie ziet mijn contactgegevens en afspraken, niet "
        "mijn medische gegevens.\n\n"
        "Ik kan deze toestemming op elk moment intrekken in mijn instellingen. Dan stopt Headwise "
        "met het verwerken van mijn gegevens en met het sturen van herinneringen; wat eerder is "
        "vastgelegd blijft in mijn dossier, zoals de wet op medische dossiers vereist.",
    ),
}

#: The kinds a client is asked to accept at intake.
INTAKE_KINDS = (ConsentKind.TREATMENT, ConsentKind.DATA)
