from django.contrib import admin
from django.urls import include, path

from headwise.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("diary/", include("headwise.diary.urls")),
    path("", include("headwise.web.urls")),
]
