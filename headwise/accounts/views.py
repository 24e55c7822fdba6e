"""Sign-in pages: the two steps, re-authentication, two-step set-up, sign-out everywhere,
password reset, and the practice's security setting. Views parse, authorise, call, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from headwise.accounts import fresh, sessions, two_factor
from headwise.accounts.access import HeadwiseRequest, StaffRequest, owner_required, user_of
from headwise.accounts.forms import (
    CodeForm,
    ConfirmDeviceForm,
    PasswordResetRequestForm,
    PracticeSecurityForm,
    ReauthForm,
)
from headwise.accounts.models import ApiToken, User
from headwise.accounts.record import AuditAction, record
from headwise.practice import services as practice_services
from headwise.web.forms import LoginForm

#: The session key of a sign-in whose password was right and whose code is still to come.
PENDING = "headwise.pending_sign_in"
#: Wrong codes allowed in one pending sign-in before the password is asked again.
CODE_TRIES = 5
#: The session key holding freshly made backup codes until the page shows them (once).
NEW_CODES = "headwise.new_backup_codes"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class SignInView(auth_views.LoginView):
    """Step one: e-mail and password. Enrolled users go on to step two; others are signed in."""

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor.is_enrolled(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(timezone.now().timestamp()),
            "next": self.get_success_url(),
            "tries": 0,
        }
        return redirect("accounts:login_code")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any] | None]:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None, None
    age = timezone.now().timestamp() - float(pending.get("at", 0))
    if not 0 <= age <= settings.HEADWISE_TWO_STEP_SECONDS:
        del request.session[PENDING]
        return None, None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return user, pending


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator app, or a backup code.

    Also the page a signed-in but unverified session is sent to where the practice requires
    two-step sign-in.
    """
    pending: dict[str, Any] | None = None
    if request.user.is_authenticated:
        user = user_of(request)
        if request.user.is_verified() or not two_factor.is_enrolled(user):  # type: ignore[attr-defined]
            return redirect("web:home")
        next_url = fresh.safe_next(request, request.GET.get("next"), "/")
    else:
        found, pending = _pending_user(request)
        if found is None or pending is None:
            messages.info(request, _("Please sign in again: the code step waits five minutes at most."))
            return redirect("web:login")
        user = found
        next_url = fresh.safe_next(request, pending.get("next"), "/")
    form = CodeForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid() and form.device is not None:
            if pending is not None:
                del request.session[PENDING]
                login(request, user, backend=pending["backend"])
            else:
                fresh.mark_fresh(request)
            two_factor.mark_verified(request, form.device)
            if isinstance(form.device, StaticDevice):
                left = two_factor.backup_codes_left(user)
                record(request, AuditAction.TWO_FACTOR_BACKUP_USED, user=user, detail={"left": left})
            return redirect(next_url)
        record(request, AuditAction.TWO_FACTOR_FAILED, user=user)
        if pending is not None:
            pending["tries"] = int(pending.get("tries", 0)) + 1
            if pending["tries"] >= CODE_TRIES:
                del request.session[PENDING]
                messages.error(request, _("Too many wrong codes. Please sign in again."))
                return redirect("web:login")
            request.session[PENDING] = pending
    return render(request, "accounts/login_code.html", {"form": form}, status=422 if form.errors else 200)


@never_cache
@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    """Confirm it is you: the password again (and the code, if enrolled), then back."""
    user = user_of(request)
    next_url = fresh.safe_next(request, request.POST.get("next") or request.GET.get("next"), "/settings/")
    form = ReauthForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        fresh.mark_fresh(request)
        if form.device is not None:
            two_factor.mark_verified(request, form.device)
        return redirect(next_url)
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": next_url},
        status=422 if form.errors else 200,
    )


# --- two-step sign-in set-up -------------------------------------------------------------


@never_cache
@login_required
def two_factor_page(request: HeadwiseRequest) -> HttpResponse:
    user = user_of(request)
    context = {
        "enrolled": two_factor.is_enrolled(user),
        "codes_left": two_factor.backup_codes_left(user),
        "required": _required_for(request),
    }
    return render(request, "accounts/two_factor.html", context)


def _required_for(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership is not None and membership.practice.require_two_factor)


@never_cache
@login_required
@fresh.require_fresh_auth()
def two_factor_setup(request: HeadwiseRequest) -> HttpResponse:
    user = user_of(request)
    if two_factor.is_enrolled(user):
        return redirect("accounts:two_factor")
    device = two_factor.pending_device(user)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            # Sessions signed in elsewhere with the password only end here; this one stays.
            sessions.end_sessions(user=user)
            update_session_auth_hash(request, user)
            confirmed = two_factor.totp_device(user)
            if confirmed is not None:
                two_factor.mark_verified(request, confirmed)
            record(request, AuditAction.TWO_FACTOR_ENABLE, user=user)
            request.session[NEW_CODES] = codes
            return redirect("accounts:backup_codes")
        form.add_error("code", _("That code is not right. Check the app's clock and try the next one."))
    context = {
        "form": form,
        "manual_key": two_factor.manual_key(device),
        "required": _required_for(request),
    }
    return _no_store(
        render(request, "accounts/two_factor_setup.html", context, status=422 if form.errors else 200)
    )


