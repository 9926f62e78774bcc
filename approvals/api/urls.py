"""Approvals API (applicants and officials). Included from portal/urls.py at "api/approvals/"."""

urlpatterns = []
