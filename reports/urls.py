from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/record.<str:fmt>", views.person_export, name="person_export"),
    path("files/<int:pk>/", views.stored_download, name="stored"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/report.<str:fmt>", views.export, name="export"),
    path("<slug:slug>/evaluation.xlsx", views.evaluation, name="evaluation"),
    path("<slug:slug>/schedules/", views.schedules, name="schedules"),
    path("<slug:slug>/schedules/<int:pk>/cancel/", views.schedule_cancel, name="schedule_cancel"),
]
