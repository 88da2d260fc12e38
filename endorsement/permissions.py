"""The gate of the coordinator's pages about one application, shared by every app's views
(imported from here, never from another app's views)."""

from django.db.models import OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.selectors import membership_annotations
from endorsement.selectors import application_with


class CoordinatorApplicationMixin(AssociationRoleRequiredMixin):
    """The application named in the address; only a coordinator of its association may act
    (403 to anyone else, 404 on pages that set ``hide_from_others``). The application is read
    with its applicant's membership (``member_until``, ``membership_pending``) in the same query,
    for the membership panel every application page may show."""

    select_related = ("association", "applicant", "category", "advisor")

    def get_association(self):
        self.application = get_object_or_404(
            application_with(select_related=self.select_related).annotate(
                **membership_annotations(
                    user=OuterRef("applicant"),
                    association=OuterRef("association"),
                    today=timezone.localdate(),
                )
            ),
            pk=self.kwargs["application_id"],
        )
        return self.application.association
