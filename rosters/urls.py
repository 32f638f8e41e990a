from django.urls import path

from rosters import views

app_name = "rosters"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/preview/", views.import_preview, name="preview"),
    path("<int:pk>/commit/", views.import_commit, name="commit"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/status/", views.import_status, name="status"),
]
