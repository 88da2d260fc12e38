"""What the reviews pages share: the application page gate (the one association-role gate,
``accounts.permissions.AssociationRoleRequiredMixin``, told where the association is)."""

from django.shortcuts import get_object_or_404

from accounts.permissions import AssociationRoleRequiredMixin
from reviews.selectors.reviewing import applications_with


class ApplicationCoordinatorMixin(AssociationRoleRequiredMixin):
    """The application named in the address (``self.application``, with ``related``); only a
    coordinator of its association passes (403, or 404 with ``hide_from_others``)."""

    related = ("association", "applicant", "category", "advisor")

    def get_association(self):
        self.application = get_object_or_404(
            applications_with(*self.related), pk=self.kwargs["application_id"]
        )
        return self.application.association
