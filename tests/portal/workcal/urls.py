"""The root URLconf plus the calendar's pages, whether or not portal/urls.py includes them yet."""

from django.urls import include, path

from portal.urls import urlpatterns as root_patterns

urlpatterns = list(root_patterns)
if not any(getattr(p, "namespace", None) == "workcal" for p in urlpatterns):
    urlpatterns.append(path("calendar/", include("portal.workcal.urls")))
