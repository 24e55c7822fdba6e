from django.contrib.auth import views as auth_views
from django.urls import include, path

from headwise.accounts.views import SignInView
from headwise.diary import staff_views
from headwise.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    # Step one of signing in; step two (the code) is accounts:login_code.
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", views.preferences, name="preferences"),
    path("staff/", views.staff_home, name="staff_home"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<uuid:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<uuid:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:client_id>/diary/", staff_views.client_month, name="client_month_current"),
    path("clients/<uuid:client_id>/diary/<str:month>/", staff_views.client_month, name="client_month"),
    path(
        "clients/<uuid:client_id>/diary/<str:month>/chart.svg",
        staff_views.client_month_chart,
        name="client_month_chart",
    ),
    path("practice/", views.practice_settings, name="practice_settings"),
    path("practice/locations/new/", views.location_new, name="location_new"),
    path("practice/locations/<uuid:location_id>/edit/", views.location_edit, name="location_edit"),
    path("practice/staff/new/", views.staff_new, name="staff_new"),
    path("practice/staff/<uuid:membership_id>/edit/", views.staff_edit, name="staff_edit"),
    path("me/", views.my_home, name="my_home"),
    path("", include("headwise.care.urls_plan")),
]
