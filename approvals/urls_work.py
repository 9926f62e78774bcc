"""Officials' pages: the window clerk's queue, the reviewers' inbox, the lead's consolidation.

Included from portal/urls.py at "work/" (namespace "work").
"""

app_name = "work"
urlpatterns = []
