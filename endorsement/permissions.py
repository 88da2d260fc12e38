"""The gate of the coordinator's pages about one application, shared by every app's views
(imported from here, never from another app's views)."""

from django.shortcuts import get_object_or_404

from accounts.permissions import AssociationRoleRequiredMixin
from endorsement.selectors import application_with


class CoordinatorApplicationMixin(AssociationRoleRequiredMixin):
    """The application named in the address; only a coordinator of its association may act
    (403 to anyone else, 404 on pages that set ``hide_from_others``)."""

    select_related = ("association", "applicant", "category", "advisor")

    def get_association(self):
        self.application = get_object_or_404(
            application_with(select_related=self.select_related),
            pk=self.kwargs["application_id"],
        )
        return self.application.association
