"""Approvals API (applicants and officials). Included from portal/urls.py at "api/approvals/"."""

from rest_framework.routers import SimpleRouter

from approvals.api.views import (
    UUID_REGEX,
    ApplicantApplicationViewSet,
    ApplicationMaterialViewSet,
    IntakeViewSet,
    LeadViewSet,
    TaskViewSet,
)

router = SimpleRouter()
router.register("applications", ApplicantApplicationViewSet, basename="approvals-application")
router.register(
    rf"applications/(?P<application_uuid>{UUID_REGEX})/materials",
    ApplicationMaterialViewSet,
    basename="approvals-application-material",
)
router.register("tasks", TaskViewSet, basename="approvals-task")
router.register("intake", IntakeViewSet, basename="approvals-intake")
router.register("lead", LeadViewSet, basename="approvals-lead")

urlpatterns = router.urls
