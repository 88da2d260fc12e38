"""The portfolio's conditions on the workflow's steps (``endorsement.conditions``)."""

from django.utils.translation import gettext as _

from endorsement import conditions
from portfolios.requirements import requirement_check


@conditions.register("submit")
def portfolio_meets_requirements(application, *, check=None, **facts) -> str:
    """Every requirement of the category is met (the summary's checklist, checked again;
    ``check``: the page's ``RequirementCheck`` of every section when it has one already)."""
    missing = (check or requirement_check(application=application)).missing
    if not missing:
        return ""
    return _("The portfolio does not meet its requirements yet: %(missing)s") % {
        "missing": "; ".join(str(item.detail) for item in missing)
    }
