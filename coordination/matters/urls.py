from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views
from .api.views import MatterViewSet

router = SimpleRouter()
router.register("matters", MatterViewSet, basename="api-matter")

app_name = "matters"

urlpatterns = [
    path("", views.matter_list, name="list"),
    path("new/", views.matter_create, name="create"),
    path("<int:pk>/", views.matter_detail, name="detail"),
    path("<int:pk>/edit/", views.matter_edit, name="edit"),
    path("<int:pk>/report/", views.matter_report, name="report"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("<int:pk>/rate/", views.matter_rate, name="rate"),
    path("<int:pk>/<slug:action>/", views.matter_transition, name="transition"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/<slug:action>/", views.meeting_action, name="meeting-action"),
    path("api/", include(router.urls)),
]
