"""The outbox's link on the coordinator's and the association admin's dashboards (no query), and
the colours of its states."""

from django.urls import reverse

from accounts import dashboards, ui
from accounts.enums import Role
from notifications.enums import MessageState


def outbox_section(request, association, context):
    return dashboards.Section(
        template="notifications/_dashboard_outbox.html",
        data={
            "outbox_url": reverse("notifications:outbox", kwargs={"slug": association.slug}),
            "reminders_url": reverse("notifications:reminders", kwargs={"slug": association.slug}),
        },
    )


dashboards.register_section(Role.COORDINATOR)(outbox_section)
dashboards.register_section(Role.ASSOCIATION_ADMIN)(outbox_section)

ui.register_status_families(
    {
        f"outbox_{MessageState.QUEUED}": ui.PROGRESS,
        f"outbox_{MessageState.SENDING}": ui.PROGRESS,
        f"outbox_{MessageState.SENT}": ui.SUCCESS,
        f"outbox_{MessageState.FAILED}": ui.STOPPED,
        f"outbox_{MessageState.OPTED_OUT}": ui.CLOSED,
    },
    labels={f"outbox_{state.value}": state.label for state in MessageState},
)
