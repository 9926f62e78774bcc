"""Performance and payment pages (filled in by the app)."""

app_name = "performance"
urlpatterns: list = []
