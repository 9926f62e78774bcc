"""Applicant pages: start, fill and submit an application, follow it, answer the authority.

Included from portal/urls.py at "apply/" (namespace "apply").
"""

from django.urls import path

from approvals import views_apply as views
from approvals import views_assist

app_name = "apply"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("agents/", views_assist.agents, name="agents"),
    path("agents/<uuid:uuid>/revoke/", views_assist.agent_revoke, name="agent-revoke"),
    path("clients/", views_assist.clients, name="clients"),
    path("a/<uuid:uuid>/area/", views_assist.area, name="area"),
    path("track/", views.track, name="track"),
    path("a/<uuid:uuid>/", views.detail, name="detail"),
    path("a/<uuid:uuid>/edit/", views.edit, name="edit"),
    path("a/<uuid:uuid>/materials/", views.materials, name="materials"),
    path("a/<uuid:uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("a/<uuid:uuid>/supply/", views.supply, name="supply"),
    path("a/<uuid:uuid>/files/<int:pk>/", views.download, name="download"),
    path("<str:kind>/<slug:code>/", views.start, name="start"),
]
