"""The fixed words of every public page: what a session is like, who should not have CST, when
to see a doctor instead, and what the evidence can and cannot say.

The contraindications are those the safety screen asks (``headwise.clinical.safety``'s
``contraindication.*`` rules) in words for someone who is not a clinician; the warning signs are
the SNNOOP10 red flags the screen asks (Do et al., *Neurology* 2019;92:134-144,
doi:10.1212/WNL.0000000000006697) in plain words. A practice adds its own text around them but
cannot remove them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SESSION = (
    _("A session takes about an hour."),
    _("You stay fully clothed and lie face-up on a treatment table; a pillow or blanket is fine."),
    _(
        "The practitioner's touch is very light, about 5 grams (the weight of a coin), at the head, "
        "neck, back and pelvis."
    ),
    _(
        "You may feel warmth, tingling or deep relaxation, and sometimes emotions come up. Say so at "
        "any time; you can ask for a pause or stop."
    ),
    _(
        "Afterwards some people feel tired, a little disoriented or mildly uncomfortable; this usually "
        "fades within 24 hours. Tell the practice if it does not."
    ),
)

NOT_FOR = (
    _("blood clots, or a condition or medicine that affects clotting"),
    _("concussion or any other brain injury"),
    _("brain swelling"),
    _("an aneurysm in the brain"),
    _(
        "a condition that builds up fluid around the brain and spinal cord (cerebrospinal fluid), "
        "such as raised pressure in the head or hydrocephalus"
    ),
)

AFTER_INJURY = _(
    "After a recent severe head injury, other therapies come first until it has settled; the practice "
    "will ask when it happened."
)

NOT_DIAGNOSIS = _(
    "Craniosacral therapy is not a replacement for medical diagnostics. See a doctor first, or call "
    "emergency services, if you have any of these:"
)

RED_FLAGS = (
    _("a sudden, very severe headache that peaks within a minute"),
    _("a headache with fever, a stiff neck, or feeling very unwell"),
    _("weakness, numbness, confusion, trouble speaking or seeing, or fainting"),
    _("a new headache after age 50, or a headache unlike any you had before"),
    _("headaches that keep getting worse, or that change with standing up and lying down"),
    _("a headache brought on by coughing, sneezing or exercise"),
    _("a headache after a head injury"),
    _("a new headache during pregnancy or just after giving birth"),
    _("a headache with a history of cancer or a weakened immune system"),
)

EVIDENCE = _(
    "About the evidence: research on craniosacral therapy for migraine is small and its results are "
    "mixed; it has not been shown to work. People usually start a therapy when their migraines are at "
    "their worst, and migraines often ease again by themselves, so feeling better afterwards does not "
    "prove the therapy caused it. This practice measures with you, in a headache diary, whether your "
    "migraines change, and tells you honestly what the numbers can and cannot show."
)
