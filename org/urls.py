from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
]
