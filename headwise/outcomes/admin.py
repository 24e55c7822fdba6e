from django.contrib import admin

from headwise.outcomes.models import QuestionnaireResponse

admin.site.register(QuestionnaireResponse, list_display=("client", "instrument", "answered_on", "total"))
