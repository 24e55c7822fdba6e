from django.urls import path

from headwise.outcomes import views, views_questionnaires

app_name = "outcomes"

urlpatterns = [
    path("me/outcomes/", views.my_outcomes, name="my_outcomes"),
    path("me/report/", views.my_report, name="my_report"),
    path("me/report.pdf", views.my_report_pdf, name="my_report_pdf"),
    path("clients/<uuid:client_id>/outcomes/", views.client_outcomes, name="client_outcomes"),
    path("clients/<uuid:client_id>/report/", views.client_report, name="client_report"),
    path("clients/<uuid:client_id>/report.pdf", views.client_report_pdf, name="client_report_pdf"),
    path(
        "clients/<uuid:client_id>/questionnaires/new/<str:instrument>/",
        views_questionnaires.questionnaire_new,
        name="questionnaire_new",
    ),
    path(
        "clients/<uuid:client_id>/questionnaires/send/",
        views_questionnaires.questionnaire_send,
        name="questionnaire_send",
    ),
    path(
        "me/questionnaires/<uuid:questionnaire_request_id>/",
        views_questionnaires.my_questionnaire,
        name="my_questionnaire",
    ),
]