@never_cache
@login_required
@fresh.require_fresh_auth()
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The set-up QR code as an SVG file (an <img>, so no inline script or markup is needed)."""
    user = user_of(request)
    if two_factor.is_enrolled(user):
        raise Http404
    svg = two_factor.qr_svg(two_factor.pending_device(user))
    return _no_store(HttpResponse(svg, content_type="image/svg+xml"))


@never_cache
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The new backup codes, once: they are taken out of the session as the page is made."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("accounts:two_factor")
    return _no_store(render(request, "accounts/backup_codes.html", {"codes": codes}))


@require_POST
@login_required
@fresh.require_fresh_auth()
def backup_codes_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not two_factor.is_enrolled(user):
        return redirect("accounts:two_factor")
    request.session[NEW_CODES] = two_factor.replace_backup_codes(user=user)
    record(request, AuditAction.TWO_FACTOR_ENABLE, user=user, detail={"backup_codes": "replaced"})
    return redirect("accounts:backup_codes")


@require_POST
@login_required
@fresh.require_fresh_auth()
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if _required_for(request):
        messages.error(request, _("Your practice requires two-step sign-in, so it cannot be switched off."))
        return redirect("accounts:two_factor")
    if not two_factor.is_enrolled(user):
        return redirect("accounts:two_factor")
    two_factor.disable(user=user)
    record(request, AuditAction.TWO_FACTOR_DISABLE, user=user)
    messages.success(request, _("Two-step sign-in is off. Your backup codes no longer work."))
    return redirect("accounts:two_factor")


# --- sessions and tokens -----------------------------------------------------------------


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this user, this one included."""
    user = user_of(request)
    record(request, AuditAction.SESSIONS_ENDED, user=user, detail={"by": "self"})
    sessions.end_sessions(user=user)
    logout(request)
    messages.success(request, _("You are signed out on every device. Sign in again to continue here."))
    return redirect("web:login")


@require_POST
@login_required
@fresh.require_fresh_auth()
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    count = sessions.revoke_tokens(user=user)
    if count:
        record(request, AuditAction.TOKEN_REVOKE, user=user, detail={"all": True, "count": count})
    messages.success(request, _("All your API tokens are revoked; scripts using them stop working now."))
    return redirect("web:preferences")


def security_context(request: HttpRequest) -> dict[str, Any]:
    """What the settings page shows about sign-in (used by web.views.preferences)."""
    user = user_of(request)
    return {
        "two_factor_enrolled": two_factor.is_enrolled(user),
        "tokens_usable": ApiToken.objects.usable().filter(user=user).count(),
    }


# --- the practice's security setting -----------------------------------------------------


@never_cache
@owner_required
@fresh.require_fresh_auth()
def practice_security(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form: Form = PracticeSecurityForm(
        request.POST or None, initial={"require_two_factor": practice.require_two_factor}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["require_two_factor"] == practice.require_two_factor:
            messages.info(request, _("Nothing changed."))
            return redirect("web:practice_settings")
        practice_services.practice_security_update(
            practice=practice, require_two_factor=form.cleaned_data["require_two_factor"]
        )
        record(
            request,
            AuditAction.CHANGE,
            user=request.user,
            obj=practice,
            fields=["require_two_factor"],
            detail={"require_two_factor": form.cleaned_data["require_two_factor"]},
        )
        messages.success(request, _("Security settings saved."))
        return redirect("web:practice_settings")
    return render(
        request, "accounts/practice_security.html", {"form": form}, status=422 if form.errors else 200
    )


# --- password reset ----------------------------------------------------------------------


class ResetRequestView(auth_views.PasswordResetView):
    """Answers the same whether or not the address has an account; the e-mail goes by the queue."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        form.save(request=self.request)
        # Nothing about the address typed: the trail must not reveal whether it has an account.
        record(self.request, AuditAction.PASSWORD_RESET_REQUEST, user=None)
        return redirect(self.success_url)


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        # A new password lifts a lockout of the account (from any address): the lockout must
        # never keep the real owner out once they proved they hold the mailbox.
        from axes.utils import reset

        reset(username=user.email)
        sessions.end_sessions(user=user)
        record(self.request, AuditAction.PASSWORD_RESET_DONE, user=user)
        return response


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["login_url"] = reverse("web:login")
        return context
