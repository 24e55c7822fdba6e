from django.urls import path

from headwise.care import views_sessions as views

app_name = "care"

urlpatterns = [
    path("clients/<uuid:client_id>/sessions/", views.session_list, name="session_list"),
    path("clients/<uuid:client_id>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:session_id>/addenda/", views.addendum_new, name="addendum_new"),
    path("practice/techniques/", views.techniques, name="techniques"),
    path("practice/techniques/<uuid:technique_id>/", views.technique_edit, name="technique_edit"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("me/follow-ups/<uuid:follow_up_id>/", views.follow_up_answer, name="follow_up_answer"),
]
