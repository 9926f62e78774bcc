"""Electronic supervision, mounted at /supervision/."""

from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clocks/<int:pk>/", views.clock_ledger, name="clock"),
    path("issue/", views.notice_issue, name="issue"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/respond/", views.notice_respond, name="notice-respond"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice-close"),
    path("stats/", views.statistics, name="stats"),
    path("stats.xlsx", views.statistics_xlsx, name="stats-xlsx"),
    path("public/", views.public, name="public"),
]
