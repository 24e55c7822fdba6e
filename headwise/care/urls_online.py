from django.urls import path

from headwise.care import views_online

app_name = "online"

urlpatterns = [
    path("me/booking/", views_online.my_booking, name="my_booking"),
    path("me/booking/cancel/", views_online.my_booking_cancel, name="my_booking_cancel"),
    path("practice/online-booking/", views_online.booking_settings, name="settings"),
]
