from django.urls import path

from headwise.public import views

app_name = "public"

urlpatterns = [
    path("p/<slug:practice_slug>/<slug:location_slug>/", views.public_page, name="page"),
    path("p/<slug:practice_slug>/<slug:location_slug>/thanks/", views.thanks, name="thanks"),
    path("practice/public-page/", views.page_list, name="page_list"),
    path("practice/public-page/<uuid:location_id>/", views.page_edit, name="page_edit"),
    path("practice/booking-requests/", views.request_list, name="requests"),
    path(
        "practice/booking-requests/<uuid:booking_request_id>/handled/",
        views.request_handled,
        name="request_handled",
    ),
    path(
        "practice/booking-requests/<uuid:booking_request_id>/activate/",
        views.request_activate,
        name="request_activate",
    ),
]
