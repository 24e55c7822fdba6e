from django.urls import path

from headwise.care import views_calendar as v

app_name = "calendar"

urlpatterns = [
    path("calendar/", v.calendar_home, name="home"),
    path("calendar/locations/<uuid:location_id>/week/<str:day>/", v.location_week, name="location_week"),
    path("calendar/locations/<uuid:location_id>/day/<str:day>/", v.location_day, name="location_day"),
    path(
        "calendar/practitioners/<uuid:practitioner_id>/week/<str:day>/",
        v.practitioner_week,
        name="practitioner_week",
    ),
    path(
        "calendar/practitioners/<uuid:practitioner_id>/day/<str:day>/",
        v.practitioner_day,
        name="practitioner_day",
    ),
    path("calendar/book/", v.book, name="book"),
    path("calendar/book/client/", v.book_client_panel, name="book_client_panel"),
    path("calendar/book/clients/", v.client_options, name="client_options"),
    path("calendar/appointments/<uuid:appointment_id>/", v.appointment_detail, name="appointment"),
    path("calendar/appointments/<uuid:appointment_id>/move/", v.appointment_move, name="appointment_move"),
    path(
        "calendar/appointments/<uuid:appointment_id>/status/", v.appointment_status, name="appointment_status"
    ),
    path("calendar/waitlist/", v.waitlist, name="waitlist"),
    path("calendar/waitlist/fit/", v.waitlist_fit, name="waitlist_fit"),
    path("calendar/waitlist/<uuid:waitlist_entry_id>/offer/", v.waitlist_offer, name="waitlist_offer"),
    path(
        "calendar/waitlist/<uuid:waitlist_entry_id>/withdraw/", v.waitlist_withdraw, name="waitlist_withdraw"
    ),
]
