"""URLs (filled in by the app)."""

app_name = "supervision"
urlpatterns: list = []
