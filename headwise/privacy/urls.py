from django.urls import path

from headwise.privacy import views

app_name = "privacy"

urlpatterns = [
    path("me/privacy/", views.my_privacy, name="mine"),
    path("me/privacy/export.zip", views.my_export, name="my_export"),
    path("me/privacy/erasure/", views.my_erasure_request, name="my_erasure"),
    path("clients/<uuid:client_id>/privacy/", views.client_privacy, name="client"),
    path("clients/<uuid:client_id>/privacy/export.zip", views.client_export, name="client_export"),
    path("clients/<uuid:client_id>/privacy/erasure/", views.client_erasure_request, name="client_erasure"),
    path("clients/<uuid:client_id>/privacy/erase/", views.erasure_confirm, name="confirm"),
    path("practice/privacy/", views.practice_privacy, name="practice"),
]
