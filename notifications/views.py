"""The association's outbox for its coordinators and admins: search, read, resend; and the
public unsubscribe page of non-essential e-mail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.selectors import email_opted_out
from accounts.services import email_opt_out_set
from notifications.enums import MessageState
from notifications.forms import OutboxSearchForm
from notifications.models import OutboxMessage
from notifications.selectors import COUNT_DAYS, outbox_counts, outbox_messages
from notifications.services import message_resend
from notifications.unsubscribe import address_of

PER_PAGE = 50


class OutboxMixin(AssociationRoleRequiredMixin):
    """Only the association's coordinators and admins; anyone else: 404 (the outbox names
    people and what they were told)."""

    required_permission = "notifications.view_outbox"
    hide_from_others = True

    def get_permission_denied_message(self):
        return _("Only a coordinator or an admin of this association may read its outbox.")

    def outbox_url(self) -> str:
        return reverse("notifications:outbox", kwargs={"slug": self.association.slug})


class OutboxView(OutboxMixin, TemplateView):
    """Search and filter, 50 a page, the counts of the last 7 days (3 queries)."""

    template_name = "notifications/outbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = OutboxSearchForm(self.request.GET or None)
        filters = form.filters()
        page = Paginator(
            outbox_messages(association=self.association, **filters), PER_PAGE
        ).get_page(self.request.GET.get("page"))
        counts = outbox_counts(association=self.association)
        context.update(
            association=self.association,
            filter_form=form,
            filtered=any(filters.values()),
            page_obj=page,
            rows=list(page.object_list),
            count_days=COUNT_DAYS,
            counts=[
                (state, MessageState(state).label, counts[state])
                for state in (MessageState.QUEUED, MessageState.FAILED, MessageState.SENT)
            ],
        )
        return context


class MessageMixin(OutboxMixin):
    def get_association(self):
        association = super().get_association()
        self.message = get_object_or_404(
            OutboxMessage.objects.select_related("resend_of"),
            pk=self.kwargs["pk"],
            association=association,
        )
        return association


class MessageView(MessageMixin, TemplateView):
    """One message as sent (its text part; personal links masked)."""

    template_name = "notifications/message.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association,
            message=self.message,
            outbox_url=self.outbox_url(),
            can_resend=self.message.state in (MessageState.SENT, MessageState.FAILED),
        )
        return context


class MessageResendView(MessageMixin, TemplateView):
    """GET asks for confirmation; POST queues a copy of the message (a new row)."""

    template_name = "notifications/message_resend.html"
    required_permission = "notifications.resend_message"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association, message=self.message, outbox_url=self.outbox_url()
        )
        return context

    def post(self, request, *args, **kwargs):
        copy = message_resend(message=self.message, by=request.user)
        messages.success(
            request,
            _("The e-mail to %(recipient)s is queued again.") % {"recipient": copy.recipient},
        )
        return HttpResponseRedirect(
            reverse(
                "notifications:outbox.message",
                kwargs={"slug": self.association.slug, "pk": copy.pk},
            )
        )


# --- unsubscribe from non-essential e-mail (public: the signed link is the credential) ------------


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The link at the end of a non-essential e-mail, opened without logging in. GET: what the
    person will stop receiving, and one button; POST (that button, or the mail client's
    one-click of RFC 8058, which sends no cookie and so no CSRF token): recorded, confirmed,
    with a button to receive them again. CSRF-exempt: the signed address in the link is the
    credential, and unsubscribing is all a forged POST could do. A forged or altered link: 404."""

    template_name = "notifications/unsubscribe.html"

    def dispatch(self, request, *args, **kwargs):
        self.address = address_of(kwargs["token"])
        if self.address is None:
            response = render(request, "notifications/unsubscribe_invalid.html", status=404)
        else:
            response = super().dispatch(request, *args, **kwargs)
        # The address holds the token: keep the page out of shared and browser caches.
        add_never_cache_headers(response)
        return response

    def page(self, request, *, just_changed: bool = False):
        return render(
            request,
            self.template_name,
            {
                "address": self.address,
                "token": self.kwargs["token"],
                "opted_out": email_opted_out(email=self.address),
                "just_changed": just_changed,
            },
        )

    def get(self, request, token: str):
        return self.page(request)

    def post(self, request, token: str):
        email_opt_out_set(email=self.address, opted_out=True)
        return self.page(request, just_changed=True)


class ResubscribeView(View):
    """Receive non-essential e-mail again, from the unsubscribe page (POST only, with the
    page's CSRF token)."""

    http_method_names = ["post"]

    def post(self, request, token: str):
        address = address_of(token)
        if address is None:
            response = render(request, "notifications/unsubscribe_invalid.html", status=404)
        else:
            email_opt_out_set(email=address, opted_out=False)
            response = render(
                request,
                UnsubscribeView.template_name,
                {"address": address, "token": token, "opted_out": False, "just_changed": True},
            )
        add_never_cache_headers(response)
        return response
