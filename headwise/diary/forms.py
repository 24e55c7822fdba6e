"""Forms of the diary pages. They parse; the rules live in ``headwise.diary.services``.

Times are typed as wall-clock times in a zone (the attack's, else the client's) and turned into
UTC here with ``headwise.diary.localtime`` (spring gap: error; autumn overlap: asks which).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from headwise.clinical.medicines import COMMON_SIMPLE_ANALGESICS
from headwise.common.limits import NOTES
from headwise.diary import localtime
from headwise.diary.models import (
    AuraType,
    Disability,
    DrugClass,
    Hydration,
    PainScale,
    Quality,
    Side,
    Substance,
    Trigger,
    WarningSign,
)

TRI = [("unknown", _("Not answered")), ("true", _("Yes")), ("false", _("No"))]
FOLD = [("", _("—")), ("0", _("The first time (summer time)")), ("1", _("The second time (winter time)"))]


class LocalDateTimeField(forms.Field):
    """A wall-clock time (``YYYY-MM-DDTHH:MM``) kept naive until the zone is known."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages: ClassVar = {"invalid": _("Enter a date and time, e.g. 2026-03-29T14:30.")}

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        try:
            return dt.datetime.fromisoformat(str(value).strip()).replace(tzinfo=None, second=0, microsecond=0)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Compare as times, to the minute shown (Django compares the initial text as it is)."""
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class BooleanRadio(forms.RadioSelect):
    """Yes / no (/ not answered) radios that show a stored boolean as the chosen answer.

    Django's RadioSelect compares ``str(value)``, so a saved ``True`` ("True") would match
    neither "true" nor "false", and an edit would silently turn the answer into "not answered".
    """

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]  # ChoiceWidget returns a list
        if value is True or value in ("True", "true"):
            return ["true"]
        if value is False or value in ("False", "false"):
            return ["false"]
        if value is None or value in ("", "unknown"):
            return ["unknown"]
        return list(super().format_value(value))


class SuggestingInput(forms.TextInput):
    """A text input that offers common answers (an HTML ``datalist``; typing anything else is fine)."""

    def __init__(self, suggestions: tuple[str, ...], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.suggestions = suggestions

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        list_id = f"{(attrs or {}).get('id') or name}_suggestions"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">', ((s,) for s in self.suggestions))
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


#: Offered as the client types a medicine's name: the single-substance painkillers we recognise.
COMMON_MEDICINES = tuple(name.capitalize() for name in COMMON_SIMPLE_ANALGESICS)


def tri_state(label: Any) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, required=False, widget=BooleanRadio(choices=TRI))


def choice(label: Any, choices: Any, blank: Any = "—") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", blank), *choices])


def scale(label: Any, low: int = 0, high: int = 10) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ZonedForm(forms.Form):
    """A form whose ``*_local`` fields become UTC instants named without the suffix."""

    local_fields: ClassVar[tuple[str, ...]] = ()
    #: Set when a typed time happened twice (autumn): the page then asks which one.
    ambiguous = False

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_zone = zone

    def zone(self) -> zoneinfo.ZoneInfo:
        name = self.cleaned_data.get("time_zone") or self.default_zone
        return localtime.zone_of(name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "time_zone" in self.errors:
            return data
        try:
            zone = self.zone()
        except ValidationError as exc:
            self.add_error("time_zone", exc.message_dict["time_zone"])
            return data
        for name in self.local_fields:
            value = data.get(f"{name}_local")
            if value is None:
                data[name] = None
                continue
            fold = data.get(f"{name}_fold")
            try:
                data[name] = localtime.to_utc(
                    value, zone=zone, field=f"{name}_local", fold=int(fold) if fold else None
                )
            except ValidationError as exc:
                self.add_error(f"{name}_local", exc.message_dict[f"{name}_local"])
                if isinstance(exc, localtime.AmbiguousTimeError):
                    self.ambiguous = True
        return data


class AttackStartForm(ZonedForm):
    """Tap one, or an attack that started earlier: then when it ended, or that it is still going.

    An earlier start without an end would be an attack open until now, which overlaps every
    later attack: the form asks, rather than guessing.
    """

    local_fields = ("started_at", "ended_at")

    request_id = forms.UUIDField(widget=forms.HiddenInput)
    started_at_local = LocalDateTimeField(label=_("It began at"), required=False)
    started_at_fold = forms.ChoiceField(label=_("Which one?"), choices=FOLD, required=False)
    ended_at_local = LocalDateTimeField(label=_("It ended at"), required=False)
    ended_at_fold = forms.ChoiceField(label=_("Which one?"), choices=FOLD, required=False)
    still_going = forms.BooleanField(label=_("It is still going"), required=False)
    time_zone = forms.CharField(label=_("Time zone where you were"), required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ended, going = data.get("ended_at_local"), data.get("still_going")
        if ended is not None and going:
            self.add_error("ended_at_local", _("Give the end, or tick “It is still going”, not both."))
        elif data.get("started_at_local") is not None and ended is None and not going:
            if "ended_at_local" not in self.errors:
                self.add_error("ended_at_local", _("When did it end? Or tick “It is still going”."))
        elif data.get("started_at_local") is None and ended is not None:
            self.add_error("started_at_local", _("When did it begin?"))
        return data


class IntensityForm(forms.Form):
    peak_intensity = forms.IntegerField(label=_("How bad is it? (0–10)"), min_value=0, max_value=10)


class AttackForm(ZonedForm):
    """Everything about an attack that can be added once it is over."""

    local_fields = ("started_at", "ended_at")

    started_at_local = LocalDateTimeField(label=_("It began at"))
    started_at_fold = forms.ChoiceField(label=_("Which one?"), choices=FOLD, required=False)
    ended_at_local = LocalDateTimeField(
        label=_("It ended at"), required=False, help_text=_("Leave empty while it is still going.")
    )
    ended_at_fold = forms.ChoiceField(label=_("Which one?"), choices=FOLD, required=False)
    time_zone = forms.CharField(
        label=_("Time zone where you were"), max_length=64, help_text=_("Change it only when travelling.")
    )
    peak_intensity = scale(_("Worst pain (0–10)"))
    side = choice(_("Where was the pain?"), Side.choices, _("Not answered"))
    quality = choice(_("What did it feel like?"), Quality.choices, _("Not answered"))
    aggravated_by_activity = tri_state(
        _("Did routine activity (stairs, walking) make it worse, or did you avoid it?")
    )
    nausea = tri_state(_("Nausea"))
    vomiting = tri_state(_("Vomiting"))
    photophobia = tri_state(_("Light bothered me"))
    phonophobia = tri_state(_("Sound bothered me"))
    ended_by_sleep = tri_state(_("It ended when I slept"))
    had_aura = tri_state(_("Aura before or during it (add the symptoms below)"))
    warning_signs = forms.MultipleChoiceField(
        label=_("Early warning signs before it"),
        required=False,
        choices=WarningSign.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    warning_lead_minutes = forms.IntegerField(
        label=_("Noticed how long before? (minutes)"), required=False, min_value=0, max_value=72 * 60
    )
    disability = choice(_("What did it cost you?"), Disability.choices, _("Not answered"))
    suspected_triggers = forms.MultipleChoiceField(
        label=_("What do you think set it off?"),
        required=False,
        choices=Trigger.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTES, widget=forms.Textarea(attrs={"rows": 3})
    )

    def changes(self) -> dict[str, Any]:
        """The cleaned values under the model's field names.

        A time shown to the minute and left as it was keeps its stored instant (seconds
        included): saving other details never moves an attack, nor records a change of it.
        """
        data = dict(self.cleaned_data)
        for name in self.local_fields:
            data.pop(f"{name}_local", None)
            data.pop(f"{name}_fold", None)
            touched = {f"{name}_local", f"{name}_fold", "time_zone"} & set(self.changed_data)
            if self.initial.get(f"{name}_local") and not touched:
                data.pop(name, None)
        for name in ("side", "quality", "disability"):
            data[name] = data.get(name) or ""
        return data


class AuraForm(ZonedForm):
    local_fields = ("started_at",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on the attack's page beside the attack form, which has a "started at" too:
        # ids of its own, so each label points at its own field.
        kwargs.setdefault("auto_id", "id_aura_%s")
        super().__init__(*args, **kwargs)

    type = forms.ChoiceField(label=_("What kind?"), choices=AuraType.choices)
    started_at_local = LocalDateTimeField(label=_("It began at"), required=False)
    started_at_fold = forms.ChoiceField(label=_("Which one?"), choices=FOLD, required=False)
    duration_minutes = forms.IntegerField(label=_("It lasted (minutes)"), required=False, min_value=0)
    spread_gradually = tri_state(_("It spread gradually over 5 minutes or more"))
    unilateral = tri_state(_("On one side only"))
    positive = tri_state(_("Flickering, zigzags, pins and needles (something added, not lost)"))


class IntakeForm(ZonedForm):
    local_fields = ("taken_at",)

    request_id = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Medicine"), max_length=120, widget=SuggestingInput(COMMON_MEDICINES))
    drug_class = forms.ChoiceField(label=_("Kind"), choices=DrugClass.choices)
    substance = forms.ChoiceField(
        label=_("Which painkiller?"),
        required=False,
        choices=[*Substance.choices, ("", _("Don't know"))],
        widget=forms.RadioSelect(attrs={"class": "substance-choices"}),
        help_text=_("Only for paracetamol, an NSAID or aspirin."),
    )
    dose = forms.CharField(label=_("Dose"), max_length=60, required=False)
    taken_at_local = LocalDateTimeField(label=_("Taken at"))
    taken_at_fold = forms.ChoiceField(label=_("Which one?"), choices=FOLD, required=False)
    pain_before = choice(_("Pain when you took it"), PainScale.choices, _("Not answered"))
    pain_at_2h = choice(_("Pain 2 hours later"), PainScale.choices, _("Not answered"))

    def intake(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("taken_at_")}
        data["pain_before"] = data.get("pain_before") or ""
        data["pain_at_2h"] = data.get("pain_at_2h") or ""
        data["substance"] = data.get("substance") or ""
        return data


class CheckInForm(forms.Form):
    had_headache = forms.TypedChoiceField(
        label=_("Any headache today?"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        coerce=lambda v: v == "true",
        widget=BooleanRadio,
    )
    stress = scale(_("Stress (0–10)"))
    sleep_hours = forms.DecimalField(
        label=_("Hours slept"), required=False, min_value=0, max_value=24, decimal_places=1
    )
    sleep_quality = scale(_("Sleep quality (1 poor – 5 good)"), 1, 5)
    neck_tension = scale(_("Neck and shoulder tension (0–10)"))
    jaw_tension = scale(_("Jaw tension (0–10)"))
    menstruating = tri_state(_("Menstruating"))
    caffeine_drinks = forms.IntegerField(
        label=_("Caffeinated drinks"), required=False, min_value=0, max_value=40
    )
    alcohol_units = forms.DecimalField(
        label=_("Alcohol (units)"), required=False, min_value=0, max_value=99, decimal_places=1
    )
    skipped_meals = tri_state(_("Skipped a meal"))
    hydration = choice(_("Drank"), Hydration.choices, _("Not answered"))
    screen_hours = forms.DecimalField(
        label=_("Screen time (hours)"), required=False, min_value=0, max_value=24, decimal_places=1
    )
    warning_signs = forms.MultipleChoiceField(
        label=_("An early warning sign today? (optional)"),
        required=False,
        choices=WarningSign.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTES, widget=forms.Textarea(attrs={"rows": 2})
    )

    def answers(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["hydration"] = data.get("hydration") or ""
        return data


class ReminderForm(forms.Form):
    reminders_enabled = forms.BooleanField(label=_("E-mail me a diary reminder"), required=False)
    reminder_time = forms.TimeField(
        label=_("At (your local time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
