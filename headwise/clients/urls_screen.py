from django.urls import path

from headwise.clients import views_screen as views

app_name = "screen"

urlpatterns = [
    path("clients/<uuid:client_id>/screen/", views.screen, name="screen"),
    path("screenings/<uuid:screening_id>/", views.screening, name="screening"),
    path("screenings/<uuid:screening_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("screenings/<uuid:screening_id>/clearance/", views.clearance, name="clearance"),
    path("screenings/<uuid:screening_id>/letter/", views.letter, name="letter"),
    path("screenings/<uuid:screening_id>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("practice/safety-rules/", views.rules, name="rules"),
]
