"""The association's workforce in aggregate: how many of its applicants and holders work in each
setting, discipline, region or language (``accounts.models.WorkforceProfile``). The one door to
the profiles for associations: never a person, only counts, and every group smaller than
``SUPPRESS_BELOW`` is shown as "fewer than 5" (the reports of issue 11, item 7, read it).

A group's count is suppressed; a total is not returned, so a suppressed group cannot be worked
out by subtracting the others from it."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.enums import Discipline, RaceEthnicity, ServiceLanguage, WorkSetting
from accounts.models import Association, User
from endorsement.enums import CURRENT_ENDORSEMENT_STATUSES, OPEN_STATES
from endorsement.models import Application, Endorsement

SUPPRESS_BELOW = 5
NOT_GIVEN = ""

# by -> (profile field, its choices or None for free text, several values per person)
DIMENSIONS = {
    "work_setting": ("work_setting", WorkSetting, False),
    "discipline": ("discipline", Discipline, False),
    "region": ("region", None, False),
    "language": ("languages", ServiceLanguage, True),
    "race_ethnicity": ("race_ethnicity", RaceEthnicity, True),
}


@dataclass(frozen=True)
class WorkforceCount:
    """One group: its ``value`` ("" for people who gave no answer), ``label``, and ``count``
    (None when suppressed); ``shown`` is what a report prints."""

    value: str
    label: str
    count: int | None

    @property
    def suppressed(self) -> bool:
        return self.count is None

    @property
    def shown(self) -> str:
        return _("fewer than 5") if self.count is None else str(self.count)


def workforce_people(*, association: Association, endorsed: bool | None = None):
    """The association's workforce: people with an open application (``endorsed=False``), the
    holders of a current endorsement (``True``), or both (``None``)."""
    in_progress = Exists(
        Application.objects.filter(
            applicant=OuterRef("pk"), association=association, state__in=OPEN_STATES
        )
    )
    holds = Exists(
        Endorsement.objects.filter(
            holder=OuterRef("pk"),
            association=association,
            status__in=CURRENT_ENDORSEMENT_STATUSES,
        )
    )
    if endorsed is True:
        condition = holds
    elif endorsed is False:
        condition = in_progress & ~holds
    else:
        condition = in_progress | holds
    return User.objects.filter(condition)


def workforce_counts(
    *, association: Association, by: str, endorsed: bool | None = None
) -> list[WorkforceCount]:
    """Counts of the association's workforce by ``by`` (a key of ``DIMENSIONS``): one query.
    A person counts once per language (or race/ethnicity) they chose, and in "Not given" when they
    chose none; regions are grouped whatever their capitals. Groups with fewer than 5 people are
    suppressed; largest groups first, then by label."""
    try:
        field, choices, several = DIMENSIONS[by]
    except KeyError:
        raise ValueError(f"unknown workforce dimension: {by!r}") from None
    people = workforce_people(association=association, endorsed=endorsed)
    # People without a profile read None: "Not given".
    values = people.values_list(f"workforce_profile__{field}", flat=True)
    counter: Counter = Counter()
    spelling: dict[str, str] = {}
    for value in values:
        if several:
            chosen = [v for v in (value or []) if choices is None or v in choices.values]
            counter.update(set(chosen) or {NOT_GIVEN})
        elif choices is None:
            key = " ".join((value or "").split()).casefold() or NOT_GIVEN
            spelling.setdefault(key, " ".join((value or "").split()))
            counter[key] += 1
        else:
            counter[value if value in choices.values else NOT_GIVEN] += 1
    rows = []
    for value, count in counter.items():
        if value == NOT_GIVEN:
            label = _("Not given")
        elif choices is None:
            label = spelling[value]
        else:
            label = str(choices(value).label)
        rows.append(
            WorkforceCount(
                value=value, label=label, count=count if count >= SUPPRESS_BELOW else None
            )
        )
    return sorted(rows, key=lambda row: (row.count is None, -(row.count or 0), row.label))
