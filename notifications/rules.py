"""Who may read an association's outbox: its coordinators and its admins (not the platform's
superusers through ``has_perm``: they use the admin site)."""

import rules

from accounts.rules import is_association_admin_of, is_coordinator_of

rules.add_perm("notifications.view_outbox", is_coordinator_of | is_association_admin_of)
rules.add_perm("notifications.resend_message", is_coordinator_of | is_association_admin_of)
rules.add_perm("notifications.set_reminders", is_coordinator_of | is_association_admin_of)
