from django.urls import path

from headwise.practice import views_availability as views

app_name = "availability"

urlpatterns = [
    path("", views.index, name="index"),
    path("practitioners/<uuid:practitioner_id>/", views.practitioner_page, name="practitioner"),
    path("hours/<uuid:working_hours_id>/delete/", views.hours_delete, name="hours_delete"),
    path("exceptions/<uuid:exception_id>/delete/", views.exception_delete, name="exception_delete"),
    path("closures/<uuid:closure_id>/delete/", views.closure_delete, name="closure_delete"),
    path("services/<uuid:service_id>/", views.service_edit, name="service_edit"),
]
