"""Reads of an association's public registry: the holders who chose to be listed, while their
endorsement's status is current (lapsed, revoked and superseded holders leave it at once, since
the status is read with every request). Each read costs a constant number of queries."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from accounts.models import Association
from endorsement.enums import CURRENT_ENDORSEMENT_STATUSES, EndorsementStatus
from endorsement.models import Endorsement

PER_PAGE = 25


@dataclass(frozen=True)
class RegistryRow:
    """One listed holder as the public reads them (the category name in the reader's
    language)."""

    number: str
    holder_name: str
    category_code: str
    category_name: str
    place: str
    status: str
    status_label: str
    valid_through: object
    languages: str = ""


def registry_endorsements(
    *, association: Association, q: str = "", category: str = ""
) -> QuerySet[Endorsement]:
    """The association's listed, current endorsements, by holder's name; ``q`` matches the
    name or the place, ``category`` is a category code."""
    rows = Endorsement.objects.filter(
        association=association,
        registry_listed=True,
        status__in=CURRENT_ENDORSEMENT_STATUSES,
    )
    if q:
        rows = rows.filter(Q(holder__full_name__icontains=q) | Q(registry_place__icontains=q))
    if category:
        rows = rows.filter(category__code=category)
    return rows.select_related("holder", "holder__workforce_profile", "category").order_by(
        "holder__full_name", "category__code", "pk"
    )


def holder_profile(endorsement: Endorsement):
    """The holder's workforce profile, read with the endorsement (None when they have none)."""
    try:
        return endorsement.holder.workforce_profile
    except ObjectDoesNotExist:
        return None


def registry_row(endorsement: Endorsement) -> RegistryRow:
    """The place is the one the holder typed on their listing, else their profile's region when
    they chose to show it; the languages only when they chose to show them."""
    status = EndorsementStatus(endorsement.status)
    profile = holder_profile(endorsement)
    place = endorsement.registry_place
    languages = ""
    if profile is not None:
        if not place and profile.show_region:
            place = profile.region
        if profile.show_languages:
            languages = ", ".join(profile.language_labels())
    return RegistryRow(
        number=endorsement.number,
        holder_name=endorsement.holder.get_full_name(),
        category_code=endorsement.category.code,
        category_name=endorsement.category.display_name,
        place=place,
        status=status.value,
        status_label=str(status.label),
        valid_through=endorsement.valid_through,
        languages=languages,
    )


def registry_page(
    *, association: Association, q: str = "", category: str = "", number=None
) -> tuple[Page, list[RegistryRow]]:
    """One page of the registry (25 rows) and its rows (2 queries: the count and the page)."""
    paginator = Paginator(
        registry_endorsements(association=association, q=q, category=category), PER_PAGE
    )
    page = paginator.get_page(number)
    return page, [registry_row(endorsement) for endorsement in page.object_list]
