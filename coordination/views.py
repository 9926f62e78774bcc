"""HTML pages of the organisation chart for officials. Thin: selectors read, templates show."""

import re
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from coordination import selectors
from coordination.permissions import can_edit_chart, can_view_chart

# C0 and C1 control characters, DEL included. PostgreSQL refuses NUL in a query parameter, and
# none of them belongs in a search.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def strip_control_chars(text: str) -> str:
    return _CONTROL_CHARS.sub("", text)


def officials_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_chart(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@officials_only
def org_tree(request):
    text = strip_control_chars(request.GET.get("q", "")).strip()[:100]
    roots = selectors.org_tree(user=request.user, text=text)
    return render(
        request,
        "coordination/org_tree.html",
        {
            "roots": roots,
            "q": text,
            "can_edit": can_edit_chart(request.user),
            "match_count": selectors.org_unit_list(user=request.user, filters={"q": text}).count()
            if text
            else None,
        },
    )


@officials_only
def org_unit_detail(request, code):
    context = selectors.org_unit_detail(user=request.user, code=code)
    context["can_edit"] = can_edit_chart(request.user)
    context["history"] = selectors.org_unit_history(user=request.user, unit=context["unit"])
    return render(request, "coordination/org_unit_detail.html", context)


@officials_only
def line_level_matrix(request):
    levels, rows = selectors.line_level_matrix(user=request.user)
    return render(request, "coordination/matrix.html", {"levels": levels, "rows": rows})


@officials_only
def leading_group_list(request):
    groups = selectors.leading_groups(user=request.user).prefetch_related("group_members")
    return render(request, "coordination/leading_group_list.html", {"groups": groups})


@officials_only
def leading_group_detail(request, code):
    return render(
        request,
        "coordination/leading_group_detail.html",
        selectors.leading_group_detail(user=request.user, code=code),
    )
