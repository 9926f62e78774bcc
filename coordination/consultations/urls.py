from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.public_list, name="list"),
    path("statistics/", views.statistics, name="statistics"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/<str:number>/", views.manage_detail, name="manage_detail"),
    path("manage/<str:number>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/<str:number>/schedule/", views.manage_schedule, name="manage_schedule"),
    path("manage/<str:number>/withdraw/", views.manage_withdraw, name="manage_withdraw"),
    path("manage/<str:number>/documents/", views.manage_document, name="manage_document"),
    path("manage/<str:number>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/<str:number>/comments/<int:pk>/answer/", views.manage_answer, name="manage_answer"),
    path("manage/<str:number>/comments/<int:pk>/hide/", views.manage_hide, name="manage_hide"),
    path("comments/<int:pk>/withdraw/", views.comment_withdraw, name="comment_withdraw"),
    path("comments/<int:pk>/attachment/", views.attachment_download, name="attachment"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/comment/", views.comment, name="comment"),
    path("<str:number>/documents/<int:pk>/", views.document_download, name="document"),
]
