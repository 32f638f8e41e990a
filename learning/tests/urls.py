"""The project's URLs plus the public certificate check, mounted as the lead will mount it."""

from django.urls import re_path

from hocvuso.urls import urlpatterns as project_urlpatterns
from learning import views

urlpatterns = [
    *project_urlpatterns,
    re_path(r"^verify/(?P<code>[^/]*)$", views.verify_certificate, name="verify_certificate"),
]
