from django.urls import path

from headwise.clients import views_intake as views

app_name = "clients_intake"

urlpatterns = [
    path("intake/start/<str:token>/", views.link_start, name="start"),
    path("intake/", views.intake_form, name="form"),
    path("intake/consent/", views.intake_consent, name="consent"),
    path("intake/done/", views.intake_done, name="done"),
    path("clients/<uuid:client_id>/intake/", views.desk_intake, name="desk_intake"),
    path("clients/<uuid:client_id>/intake/send/", views.send_link, name="send_link"),
    path("clients/<uuid:client_id>/consent/", views.desk_consent, name="desk_consent"),
    path("settings/consents/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
