"""Writes of practice structure: locations, staff and their roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from headwise.accounts.models import User
from headwise.practice.models import CstStyle, Location, Membership, Practice, Practitioner, Role


@transaction.atomic
def location_save(*, location: Location) -> Location:
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def staff_add(
    *,
    practice: Practice,
    email: str,
    full_name: str,
    password: str,
    role: str,
    profession: str = "",
    cst_style: str = CstStyle.INTEGRATED,
    locations: Iterable[Location] = (),
) -> Membership:
    """A new login, its membership, and (for practitioners and owners who treat) a profile."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    membership = Membership.objects.create(practice=practice, user=user, role=role)
    if role == Role.PRACTITIONER or (role == Role.OWNER and profession):
        practitioner = Practitioner(
            practice=practice,
            membership=membership,
            display_name=full_name,
            profession=profession,
            cst_style=cst_style,
        )
        practitioner.full_clean()
        practitioner.save()
        practitioner.locations.set([loc for loc in locations if loc.practice_id == practice.pk])
    return membership
