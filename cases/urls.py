from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("clienten/<int:pk>/", views.client_detail, name="client_detail"),
    path("zaken/<int:pk>/", views.case_detail, name="case_detail"),
    path("zaken/<int:pk>/notities/", views.note_add, name="note_add"),
    path("zaken/<int:pk>/afsluiten/", views.case_close, name="case_close"),
    path("zaken/<int:pk>/gesprekken/nieuw/", views.meeting_plan, name="meeting_plan"),
    path("zaken/<int:pk>/klacht/", views.complaint_advance, name="complaint_advance"),
    path("zaken/<int:pk>/toewijzen/", views.assignment_add, name="assignment_add"),
    path("gesprekken/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "gesprekken/<int:pk>/aanwezigen/", views.attendance_add, name="attendance_add"
    ),
    path(
        "aanwezigheid/<int:pk>/weigeren/",
        views.attendance_refuse,
        name="attendance_refuse",
    ),
    path("aanvragen/<int:pk>/", views.application_detail, name="application_detail"),
]
