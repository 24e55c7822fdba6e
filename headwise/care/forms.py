"""Forms of the session pages. They parse; the rules live in ``headwise.care.services``.

The body map's regions are real checkboxes (``regions``); the SVG figures on the page only
mirror them. A code the list does not know is refused by the service, naming ``regions``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from headwise.care.models import BodyRegion, Sensation, SessionRecord, SideEffect, Technique
from headwise.common.limits import NOTES, SHORT
from headwise.diary.forms import LocalDateTimeField, ZonedForm, scale
from headwise.practice.models import CstStyle, Location, Practice, Practitioner, Room


def _notes(label: Any, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=NOTES, widget=forms.Textarea(attrs={"rows": rows})
    )


class SessionForm(ZonedForm):
    """The session record; ``started_at_local`` is a wall-clock time in the practice's zone."""

    local_fields: ClassVar[tuple[str, ...]] = ("started_at",)

    practitioner_id = forms.ModelChoiceField(
        label=_("Practitioner"), queryset=Practitioner.objects.none(), to_field_name="uuid"
    )
    location_id = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), to_field_name="uuid", required=False
    )
    room_id = forms.ModelChoiceField(
        label=_("Room"), queryset=Room.objects.none(), to_field_name="uuid", required=False
    )
    started_at_local = LocalDateTimeField(label=_("Started at"))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=240, initial=60
    )
    style = forms.ChoiceField(label=_("Style"), choices=CstStyle.choices)
    regions = forms.MultipleChoiceField(
        label=_("Contact regions"),
        required=False,
        choices=BodyRegion.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    techniques = forms.MultipleChoiceField(
        label=_("Techniques"), required=False, widget=forms.CheckboxSelectMultiple
    )
    pressure_grams = forms.IntegerField(
        label=_("Contact pressure (g)"), min_value=0, max_value=100, initial=5
    )
    headache_at_start = scale(_("Pain at the start (0–10)"))
    headache_at_end = scale(_("Pain at the end (0–10)"))
    noticed = forms.MultipleChoiceField(
        label=_("What the client noticed"),
        required=False,
        choices=Sensation.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sensations = _notes(_("In the client's words"))
    side_effects = forms.MultipleChoiceField(
        label=_("Side effects during the session"),
        required=False,
        choices=[c for c in SideEffect.choices if c[0] != SideEffect.EMOTIONAL],
        widget=forms.CheckboxSelectMultiple,
    )
    soap = forms.BooleanField(label=_("Write in the SOAP layout"), required=False)
    subjective = _notes(_("Subjective: what the client reports"))
    objective = _notes(_("Objective: what you found"))
    assessment = _notes(_("Assessment"))
    notes = _notes(_("Notes"), rows=4)
    next_time = _notes(_("Plan for next time"))

    def __init__(
        self, *args: Any, practice: Practice, kept_techniques: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, zone=practice.time_zone, **kwargs)
        from headwise.care.services import techniques_of

        self.fields["practitioner_id"].queryset = Practitioner.objects.for_practice(practice).select_related(  # type: ignore[attr-defined]
            "membership__user"
        )
        self.fields["location_id"].queryset = Location.objects.for_practice(practice)  # type: ignore[attr-defined]
        self.fields["room_id"].queryset = Room.objects.for_practice(practice).select_related("location")  # type: ignore[attr-defined]
        offered: list[Technique] = [t for t in techniques_of(practice=practice) if t.is_active]
        names = [t.name for t in offered]
        kept = [name for name in (kept_techniques or []) if name not in names]
        self.fields["techniques"].choices = [(n, n) for n in names] + [  # type: ignore[attr-defined]
            (n, _("%(name)s (retired)") % {"name": n}) for n in kept
        ]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the service's keyword arguments (ids, not objects)."""
        data = dict(self.cleaned_data)
        for name in ("practitioner_id", "location_id", "room_id"):
            chosen = data.get(name)
            data[name] = chosen.uuid if chosen is not None else None
        data.pop("started_at_local", None)
        data.pop("started_at_fold", None)
        return data


def initial_of(record: SessionRecord, zone: str) -> dict[str, Any]:
    """A stored record as the form's initial values."""
    import zoneinfo

    return {
        "practitioner_id": record.practitioner.uuid,
        "location_id": record.location.uuid if record.location else None,
        "room_id": record.room.uuid if record.room else None,
        "started_at_local": record.started_at.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None),
        **{
            name: getattr(record, name)
            for name in (
                "duration_minutes",
                "style",
                "regions",
                "techniques",
                "pressure_grams",
                "headache_at_start",
                "headache_at_end",
                "noticed",
                "sensations",
                "side_effects",
                "soap",
                "subjective",
                "objective",
                "assessment",
                "notes",
                "next_time",
            )
        },
    }


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), max_length=NOTES, widget=forms.Textarea(attrs={"rows": 3}))


class TechniqueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=SHORT)


FEELING_CHOICES = [
    ("fine", _("I feel fine")),
    (SideEffect.DISCOMFORT, _("Some discomfort")),
    (SideEffect.FATIGUE, _("Tired")),
    (SideEffect.DISORIENTATION, _("A bit disoriented")),
    (SideEffect.HEADACHE, _("Headache")),
    (SideEffect.OTHER, _("Something else")),
]


class FollowUpAnswerForm(forms.Form):
    """One tap: a feeling, or whether it has passed (both are buttons named so)."""

    feeling = forms.ChoiceField(required=False, choices=FEELING_CHOICES)
    passed = forms.ChoiceField(required=False, choices=[("yes", "yes"), ("no", "no")])

    def answer(self) -> dict[str, Any]:
        data = self.cleaned_data
        passed = {"yes": True, "no": False}.get(data.get("passed") or "")
        return {"feeling": data.get("feeling") or None, "passed": passed}
