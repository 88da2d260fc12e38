from accounts.selectors import user_role_grants


def portal(request):
    """Navigation data: the staff dashboards the signed-in user can open. A page being rendered
    for the cache (``accounts.public_pages``, ``accounts.signed_in_pages``) gets marks for the
    values that differ on every answer (its CSRF token, the CSP nonce), replaced by each
    visitor's own when it is served."""
    if getattr(request, "cached_page_marks", False):
        from accounts.public_pages import per_request_marks

        values = per_request_marks()
    else:
        # The Content-Security-Policy's nonce of this answer, for inline <style> and <script>.
        values = {"csp_nonce": getattr(request, "csp_nonce", "")}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return values

    def grants():
        return list(user_role_grants(user=user))

    return {"nav_role_grants": grants, **values}
