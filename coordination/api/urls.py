from rest_framework.routers import DefaultRouter

from coordination.api.views import LeadingGroupViewSet, OrgUnitViewSet

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("leading-groups", LeadingGroupViewSet, basename="leading-group")

urlpatterns = router.urls
