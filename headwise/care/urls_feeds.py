from django.urls import path

from headwise.care import views_feeds as views

app_name = "care_calendar"

urlpatterns = [
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
    path("settings/calendar/", views.calendar_settings, name="settings"),
    path("settings/calendar/reminders/", views.reminder_settings, name="reminders"),
    path("settings/calendar/<uuid:feed_id>/revoke/", views.feed_revoke, name="revoke"),
    path("appointments/<uuid:appointment_id>.ics", views.appointment_ics, name="appointment_ics"),
    path("me/appointments/<uuid:appointment_id>.ics", views.my_appointment_ics, name="my_appointment_ics"),
]
