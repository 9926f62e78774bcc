"""Applicant pages: start, fill and submit an application, follow it, answer the authority.

Included from portal/urls.py at "apply/" (namespace "apply").
"""

app_name = "apply"
urlpatterns = []
