"""The officials' calendar page: a year at a glance. Any logged-in user may view it."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from portal.workcal import selectors

# The month grids show the days of neighbouring months, so the first and last representable
# years cannot be shown.
FIRST_YEAR = date.min.year + 1
LAST_YEAR = date.max.year - 1


@login_required
def year_view(request, year: int | None = None):
    if year is None:
        year = timezone.localdate().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    context = selectors.calendar_year_page(user=request.user, year=year)
    context["previous_year"] = year - 1 if year > FIRST_YEAR else None
    context["next_year"] = year + 1 if year < LAST_YEAR else None
    context["today"] = timezone.localdate()
    return render(request, "workcal/year.html", context)
