from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from accounts.senders import sender_address


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        """The sender's name in the language the e-mail is written in (the reader's)."""
        return sender_address()

    def get_login_redirect_url(self, request):
        return reverse("accounts:dashboard")
