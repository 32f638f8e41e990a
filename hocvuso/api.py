"""The JSON API at /api/v1/. Each app contributes a ninja Router from its api.py."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer

from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        try:
            row = ApiToken.objects.select_related("user").get(digest=ApiToken.hash(token))
        except ApiToken.DoesNotExist:
            return None
        if not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            row.last_used_at = now
            row.save(update_fields=["last_used_at"])
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="hocvuso API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
)


def _register_routers():
    from org.api import router as org_router
    from people.api import router as people_router
    from rosters.api import router as rosters_router

    api.add_router("/", org_router)
    api.add_router("/people", people_router)
    api.add_router("/imports", rosters_router)


_register_routers()
