"""The deadlines a person is responsible for, with their signals and ledgers."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import selectors


@login_required
def my_deadlines(request):
    show_finished = request.GET.get("finished") == "1"
    clocks = selectors.clocks_owned_by(user=request.user, finished=show_finished)
    return render(request, "clocks/my_deadlines.html", {"clocks": clocks, "show_finished": show_finished})


@login_required
def digest(request, token):
    """Every change one deadline digest of the user's listed (the message lists the first few)."""
    items = selectors.digest_items(user=request.user, token=token)
    if not items:
        raise Http404
    return render(request, "clocks/digest.html", {"lines": items, "sent_at": items[0]["sent_at"]})
