"""TOTP codes computed in the test from the device's key, at the frozen clock (RFC 6238)."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_now(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the app shows now (django-otp reads ``time.time()``, which time-machine holds)."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0 - offset_steps * device.step, digits=device.digits
    )
    return f"{value:0{device.digits}d}"
