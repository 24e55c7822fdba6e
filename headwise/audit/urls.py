from django.urls import path

from headwise.audit import views

app_name = "audit"
urlpatterns = [
    path("practice/audit/", views.audit_page, name="audit_page"),
    path("practice/audit/export.csv", views.audit_export, name="audit_export"),
    path("me/privacy/views/", views.my_record_views, name="my_record_views"),
]
