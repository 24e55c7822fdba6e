from django.contrib import admin

from headwise.practice.models import (
    AvailabilityException,
    Closure,
    Location,
    Membership,
    Practice,
    Practitioner,
    Room,
    Service,
    WorkingHours,
)

admin.site.register(Practice)
admin.site.register(Location, list_display=("name", "practice", "city", "time_zone"))
admin.site.register(Room, list_display=("name", "location", "practice"))
admin.site.register(Membership, list_display=("user", "practice", "role", "is_active"))
admin.site.register(Practitioner, list_display=("display_name", "practice", "profession", "cst_style"))
admin.site.register(Service, list_display=("name", "practice", "appointment_kind", "duration_minutes"))
admin.site.register(WorkingHours, list_display=("practitioner", "location", "weekday", "starts", "ends"))
admin.site.register(AvailabilityException, list_display=("practitioner", "date", "starts", "ends", "reason"))
admin.site.register(Closure, list_display=("practice", "location", "first_day", "last_day", "reason"))
