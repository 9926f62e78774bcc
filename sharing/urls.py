"""Officials' data-sharing pages (filled in by the app)."""

app_name = "sharing"
urlpatterns: list = []
