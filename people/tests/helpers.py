"""Helpers shared by the people tests."""

from __future__ import annotations

import datetime as dt
import json

from accounts.models import ApiToken
from people.actions import create_person


def add_people(unit, names, **fields):
    """Create one person per name in ``unit`` (bulk data for list and ordering tests)."""
    return [create_person(full_name=name, unit=unit, **fields) for name in names]


def many_names(count: int) -> list[str]:
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    givens = ["An", "Bình", "Chi", "Dũng", "Đào", "Giang", "Hà", "Khánh", "Lan", "Minh", "Ngọc", "Phúc"]
    return [f"{families[i % len(families)]} Văn {givens[i % len(givens)]}" for i in range(count)]


class ApiMixin:
    """Calls the JSON API with a bearer token, as a real client would."""

    def token_for(self, user) -> str:
        raw = ApiToken.generate()
        ApiToken.objects.create(user=user, name="test", prefix=raw[:8], digest=ApiToken.hash(raw))
        return raw

    def api(self, method: str, path: str, user=None, *, token: str | None = None, data=None, **params):
        token = token or self.token_for(user)
        headers = {"Authorization": f"Bearer {token}"}
        url = "/api/v1/people" + path
        if method == "get":
            return self.client.get(url, params, headers=headers)
        return getattr(self.client, method)(
            url, json.dumps(data, default=_json), content_type="application/json", headers=headers
        )


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)
