"""Reads of the public page: the location by its address, what the page shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from headwise.practice.models import Location, Practice, Practitioner
from headwise.public.models import BookingRequest, PublicPage, RequestStatus


def public_location(*, practice_slug: str, location_slug: str) -> Location:
    """The active location at that address, or 404 (an unknown or inactive one alike)."""
    location = (
        Location.objects.select_related("practice")
        .filter(practice__slug=practice_slug, slug=location_slug, is_active=True)
        .exclude(slug="")
        .first()
    )
    if location is None:
        raise Http404
    return location


def page_of(*, location: Location) -> PublicPage:
    """The location's page texts; an unsaved empty page when the practice wrote none yet."""
    page = PublicPage.objects.filter(location=location).first()
    return page or PublicPage(practice_id=location.practice_id, location=location)


def practitioners_at(*, location: Location) -> QuerySet[Practitioner]:
    return (
        Practitioner.objects.for_practice(location.practice)
        .filter(is_active=True, membership__is_active=True, locations=location)
        .order_by("display_name", "pk")
    )


def services_at(*, location: Location) -> list[Any]:
    """The active services at least one of the location's practitioners offers, in the
    practice's order."""
    from headwise.practice.models import Service

    return list(
        Service.objects.for_practice(location.practice)
        .filter(is_active=True, practitioners__in=practitioners_at(location=location))
        .distinct()
        .order_by("position", "name", "pk")
    )


@dataclass(frozen=True)
class PublicView:
    location: Location
    page: PublicPage
    practitioners: list[Practitioner]
    services: list[Any]


def public_view(*, location: Location) -> PublicView:
    return PublicView(
        location=location,
        page=page_of(location=location),
        practitioners=list(practitioners_at(location=location)),
        services=services_at(location=location),
    )


def requests_of(*, practice: Practice, status: str | None = RequestStatus.NEW) -> QuerySet[BookingRequest]:
    requests = BookingRequest.objects.for_practice(practice).select_related(
        "client", "location", "handled_by"
    )
    if status is not None:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def request_get(*, practice: Practice, request_id: uuid.UUID) -> BookingRequest:
    return get_object_or_404(requests_of(practice=practice, status=None), uuid=request_id)


def open_request_count(*, practice: Practice) -> int:
    return BookingRequest.objects.for_practice(practice).filter(status=RequestStatus.NEW).count()
