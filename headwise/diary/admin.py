from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from headwise.diary.models import Attack, AuraSymptom, DailyCheckIn, MedicationIntake, TriggerExposure

admin.site.register(
    Attack, SimpleHistoryAdmin, list_display=("client", "started_at", "ended_at", "peak_intensity")
)
admin.site.register(AuraSymptom, SimpleHistoryAdmin, list_display=("attack", "type", "duration_minutes"))
admin.site.register(
    MedicationIntake,
    SimpleHistoryAdmin,
    list_display=("client", "taken_at", "name", "drug_class", "substance"),
)
admin.site.register(DailyCheckIn, SimpleHistoryAdmin, list_display=("client", "date", "had_headache"))
admin.site.register(TriggerExposure, list_display=("client", "occurred_at", "trigger"))
