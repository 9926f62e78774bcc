"""Notification pages: the list, marking read, the navbar badge, channel preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.errors import DomainError
from portal.notifications import selectors, services
from portal.notifications.forms import ChannelPreferencesForm
from portal.notifications.models import Channel

PAGE_SIZE = 20


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(user=request.user)},
    )


@never_cache
@require_GET
def unread_badge(request):
    """The navbar bell's badge (htmx, every 60 s). Nothing for a session that has ended."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(user=request.user)})


@login_required
@require_POST
def mark_read(request, pk):
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect(_next_url(request, "notifications:list"))


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count},
    )
    return redirect(_next_url(request, "notifications:list"))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.channel_preferences(user=request.user)
    form = ChannelPreferencesForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={Channel.EMAIL: current[Channel.EMAIL], Channel.SMS: current[Channel.SMS]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_preferences_update(
                actor=request.user, user=request.user, enabled=form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
