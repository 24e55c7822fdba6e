from django.urls import path

from headwise.care import views_plan

app_name = "plan"

urlpatterns = [
    path("clients/<uuid:client_id>/plan/", views_plan.plan_page, name="plan"),
    path("clients/<uuid:client_id>/plan/start/", views_plan.plan_start, name="plan_start"),
    path("clients/<uuid:client_id>/plan/<uuid:plan_id>/status/", views_plan.plan_status, name="plan_status"),
    path("clients/<uuid:client_id>/plan/<uuid:plan_id>/decide/", views_plan.plan_decide, name="plan_decide"),
    path("clients/<uuid:client_id>/plan/<uuid:plan_id>/book/", views_plan.plan_book, name="plan_book"),
    path("practice/cadence/", views_plan.cadence_rules, name="cadence_rules"),
]
