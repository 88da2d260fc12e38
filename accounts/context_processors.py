from accounts.selectors import user_role_grants


def portal(request):
    """Navigation data: the staff dashboards the signed-in user can open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def grants():
        return list(user_role_grants(user=user))

    return {"nav_role_grants": grants}
