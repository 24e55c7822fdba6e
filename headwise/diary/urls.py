from django.urls import path

from headwise.diary import views

app_name = "diary"

urlpatterns = [
    path("attack/", views.attack_start, name="attack_start"),
    path("attacks/", views.attack_list, name="attack_list"),
    path("attacks/<uuid:attack_id>/", views.attack_detail, name="attack_detail"),
    path("attacks/<uuid:attack_id>/intensity/", views.attack_intensity, name="attack_intensity"),
    path("attacks/<uuid:attack_id>/end/", views.attack_end, name="attack_end"),
    path("attacks/<uuid:attack_id>/aura/", views.aura_add, name="aura_add"),
    path("attacks/<uuid:attack_id>/medication/", views.intake_add, name="intake_add"),
    path("attacks/<uuid:attack_id>/delete/", views.attack_delete, name="attack_delete"),
    path("attacks/<uuid:attack_id>/restore/", views.attack_restore, name="attack_restore"),
    path("attacks/<uuid:attack_id>/history/", views.attack_history, name="attack_history"),
    path("attacks/<uuid:attack_id>/history/<uuid:history_id>/undo/", views.attack_undo, name="attack_undo"),
    path("aura/<uuid:aura_id>/delete/", views.aura_delete, name="aura_delete"),
    path("medications/<uuid:intake_id>/delete/", views.intake_delete, name="intake_delete"),
    path("checkin/", views.checkin_today, name="checkin_today"),
    path("checkin/<str:day>/", views.checkin, name="checkin"),
    path("backfill/", views.backfill, name="backfill"),
    path("month/", views.month, name="month_current"),
    path("month/<str:month>/", views.month, name="month"),
    path("month/<str:month>/chart.svg", views.month_chart, name="month_chart"),
    path("reminders/", views.reminders, name="reminders"),
]
