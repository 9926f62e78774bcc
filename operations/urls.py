"""PPP pages (filled in by the app)."""

app_name = "operations"
urlpatterns: list = []
