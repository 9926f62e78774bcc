"""Pages of the city overview. Thin: the registry asks each app's provider for its section, scoped
to the viewer (an official) or public (everyone else); these views only lay the sections out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from . import conf, registry


def _payload(sections) -> dict:
    return {
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "refresh_seconds": conf.OVERVIEW_REFRESH_SECONDS,
        "sections": [s.as_dict() for s in sections],
    }


def _context(request, viewer, **extra) -> dict:
    sections = registry.sections(viewer)
    return {
        "sections": sections,
        "payload": _payload(sections),
        "now": timezone.localtime(),
        "refresh_seconds": conf.OVERVIEW_REFRESH_SECONDS,
        **extra,
    }


@login_required
@never_cache
def index(request):
    """The leaders' dashboard: every section the official may see, scoped to them."""
    viewer = registry.viewer_for(request.user)
    if viewer is None:
        return redirect("overview:public")
    return render(request, "overview/index.html", _context(request, viewer, public=False))


@login_required
@never_cache
def screen(request):
    """Large-screen mode for a control-room display; refetches data.json every few seconds."""
    viewer = registry.viewer_for(request.user)
    if viewer is None:
        return redirect("overview:public")
    try:
        seconds = int(request.GET.get("refresh") or conf.OVERVIEW_REFRESH_SECONDS)
    except ValueError:
        seconds = conf.OVERVIEW_REFRESH_SECONDS
    seconds = min(max(seconds, 2), 3600)
    return render(
        request, "overview/screen.html", _context(request, viewer, public=False, refresh_seconds=seconds)
    )


@never_cache
def public(request):
    """The public version: only figures already public elsewhere in the portal."""
    return render(request, "overview/public.html", _context(request, None, public=True))


@login_required
@never_cache
def data(request):
    """The viewer's sections as JSON (the screen mode's refresh); non-officials get the public ones."""
    return JsonResponse(_payload(registry.sections(registry.viewer_for(request.user))))


@never_cache
def public_data(request):
    return JsonResponse(_payload(registry.sections(None)))
