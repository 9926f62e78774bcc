"""The root URLconf with the notification pages, whether or not portal/urls.py includes them yet,
plus a test-only endpoint that makes a change and notifies in the same request."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.notifications.services import notify
from portal.urls import urlpatterns as root_patterns


@csrf_exempt
@require_POST
def change_and_notify(request):
    """Stands in for any service: the change and its outbox rows in one transaction."""
    with transaction.atomic():
        request.user.save(update_fields=["last_login"])  # "the change"
        notify(
            recipients=[request.user],
            kind="generic",
            context={"title": "Changed", "text": request.POST["key"]},
            key=request.POST["key"],
        )
    return HttpResponse(status=201)


urlpatterns = list(root_patterns)
if not any(getattr(p, "namespace", None) == "notifications" for p in root_patterns):
    urlpatterns.append(path("notifications/", include("portal.notifications.urls")))
urlpatterns.append(path("test-only/change-and-notify/", change_and_notify))
