from django.contrib import admin
from django.urls import include, path

from headwise.api import api
from headwise.web.views import favicon

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("diary/", include("headwise.diary.urls")),
    path("", include("headwise.outcomes.urls")),
    path("", include("headwise.web.urls")),
]
