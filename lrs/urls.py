from django.urls import path

from lrs import pages, views

app_name = "lrs"
urlpatterns = [
    # xAPI resources (the LRS endpoint is /xapi/)
    path("statements", views.statements, name="statements"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("activities", views.activities, name="activities"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("agents", views.agents, name="agents"),
    path("about", views.about, name="about"),
    path("token", views.token, name="token"),
    # Administration pages
    path("manage/", pages.statement_list, name="statement_list"),
    path("manage/export.jsonl", pages.export, name="export"),
    path("manage/people/<int:person_id>/", pages.timeline, name="timeline"),
    path("manage/clients/", pages.client_list, name="client_list"),
    path("manage/clients/new", pages.client_create, name="client_create"),
    path("manage/clients/<int:pk>/", pages.client_detail, name="client_detail"),
]
