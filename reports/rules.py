"""Who reads an association's reports: its coordinators and association admins."""

import rules

from accounts.rules import is_association_admin_of, is_coordinator_of

rules.add_perm("reports.view_reports", is_coordinator_of | is_association_admin_of)
