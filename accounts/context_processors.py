from accounts import access


def access_context(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "can": {perm.value: access.has_perm(user, perm) for perm in access.Perm},
    }
