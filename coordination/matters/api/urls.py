from rest_framework.routers import SimpleRouter

from .api.views import MatterViewSet

router = SimpleRouter()
router.register("matters", MatterViewSet, basename="matter-api")

app_name = "matters"

urlpatterns = router.urls
