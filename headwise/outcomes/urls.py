from django.urls import path

from headwise.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path(
        "clients/<uuid:client_id>/questionnaires/new/<str:instrument>/",
        views.questionnaire_new,
        name="questionnaire_new",
    ),
    path(
        "clients/<uuid:client_id>/questionnaires/send/", views.questionnaire_send, name="questionnaire_send"
    ),
    path(
        "me/questionnaires/<uuid:questionnaire_request_id>/", views.my_questionnaire, name="my_questionnaire"
    ),
]
