"""The data-exchange API (filled in by the app)."""

app_name = "sharing-api"
urlpatterns: list = []
