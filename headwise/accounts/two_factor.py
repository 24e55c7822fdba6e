"""Two-step sign-in with django-otp: an authenticator app (TOTP) and ten one-time backup codes.

One definition of "enrolled" (a confirmed TOTP device) and of "a code that proves the second
factor" (``verify_code``), used by the sign-in, re-authentication and set-up pages alike.

Backup codes: django-otp's static plugin stores its tokens as plain text. Headwise stores a
keyed hash instead (HMAC-SHA256 with the site's secret key, first 16 hex digits, which is what
the plugin's 16-character column holds), so a copy of the database does not hand out working
codes. A code is checked by hashing what the user typed and asking the plugin for that token,
so its one-time use and its throttling stay the plugin's. Rotating ``SECRET_KEY`` without
keeping the old key in ``SECRET_KEY_FALLBACKS`` invalidates the backup codes (not the app).
"""

from __future__ import annotations

import base64
import io
import secrets
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from django.http import HttpRequest

    from headwise.accounts.models import User

#: How many backup codes a user gets; each works once.
BACKUP_CODES = 10
#: Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_HASH_SALT = "headwise.accounts.two_factor.backup_code"
DEVICE_NAME = "authenticator"


def normalise(code: str) -> str:
    """What the user typed, without spaces and dashes, in lower case."""
    return "".join(ch for ch in code.strip().lower() if ch not in " -\t")


def backup_hash(code: str, secret: str | None = None) -> str:
    return salted_hmac(_HASH_SALT, normalise(code), secret=secret, algorithm="sha256").hexdigest()[:16]


def new_backup_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def backup_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one per user; made on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return str(device.config_url)


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The QR code of the provisioning address as an SVG document (segno)."""
    qr = segno.make(provisioning_uri(device), error="m")
    out = io.BytesIO()
    # A standalone file (with its namespace), not svg_inline's fragment: it is served as an <img>.
    qr.save(out, kind="svg", scale=5, border=2, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue().decode()


def verify_code(user: User, code: str, *, allow_backup: bool = True) -> Device | None:
    """The device that accepts ``code`` (authenticator, or an unused backup code), else ``None``.

    Throttling is django-otp's: each wrong code doubles the wait before the device accepts
    another; a backup code is deleted once used.
    """
    cleaned = normalise(code)
    if not cleaned:
        return None
    device = totp_device(user)
    if device is None:
        return None
    if cleaned.isdigit() and len(cleaned) == device.digits:
        return device if device.verify_token(cleaned) else None
    if not allow_backup:
        return None
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is None:
        return None
    secrets_to_try = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    for secret in secrets_to_try:
        if static.verify_token(backup_hash(cleaned, secret=secret)):
            return static
    return None


@transaction.atomic
def confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Enable the authenticator if ``code`` is right; answer the new backup codes (shown once)."""
    device = TOTPDevice.objects.select_for_update(no_key=True).get(pk=device.pk, user=user)
    if device.confirmed or not device.verify_token(normalise(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_backup_codes(user=user)


@transaction.atomic
def replace_backup_codes(*, user: User) -> list[str]:
    """Ten new backup codes; the old ones stop working. Only their hashes are stored."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = [new_backup_code() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=backup_hash(c)) for c in codes])
    return codes


@transaction.atomic
def disable(*, user: User) -> None:
    """Remove the authenticator and the backup codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Record in the session that this device verified the user (django-otp's own key)."""
    otp_login(request, device)
