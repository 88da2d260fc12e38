"""The association's outbox for its coordinators and admins: search, read, resend."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.permissions import AssociationRoleRequiredMixin
from notifications.enums import MessageState
from notifications.forms import OutboxSearchForm
from notifications.models import OutboxMessage
from notifications.selectors import COUNT_DAYS, outbox_counts, outbox_messages
from notifications.services import message_resend

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
