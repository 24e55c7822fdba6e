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
    path("", include("headwise.care.urls_plan")),
    path("", include("headwise.outcomes.urls")),
    path("", include("headwise.clients.urls_screen")),
    path("", include("headwise.clients.urls_intake")),
    path("", include("headwise.care.urls_sessions")),
    path("", include("headwise.care.urls_calendar")),  # calendar
    path("practice/cohort/", include("headwise.outcomes.urls_cohort")),
    path("", include("headwise.care.urls_feeds")),
    path("", include("headwise.public.urls")),  # public: the public page, booking requests
    path("", include("headwise.care.urls_online")),  # public: online booking by clients
    path("practice/availability/", include("headwise.practice.urls_availability")),  # avail
    path("", include("headwise.audit.urls")),  # audit: the owner's trail, a client's "who viewed"
    path("", include("headwise.accounts.urls")),  # signin
    path("", include("headwise.privacy.urls")),  # privacy
    path("", include("headwise.web.urls")),
]
