"""The one writer of a holder's registry listing: whether they are listed and the place shown."""

import rules
from django.core.exceptions import PermissionDenied

from endorsement.models import Endorsement


def registry_listing_set(*, endorsement: Endorsement, by, listed: bool, place: str) -> Endorsement:
    """Only the holder may change it; the registry reads it at once."""
    if not rules.has_perm("credentials.change_registry_listing", by, endorsement):
        raise PermissionDenied
    endorsement.registry_listed = bool(listed)
    endorsement.registry_place = (place or "").strip()
    endorsement.save(update_fields=["registry_listed", "registry_place"])
    return endorsement
