"""Two-factor pages (enrol, verify, settings) and the lock-out answer of the login page."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from portal.audit.services import audit_record
from portal.pii_reveal import reveal_response

from . import services
from .forms import TokenForm
from .rules import has_confirmed_device, two_factor_required
from .signals import SESSION_PENDING


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lock-out message, 429 and Retry-After (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "lockout_minutes": max(1, seconds // 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@never_cache
@login_required
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code, confirm with a code; backup codes are shown once."""
    user = request.user
    if has_confirmed_device(user) and not user.is_verified():
        # Replacing a device needs the old one first: a password alone must not get past 2FA.
        return redirect("security:verify")
    device = services.totp_pending_device(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_confirm(
            user=user, device_id=device.pk, token=form.cleaned_data["otp_token"]
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session.pop(SESSION_PENDING, None)
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "security/backup_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("otp_token", _("That code is not right. Check the time on your phone and try again."))
    return render(
        request,
        "security/enrol.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": services.totp_secret_base32(device),
            "required": two_factor_required(user),
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step after the password: a code from the authenticator or a backup code."""
    user = request.user
    if not has_confirmed_device(user):
        return redirect("security:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"])
        with transaction.atomic():
            audit_record(
                actor=user,
                action="auth.otp_verified" if device else "auth.otp_failed",
                obj=user,
                after={"device": device.name} if device else None,
            )
        if device is not None:
            otp_login(request, device)
            request.session.pop(SESSION_PENDING, None)
            return redirect(_next_url(request))
        form.add_error("otp_token", _("That code is not right, or it was used already. Please try again."))
    return render(request, "security/verify.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_settings(request):
    """Status; new backup codes; switch 2FA off (only for users who need not use it)."""
    user = request.user
    enrolled = has_confirmed_device(user)
    required = two_factor_required(user)
    if request.method == "POST" and enrolled and user.is_verified():
        if request.POST.get("action") == "backup":
            codes = services.two_factor_backup_codes_renew(user=user)
            return render(request, "security/backup_codes.html", {"codes": codes, "next": ""})
        if request.POST.get("action") == "disable" and not required:
            services.two_factor_reset(actor=user, user=user)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("security:settings")
    return render(request, "security/settings.html", {"enrolled": enrolled, "required": required})


# Own personal data, shown masked on the settings page; the whole value on request (audited).
OWN_PERSONAL_DATA = ("phone", "id_number")


@login_required
@require_POST
def personal_data_show(request, field):
    if field not in OWN_PERSONAL_DATA:
        raise Http404
    return reveal_response(
        request,
        obj=request.user,
        field=field,
        purpose="own account",
        back_url=resolve_url("security:settings"),
    )
