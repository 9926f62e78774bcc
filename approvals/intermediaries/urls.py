"""The intermediary market, mounted at /market/ (namespace `intermediaries`)."""

from django.urls import path

from . import views

app_name = "intermediaries"

urlpatterns = [
    path("", views.index, name="index"),
    path("announcements/<uuid:uuid>/", views.announcement, name="announcement"),
    path("verify/", views.verify, name="verify"),
    path("my/", views.my_needs, name="my-needs"),
    path("my/new/", views.need_new, name="need-new"),
    path("my/<uuid:uuid>/", views.my_need, name="my-need"),
    path("my/<uuid:uuid>/<slug:action>/", views.my_need_action, name="my-need-action"),
    path("results/<uuid:uuid>/", views.result_download, name="result-download"),
    path("firm/", views.firm, name="firm"),
    path("firm/do/<slug:action>/", views.firm_action, name="firm-action"),
    path("firm/opportunities/", views.opportunities, name="opportunities"),
    path("firm/opportunities/<uuid:uuid>/", views.bid, name="bid"),
    path("firm/engagements/", views.engagements, name="engagements"),
    path("firm/engagements/<uuid:uuid>/", views.engagement, name="engagement"),
    path("regulate/", views.regulate, name="regulate"),
    path("regulate/i/<int:pk>/", views.regulate_intermediary, name="regulate-intermediary"),
    path("regulate/i/<int:pk>/contact-phone/", views.regulate_contact_phone, name="regulate-contact-phone"),
    path("regulate/complaints/<int:pk>/", views.regulate_complaint, name="regulate-complaint"),
    path("qualifications/<int:pk>/scan/", views.qualification_scan, name="qualification-scan"),
]
