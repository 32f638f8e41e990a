from django.urls import path

from lrs import views

app_name = "lrs"
urlpatterns = [
    path("about", views.about, name="about"),
]
