from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search", views.search, name="search"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/add/", views.add_organisation, name="add"),
    path("<int:pk>/edit/", views.edit_unit, name="edit"),
    path("<int:pk>/move/", views.move_unit, name="move"),
    path("<int:pk>/merge/", views.merge_unit, name="merge"),
    path("<int:pk>/deactivate/", views.deactivate_unit, name="deactivate"),
]
