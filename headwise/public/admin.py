from django.contrib import admin

from headwise.public.models import BookingRequest, PublicPage

admin.site.register(PublicPage)
admin.site.register(BookingRequest)
