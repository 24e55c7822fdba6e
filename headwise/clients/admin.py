from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from headwise.clients.models import Client, Consent, ConsentText, SafetyScreening

admin.site.register(
    Client, SimpleHistoryAdmin, list_display=("family_name", "given_name", "practice", "status")
)
admin.site.register(ConsentText, list_display=("title", "kind", "version", "practice"))
admin.site.register(Consent, list_display=("client", "text", "granted", "recorded_at"))
admin.site.register(SafetyScreening, SimpleHistoryAdmin, list_display=("client", "screened_at", "outcome"))
