from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from headwise.care.models import Appointment, FollowUp, PlanPhase, SessionRecord, TreatmentPlan, WaitlistEntry

admin.site.register(
    TreatmentPlan, SimpleHistoryAdmin, list_display=("client", "practitioner", "started_on", "status")
)
admin.site.register(PlanPhase, list_display=("plan", "kind", "starts_on", "ends_on"))
admin.site.register(
    Appointment,
    SimpleHistoryAdmin,
    list_display=("starts_at", "client", "practitioner", "location", "status"),
)
admin.site.register(
    SessionRecord, SimpleHistoryAdmin, list_display=("started_at", "client", "practitioner", "style")
)
admin.site.register(FollowUp, SimpleHistoryAdmin, list_display=("session", "due_at", "completed_at"))
admin.site.register(WaitlistEntry, SimpleHistoryAdmin, list_display=("client", "status", "created_at"))
