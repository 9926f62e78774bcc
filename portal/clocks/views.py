"""The deadlines a person is responsible for, with their signals and ledgers."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def my_deadlines(request):
    show_finished = request.GET.get("finished") == "1"
    clocks = selectors.clocks_owned_by(user=request.user, finished=show_finished)
    return render(request, "clocks/my_deadlines.html", {"clocks": clocks, "show_finished": show_finished})
