"""Officials' pages: the window clerk's queue, the reviewers' inbox, the lead's consolidation.

Included from portal/urls.py at "work/" (namespace "work").
"""

from django.urls import path

from approvals import views_assist
from approvals import views_work as views

app_name = "work"
urlpatterns = [
    path("", views.work_home, name="home"),
    path("intake/", views.intake, name="intake"),
    path("inbox/", views.inbox, name="inbox"),
    path("extensions/", views.extensions, name="extensions"),
    path("lead/", views.lead, name="lead"),
    path("verifications/", views_assist.verifications, name="verifications"),
    path("verifications/<int:pk>/", views_assist.verification, name="verification"),
    path("applications/<uuid:uuid>/", views.application_detail, name="application"),
    path("applications/<uuid:uuid>/correction/", views.application_correction, name="application-correction"),
    path("applications/<uuid:uuid>/not-accept/", views.application_not_accept, name="application-not-accept"),
    path("applications/<uuid:uuid>/accept/", views.application_accept, name="application-accept"),
    path("applications/<uuid:uuid>/supplement/", views.application_supplement, name="application-supplement"),
    path("applications/<uuid:uuid>/decide/", views.application_decide, name="application-decide"),
    path("applications/<uuid:uuid>/meetings/", views.application_meeting, name="application-meeting"),
    path("applications/<uuid:uuid>/form/<slug:key>/", views.application_form_value, name="form-value"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task-claim"),
    path("tasks/<int:pk>/suspend/", views.task_suspend, name="task-suspend"),
    path("tasks/<int:pk>/resume/", views.task_resume, name="task-resume"),
    path("tasks/<int:pk>/extension/", views.task_extension, name="task-extension"),
    path("tasks/<int:pk>/extension-decision/", views.task_extension_decide, name="task-extension-decide"),
    path("tasks/<int:pk>/decide/", views.task_decide, name="task-decide"),
]
