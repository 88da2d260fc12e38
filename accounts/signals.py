"""Presentation only: no business rule lives here."""

from django.utils import translation


def activate_preferred_language(sender, request, user, **kwargs):
    """Speak the user's language from the moment they log in (the log-in message included)."""
    if user.preferred_language:
        translation.activate(user.preferred_language)
        request.LANGUAGE_CODE = user.preferred_language
