"""URLs (filled in by the app)."""

app_name = "results_verify"
urlpatterns: list = []
