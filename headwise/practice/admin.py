from django.contrib import admin

from headwise.practice.models import Location, Membership, Practice, Practitioner, Room

admin.site.register(Practice)
admin.site.register(Location, list_display=("name", "practice", "city", "time_zone"))
admin.site.register(Room, list_display=("name", "location", "practice"))
admin.site.register(Membership, list_display=("user", "practice", "role", "is_active"))
admin.site.register(Practitioner, list_display=("display_name", "practice", "profession", "cst_style"))
