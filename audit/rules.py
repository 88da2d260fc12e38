"""Who may read an association's audit log: its coordinators and its admins (the platform's
superusers read every entry in the admin site)."""

import rules

from accounts.rules import is_association_admin_of, is_coordinator_of

rules.add_perm("audit.view_log", is_coordinator_of | is_association_admin_of)
