from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("export.csv", views.person_export, name="export"),
    path("new/", views.person_new, name="new"),
    path("<int:pk>/", views.person_page, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/move/", views.person_move, name="move"),
    path("<int:pk>/memberships/new/", views.membership_add, name="membership_add"),
    path("<int:pk>/memberships/<int:membership_pk>/end/", views.membership_end, name="membership_end"),
]
