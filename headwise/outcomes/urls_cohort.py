from django.urls import path

from headwise.outcomes import views_cohort

app_name = "cohort"

urlpatterns = [path("", views_cohort.practice_cohort, name="practice_cohort")]
