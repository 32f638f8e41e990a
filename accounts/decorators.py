from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts import access


def perm_required(perm: access.Perm):
    """Sign-in required, then 403 for users whose roles never carry ``perm``.

    This guards whole pages; objects outside the user's scope are still
    answered with 404 by the ``accounts.access`` lookups inside the view.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not access.has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
