from django.urls import path

from headwise.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("me/outcomes/", views.my_outcomes, name="my_outcomes"),
    path("me/report/", views.my_report, name="my_report"),
    path("me/report.pdf", views.my_report_pdf, name="my_report_pdf"),
    path("clients/<uuid:client_id>/outcomes/", views.client_outcomes, name="client_outcomes"),
    path("clients/<uuid:client_id>/report/", views.client_report, name="client_report"),
    path("clients/<uuid:client_id>/report.pdf", views.client_report_pdf, name="client_report_pdf"),
]
