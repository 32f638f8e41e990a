from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from hocvuso import views
from hocvuso.api import api
from learning import views as learning_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("units/", include("org.urls")),
    path("people/", include("people.urls")),
    path("imports/", include("rosters.urls")),
    path("audit/", include("audit.urls")),
    path("api/v1/", api.urls),
    path("xapi/", include("lrs.urls")),
    path("learn/", include("learning.urls")),
    re_path(r"^verify/(?P<code>[^/]*)$", learning_views.verify_certificate, name="verify_certificate"),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("reports.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
