"""The association's outbox for its coordinators and admins: search, read, resend; and the
public unsubscribe page of non-essential e-mail."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.selectors import email_opted_out
from accounts.services import email_opt_out_set
from notifications.enums import MessageState
from notifications.forms import OutboxSearchForm, ReminderScheduleForm
from notifications.models import OutboxMessage
from notifications.reminders import reminders_sent_counts, schedules, schedules_save
from notifications.selectors import (
    COUNT_DAYS,
    outbox_counts,
    outbox_daily_counts,
    outbox_messages,
)
from notifications.services import message_resend
from notifications.tasks import reminders_scan as reminders_scan_task
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
            daily_counts=outbox_daily_counts(association=self.association),
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


# --- the association's reminders ----------------------------------------------------------------


class RemindersMixin(AssociationRoleRequiredMixin):
    """The association's coordinators and admins; anyone else: 403."""

    required_permission = "notifications.set_reminders"

    def get_permission_denied_message(self):
        return _("Only a coordinator or an admin of this association may set its reminders.")

    def reminders_url(self) -> str:
        return reverse("notifications:reminders", kwargs={"slug": self.association.slug})


class RemindersView(RemindersMixin, FormView):
    """Every kind of reminder: to whom, its day counts (editable), on or off (not for the
    essential ones), how many went out in the last 30 days; and the scan run now."""

    template_name = "notifications/reminders.html"
    form_class = ReminderScheduleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "schedules": schedules(self.association)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sent = reminders_sent_counts(association=self.association)
        context.update(
            association=self.association,
            rows=[
                (schedule, days, active, sent.get(schedule.kind.kind, 0))
                for schedule, days, active in context["form"].rows()
            ],
            outbox_url=self.outbox_url(),
            catch_up_days=settings.REMINDER_CATCH_UP_DAYS,
        )
        return context

    def outbox_url(self) -> str:
        return reverse("notifications:outbox", kwargs={"slug": self.association.slug})

    def form_valid(self, form):
        changed = schedules_save(
            association=self.association, values=form.values(), by=self.request.user
        )
        if changed:
            messages.success(self.request, _("The reminders are saved."))
        else:
            messages.info(self.request, _("Nothing changed."))
        return HttpResponseRedirect(self.reminders_url())


class RemindersScanView(RemindersMixin, TemplateView):
    """GET asks for confirmation; POST sends the association's reminders due today now (the
    hourly scan would send them within the hour; each is sent once either way)."""

    template_name = "notifications/reminders_scan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(association=self.association, reminders_url=self.reminders_url())
        return context

    def post(self, request, *args, **kwargs):
        result = reminders_scan_task.delay([self.association.pk])
        if result.ready():  # run inline (the demo)
            count = sum(result.get().values())
            messages.success(
                request,
                ngettext(
                    "%(count)s reminder was due and is sent.",
                    "%(count)s reminders were due and are sent.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.success(
                request,
                _("The reminders due are being sent. The outbox shows them as they go out."),
            )
        return HttpResponseRedirect(self.reminders_url())


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
