"""Presentation only: no business rule lives here."""

from django.utils import translation


def activate_preferred_language(sender, request, user, **kwargs):
    """Speak the user's language from the moment they log in (the log-in message included)."""
    if user.preferred_language:
        translation.activate(user.preferred_language)
        request.LANGUAGE_CODE = user.preferred_language


def forget_totp_mark(sender, request, user, **kwargs):
    """An authenticator was removed: the MFA middleware must look again."""
    from accounts.middleware import SESSION_HAS_TOTP

    if request is not None:
        request.session.pop(SESSION_HAS_TOTP, None)


def remember_totp(sender, request, user, **kwargs):
    """At log-in, note whether the user has an authenticator app, so the MFA middleware does not
    look it up on every request."""
    from accounts.middleware import SESSION_HAS_TOTP, user_has_totp

    if request is not None and hasattr(request, "session") and user_has_totp(user):
        request.session[SESSION_HAS_TOTP] = True
