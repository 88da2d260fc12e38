"""allauth's account adapter: where a person lands after logging in, how wrong passwords are
limited (``accounts.login_limits``: a growing wait per account and address, never a lock of
the account), and allauth's own e-mails (a password reset, an address to confirm, a log-in
code, "your password was changed"), which leave through the portal's one e-mail door like
every other: rendered by allauth in the reader's language, written to the outbox
(``accounts.emails.message_on_commit``), sent once the transaction commits, retried when the
mail server fails, and readable by the association's staff on the outbox page with the
personal link or code masked."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext

from accounts import emails as door
from accounts import login_limits
from accounts.senders import reply_address, sender_address, user_association

# The values of allauth's e-mails that open someone's account (a reset or confirmation link, a
# key, a code): masked where staff read the outbox. Links first: they contain the key.
SECRET_VALUES = ("password_reset_url", "activate_url", "key", "code")
# ... except in these e-mails, where the value is a public page (the reset request form).
PUBLIC_VALUES = {"account/email/account_already_exists": ("password_reset_url",)}

# The page an e-mail concerns (the outbox row's link), never the personal link itself.
CONCERNS_PAGE = {
    "account/email/password_reset_key": "account_reset_password",
    "account/email/password_reset_code": "account_reset_password",
    "account/email/password_reset": "account_login",
    "account/email/account_already_exists": "account_reset_password",
    "account/email/unknown_account": "account_signup",
    "account/email/email_confirmation": "account_email",
    "account/email/email_confirmation_signup": "account_email",
    "account/email/email_confirm": "account_email",
    "account/email/email_changed": "account_email",
    "account/email/email_deleted": "account_email",
    "account/email/password_changed": "account_change_password",
    "account/email/password_set": "account_change_password",
    "account/email/login_code": "account_login",
}


def message_key(template_prefix: str) -> str:
    """The outbox key of an allauth e-mail: "account/email/password_reset_key" is
    "allauth.account.password_reset_key"."""
    return ("allauth." + template_prefix.replace("/email/", ".").replace("/", "."))[:60]


def concerns_url(template_prefix: str) -> str:
    name = CONCERNS_PAGE.get(template_prefix)
    if name is None:
        name = "mfa_index" if template_prefix.startswith("mfa/") else "account_login"
    try:
        return settings.SITE_URL.rstrip("/") + reverse(name)
    except NoReverseMatch:
        return settings.SITE_URL.rstrip("/") + reverse("account_login")


def text_masked(*, template_prefix: str, text: str, context: dict) -> str:
    """``text`` with the values that open the account replaced, in the active language."""
    public = PUBLIC_VALUES.get(template_prefix, ())
    for name in SECRET_VALUES:
        value = str(context.get(name) or "")
        if name in public or not value:
            continue
        hidden = gettext("[personal link, hidden]") if "://" in value else gettext("[hidden]")
        text = text.replace(value, hidden)
    return text


def message_parts(message) -> tuple[str, str]:
    """(text, HTML) of the message allauth rendered: its text body and its HTML alternative
    (allauth renders one when a template ``…_message.html`` exists), or, for an HTML-only
    message, the HTML's text and the HTML itself."""
    if message.content_subtype == "html":
        return strip_tags(message.body).strip() + "\n", message.body
    html = next(
        (body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), ""
    )
    return message.body.strip() + "\n", html


def account_of(*, email: str, context: dict):
    """The account an allauth e-mail is for: the one in its context, else the one that owns
    the address (None for an address nobody has: "unknown account")."""
    from allauth.account.models import EmailAddress

    from accounts.models import User

    user = context.get("user")
    if isinstance(user, User) and user.pk is not None:
        return user
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).first()


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        """The sender's name in the language the e-mail is written in (the reader's)."""
        return sender_address()

    def get_login_redirect_url(self, request):
        return reverse("accounts:dashboard")

    def pre_authenticate(self, request, **credentials) -> None:
        """Instead of allauth's lock (which refuses even the right password): take this try's
        place in ``accounts.login_limits``' counts, or refuse it with how long to wait."""
        login = credentials.get("email") or credentials.get("username") or ""
        self._login_attempt = login_limits.begin(request, login)

    def authenticate(self, request, **credentials):
        """allauth's check of the password, then the limits learn how it went."""
        self._login_attempt = None
        user = super().authenticate(request, **credentials)
        attempt = self._login_attempt
        if attempt is not None:
            if user is not None:
                login_limits.succeeded(attempt)
            else:
                login_limits.failed(attempt)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's e-mail in the reader's language (their preferred one; the page's
        for an address without an account) and write it to the outbox, from their association
        when they have one (``user_association``), with the personal link masked for staff."""
        request = allauth_context.request
        user = account_of(email=email, context=context)
        language = (
            (user.preferred_language if user is not None and user.preferred_language else "")
            or translation.get_language()
            or settings.LANGUAGE_CODE
        )
        association = user_association(user)
        values = {"request": request, "email": email, "current_site": get_current_site(request)}
        values.update(context)
        with translation.override(language):
            rendered = self.render_mail(template_prefix, email, values)
            sender = sender_address(association=association)
            text, html = message_parts(rendered)
            shown = text_masked(template_prefix=template_prefix, text=text, context=values)
        door.message_on_commit(
            association=association,
            to=email,
            subject=rendered.subject,
            text=text,
            html=html,
            sender=sender,
            reply_to=reply_address(
                association=association,
                default=association.contact_email if association is not None else "",
            ),
            key=message_key(template_prefix),
            language=language,
            recipient_user=user,
            url=concerns_url(template_prefix),
            text_shown=shown,
        )
