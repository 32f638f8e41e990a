from accounts import access


def access_context(request):
    # No user on pages rendered before AuthenticationMiddleware ran, e.g. the
    # 400 page for a request with a bad Host header.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can": {perm.value: access.has_perm(user, perm) for perm in access.Perm},
    }
