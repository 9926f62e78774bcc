"""URLs (filled in by the app)."""

app_name = "results"
urlpatterns: list = []
