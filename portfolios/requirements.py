"""The requirement check: what a portfolio meets and what is still missing, computed live.

The requirements are the Requirement rows of the application's category, that is of the
framework version the application started under; the evidence is the portfolio's live rows
(not deleted). Each requirement row becomes one item with the numbers behind it ("Training: 22
of 30 hours"); the agreements and the association's membership are items too. Submitting needs
every required item met. Exams come after the review and are only listed.

Rules decided here (documented for applicants in the items' messages):

- Education: an Education row satisfies a requirement if its level is one of the listed
  levels, or a higher degree than a listed CDA, associate's, bachelor's or master's degree
  (EducationLevel order). A mental-health licence ranks as a master's degree: it satisfies a
  "master's or licence" requirement and anything a master's satisfies (a licence is only given
  after a master's degree); a doctorate does not satisfy a requirement that lists only a licence.
  When the requirement also gives years of work, that much qualifying work counts instead.
- Training topics: the total counts every training; "imh" (infant and early childhood mental
  health) counts every training not flagged as being about providing RS/C; "rsc" counts the
  trainings flagged ``is_rsc``; "dei" those flagged ``is_dei``. One training may count towards
  the total and towards DEI or RS/C at once.
- RS/C and references are judged by ``portfolios.rsc_window`` and ``portfolios.reference_status``;
  an optional RS/C row is shown but is never missing.
- Agreements: each kind (Code of Ethics, Endorsement Agreement) must be signed in the version in
  force today for the association (a signature of that version in any language counts).
- Membership: an active individual membership of the association covering today.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.selectors import current_membership
from competencies.enums import EducationLevel, RequirementKind, TrainingTopic
from competencies.models import Requirement
from endorsement.enums import ApplicationPurpose
from endorsement.models import Application
from portfolios.enums import AgreementKind
from portfolios.models import Education, Reference, RSCEntry, Training, WorkExperience
from portfolios.reference_status import references_status
from portfolios.rsc_window import rsc_evaluate
from portfolios.selectors import agreements_in_force, portfolio_education, portfolio_trainings
from portfolios.work_years import qualifying_work

# Section keys in reading order; all but membership are pages of the portfolio.
SECTION_KEYS = ("education", "work", "training", "rsc", "references", "agreements", "membership")

SECTION_LABELS = {
    "education": gettext_lazy("Education"),
    "work": gettext_lazy("Work experience"),
    "training": gettext_lazy("Training"),
    "rsc": gettext_lazy("Reflective supervision/consultation"),
    "references": gettext_lazy("References"),
    "agreements": gettext_lazy("Agreements"),
    "membership": gettext_lazy("Membership"),
}

SECTION_URL_NAMES = {
    "education": "portfolios:education.list",
    "work": "portfolios:work.list",
    "training": "portfolios:training.list",
    "rsc": "portfolios:rsc.list",
    "references": "portfolios:references.list",
    "agreements": "portfolios:agreements",
}

# The portfolio's sections in its navigation: (key, label, url name of the section's page).
SECTIONS = [(key, SECTION_LABELS[key], url_name) for key, url_name in SECTION_URL_NAMES.items()]

_RANK = {
    EducationLevel.NONE: 0,
    EducationLevel.CDA: 1,
    EducationLevel.ASSOCIATE: 2,
    EducationLevel.BACHELOR: 3,
    EducationLevel.MASTER: 4,
    EducationLevel.MH_LICENSE: 4,
    EducationLevel.DOCTORATE: 5,
}
# A requirement of one of these is also met by anything ranked at least as high.
_DEGREES_WITH_HIGHER = {
    EducationLevel.CDA,
    EducationLevel.ASSOCIATE,
    EducationLevel.BACHELOR,
    EducationLevel.MASTER,
}


@dataclass
class CheckItem:
    """One line of the checklist."""

    kind: str  # a RequirementKind value, "agreement" or "membership"
    section: str  # one of SECTION_KEYS
    label: str  # what is required, in a plain sentence
    met: bool
    detail: str  # where the applicant stands, with the numbers
    required: bool = True
    notes: list[str] = field(default_factory=list)  # further lines under the detail
    requirement: Requirement | None = None
    # Where to meet it when it is not a page of the portfolio (the membership's join page).
    link: str = ""
    link_label: str = ""

    @property
    def missing(self) -> bool:
        return self.required and not self.met

    @property
    def url_name(self) -> str | None:
        return SECTION_URL_NAMES.get(self.section)

    @property
    def section_label(self) -> str:
        return SECTION_LABELS[self.section]


@dataclass
class SectionItems:
    key: str
    items: list[CheckItem]
    summary: str = ""  # one line for the whole section, e.g. "References: 1 of 3 received"

    @property
    def label(self) -> str:
        return SECTION_LABELS[self.key]

    @property
    def url_name(self) -> str | None:
        return SECTION_URL_NAMES.get(self.key)


@dataclass
class RequirementCheck:
    application: Application
    items: list[CheckItem]
    exams: list[Requirement]
    evidence: dict[str, list]  # section key: its live evidence, for the sections checked
    sections: tuple[str, ...] = SECTION_KEYS
    summaries: dict[str, str] = field(default_factory=dict)
    # The sections this kind of application is judged on (a reinstatement: work, references).
    all_sections: tuple[str, ...] = SECTION_KEYS

    def for_section(self, key: str) -> list[CheckItem]:
        return [item for item in self.items if item.section == key]

    @property
    def by_section(self) -> dict[str, SectionItems]:
        """{section key: its items}, in reading order, for templates."""
        return {
            key: SectionItems(
                key=key, items=self.for_section(key), summary=self.summaries.get(key, "")
            )
            for key in SECTION_KEYS
            if key in self.sections
        }

    @property
    def trainings(self) -> list[Training]:
        return self.evidence.get("training", [])

    @property
    def counts(self) -> dict[str, int]:
        """{section key: live evidence items} for the sections checked; agreements: signed."""
        counts = {key: len(rows) for key, rows in self.evidence.items()}
        if "agreements" in self.sections:
            counts["agreements"] = sum(1 for item in self.for_section("agreements") if item.met)
        return counts

    @property
    def is_partial(self) -> bool:
        return set(self.sections) != set(self.all_sections)

    @property
    def missing(self) -> list[CheckItem]:
        return [item for item in self.items if item.missing]

    @property
    def complete(self) -> bool:
        """Every required item met. Only a check of every section can say so."""
        if self.is_partial:
            raise ValueError("A check of some sections cannot tell whether the whole is complete.")
        return not self.missing

    @property
    def required_count(self) -> int:
        return sum(1 for item in self.items if item.required)

    @property
    def met_count(self) -> int:
        return sum(1 for item in self.items if item.required and item.met)

    @property
    def met_width(self) -> int:
        """The progress bar's width: percent of the required items met, in steps of 5."""
        return progress_width(self.met_count, self.required_count)

    @property
    def first_missing(self) -> CheckItem | None:
        """Where to start: the first missing item in reading order."""
        order = {key: index for index, key in enumerate(SECTION_KEYS)}
        return min(self.missing, key=lambda item: order[item.section], default=None)


def progress_width(done: int, total: int) -> int:
    """done of total as a percentage rounded down to a step of 5 (the CSS ``progress-w-N``
    classes; no inline style). Some progress shows at least 5, all of it only 100."""
    if total <= 0:
        return 100
    if done >= total:
        return 100
    percent = done * 100 // total // 5 * 5
    return max(percent, 5) if done else 0


def number(value) -> str:
    """22, 22.5, 2.14 (localized): hours and years as given, without trailing zeros."""
    value = Decimal(str(value or 0))
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(value)


def _of_hours(have, needed) -> str:
    return ngettext(
        "%(have)s of %(needed)s hour", "%(have)s of %(needed)s hours", _plural(needed)
    ) % {"have": number(have), "needed": number(needed)}


def _of_years(have, needed) -> str:
    return ngettext(
        "%(have)s of %(needed)s year", "%(have)s of %(needed)s years", _plural(needed)
    ) % {"have": number(have), "needed": number(needed)}


def _plural(value) -> int:
    return 1 if Decimal(str(value or 0)) == 1 else 2


def _or_join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def education_satisfies(level: str, accepted: list[str]) -> bool:
    """Whether an education of ``level`` meets a requirement accepting ``accepted`` levels."""
    if level in accepted:
        return True
    rank = _RANK.get(level, -1)
    return any(
        accepted_level in _DEGREES_WITH_HIGHER and rank >= _RANK[accepted_level]
        for accepted_level in accepted
    )


def _education_item(
    *, requirement: Requirement, education: list[Education], work_years
) -> CheckItem:
    levels = [level for level in requirement.education_levels if level in _RANK]
    item = CheckItem(
        kind=RequirementKind.EDUCATION,
        section="education",
        label=requirement.describe(),
        met=False,
        detail="",
        required=not requirement.is_optional,
        requirement=requirement,
    )
    if not levels or levels == [EducationLevel.NONE]:
        item.met = True
        item.detail = _("Education: no degree is required.")
        return item
    matching = [row for row in education if education_satisfies(row.level, levels)]
    if matching:
        best = max(matching, key=lambda row: _RANK.get(row.level, -1))
        item.met = True
        item.detail = _("Education: %(credential)s (%(level)s).") % {
            "credential": best.credential,
            "level": best.get_level_display(),
        }
        return item
    names = _or_join([str(EducationLevel(level).label) for level in levels])
    if requirement.min_years:
        work = work_years(requirement)
        item.notes = [*work.lines, *work.not_counted]
        if work.met:
            item.met = True
            item.detail = _(
                "Education: no %(levels)s listed, but your work counts instead: %(years)s."
            ) % {"levels": names, "years": _of_years(work.years, work.needed)}
        else:
            item.detail = _("Education: no %(levels)s listed yet; work instead: %(years)s.") % {
                "levels": names,
                "years": _of_years(work.years, work.needed),
            }
        return item
    item.detail = _("Education: no %(levels)s listed yet.") % {"levels": names}
    return item


def _work_item(*, requirement: Requirement, work_years) -> CheckItem:
    work = work_years(requirement)
    return CheckItem(
        kind=RequirementKind.WORK,
        section="work",
        label=requirement.describe(),
        met=bool(work.met),
        detail=_("Work experience: %(years)s of %(work)s.")
        % {
            "years": _of_years(work.years, work.needed),
            "work": requirement.get_work_kind_display(),
        },
        required=not requirement.is_optional,
        notes=[*work.lines, *work.not_counted],
        requirement=requirement,
    )


def training_hours(trainings: list[Training], topic: str) -> Decimal:
    """Hours of ``trainings`` that count towards a training requirement's topic."""
    if topic == TrainingTopic.DEI:
        rows = [t for t in trainings if t.is_dei]
    elif topic == TrainingTopic.RSC:
        rows = [t for t in trainings if t.is_rsc]
    elif topic == TrainingTopic.IMH:
        rows = [t for t in trainings if not t.is_rsc]
    else:
        rows = trainings
    return sum((t.hours for t in rows), Decimal(0))


_TRAINING_DETAIL = {
    TrainingTopic.ANY: gettext_lazy("Training: %(hours)s"),
    TrainingTopic.IMH: gettext_lazy("Infant mental health training: %(hours)s"),
    TrainingTopic.RSC: gettext_lazy("Training on providing RS/C: %(hours)s"),
    TrainingTopic.DEI: gettext_lazy("DEI training: %(hours)s"),
}


def _training_item(*, requirement: Requirement, trainings: list[Training]) -> CheckItem:
    topic = requirement.topic if requirement.topic in TrainingTopic.values else TrainingTopic.ANY
    needed = requirement.min_hours or Decimal(0)
    have = training_hours(trainings, topic)
    return CheckItem(
        kind=RequirementKind.TRAINING,
        section="training",
        label=requirement.describe(),
        met=have >= needed,
        detail=str(_TRAINING_DETAIL[topic]) % {"hours": _of_hours(have, needed)},
        required=not requirement.is_optional,
        requirement=requirement,
    )


def _result_item(*, kind: str, section: str, result, prefix: str = "") -> CheckItem:
    """An item from a result of the RS/C or references checks (.requirement .met .messages)."""
    requirement = result.requirement
    messages = [str(message) for message in result.messages]
    if prefix and messages:
        messages[0] = prefix % {"status": messages[0]}
    optional = requirement is not None and (
        requirement.is_optional or (kind == RequirementKind.RSC and not requirement.min_hours)
    )
    return CheckItem(
        kind=kind,
        section=section,
        label=requirement.describe()
        if requirement is not None
        else _("A reference rating from someone who knows your work."),
        met=bool(result.met),
        detail=messages[0] if messages else "",
        required=not optional,
        notes=messages[1:],
        requirement=requirement,
    )


def _agreement_items(*, application: Application) -> list[CheckItem]:
    association = application.association
    in_force = agreements_in_force(application=application, on=association.today())
    items = []
    for kind, kind_label in AgreementKind.choices:
        text = in_force.get(kind)
        if text is None:
            detail = _(
                "%(agreement)s: %(association)s has not published it yet. Please contact them."
            ) % {"agreement": kind_label, "association": association.name}
        elif text.signed_at is None:
            detail = _("%(agreement)s (version %(version)s): not signed yet.") % {
                "agreement": kind_label,
                "version": text.version,
            }
        else:
            detail = _("%(agreement)s (version %(version)s): signed on %(date)s.") % {
                "agreement": kind_label,
                "version": text.version,
                "date": date_format(timezone.localtime(text.signed_at), "DATE_FORMAT"),
            }
        items.append(
            CheckItem(
                kind="agreement",
                section="agreements",
                label=_("Sign the %(agreement)s.") % {"agreement": kind_label},
                met=text is not None and text.signed_at is not None,
                detail=detail,
            )
        )
    return items


def _membership_item(*, application: Application) -> CheckItem:
    association = application.association
    membership = current_membership(user=application.applicant, association=association)
    if membership is not None:
        detail = _("Membership of %(association)s: active until %(end)s.") % {
            "association": association.name,
            "end": date_format(membership.end, "DATE_FORMAT"),
        }
    else:
        detail = _(
            "Membership of %(association)s: none on record for this year. Join online: pay the "
            "membership fee or ask for a waiver."
        ) % {"association": association.name}
    return CheckItem(
        kind="membership",
        section="membership",
        label=_("Be an individual member of %(association)s.") % {"association": association.name},
        met=membership is not None,
        detail=detail,
        link=reverse("billing:membership", kwargs={"slug": association.slug}),
        link_label=_("Join the association online"),
    )


# A reinstatement is judged on new evidence only: work experience held after the endorsement
# stopped being valid and within these last years, and new reference ratings.
REINSTATEMENT_SECTIONS = ("work", "references")
REINSTATEMENT_WORK_YEARS = 2


def reinstatement_work_since(application: Application) -> datetime.date:
    """The day after which a position counts for a reinstatement: the later of the lapsed
    endorsement's valid-through date and the same day REINSTATEMENT_WORK_YEARS years ago."""
    today = application.association.today()
    try:
        years_ago = today.replace(year=today.year - REINSTATEMENT_WORK_YEARS)
    except ValueError:  # 29 February
        years_ago = today.replace(year=today.year - REINSTATEMENT_WORK_YEARS, day=28)
    prior = application.prior_endorsement
    return max(years_ago, prior.valid_through) if prior is not None else years_ago


def _reinstatement_work_item(*, application: Application, work: list[WorkExperience]) -> CheckItem:
    since = reinstatement_work_since(application)
    recent = [row for row in work if row.end is None or row.end > since]
    item = CheckItem(
        kind=RequirementKind.WORK,
        section="work",
        label=_("Work experience since your endorsement lapsed: a position held after %(date)s.")
        % {"date": date_format(since, "DATE_FORMAT")},
        met=bool(recent),
        detail="",
    )
    if recent:
        item.detail = ngettext(
            "Work experience: %(count)s position held after %(date)s.",
            "Work experience: %(count)s positions held after %(date)s.",
            len(recent),
        ) % {"count": len(recent), "date": date_format(since, "DATE_FORMAT")}
    else:
        item.detail = _(
            "Work experience: no position held after %(date)s listed yet (a current position "
            "counts)."
        ) % {"date": date_format(since, "DATE_FORMAT")}
    return item


def reinstatement_check(*, application: Application, sections=None) -> RequirementCheck:
    """The check of a reinstatement: new work experience and new reference ratings (the
    category's reference kinds, or the framework's count); the rest of the portfolio is not
    asked again."""
    wanted = tuple(key for key in REINSTATEMENT_SECTIONS if sections is None or key in sections)
    category = application.category
    prefetch_related_objects(
        [category], Prefetch("requirements", queryset=Requirement.objects.order_by("order", "id"))
    )
    items: list[CheckItem] = []
    summaries: dict[str, str] = {}
    evidence: dict[str, list] = {}
    if "work" in wanted:
        evidence["work"] = list(WorkExperience.objects.filter(application=application).live())
        items.append(_reinstatement_work_item(application=application, work=evidence["work"]))
    if "references" in wanted:
        evidence["references"] = list(Reference.objects.filter(application=application).live())
        status = references_status(application=application, references=evidence["references"])
        summaries["references"] = capfirst(status.summary)
        for result in status:
            items.append(
                _result_item(kind=RequirementKind.REFERENCE, section="references", result=result)
            )
    return RequirementCheck(
        application=application,
        items=items,
        exams=[],
        evidence=evidence,
        sections=wanted,
        summaries=summaries,
        all_sections=REINSTATEMENT_SECTIONS,
    )


def requirement_check(*, application: Application, sections=None) -> RequirementCheck:
    """Check the portfolio against its category's requirements (a reinstatement against its
    own, ``reinstatement_check``).

    ``sections`` limits the check to some section keys (a section page's panel); the default
    checks everything, which ``complete`` and ``missing`` need. Each section's live evidence is
    read once (kept in ``evidence``), so the number of queries does not depend on the number of
    evidence items.
    """
    if application.purpose == ApplicationPurpose.REINSTATEMENT:
        return reinstatement_check(application=application, sections=sections)
    wanted = tuple(key for key in SECTION_KEYS if sections is None or key in sections)
    category = application.category
    prefetch_related_objects(
        [category], Prefetch("requirements", queryset=Requirement.objects.order_by("order", "id"))
    )
    requirements = list(category.requirements.all())
    items: list[CheckItem] = []
    summaries: dict[str, str] = {}
    evidence: dict[str, list] = {}

    def of_kind(kind):
        return [r for r in requirements if r.kind == kind]

    def work_years(requirement):
        if "work" not in evidence:
            evidence["work"] = list(WorkExperience.objects.filter(application=application).live())
        return qualifying_work(
            application=application, requirement=requirement, entries=evidence["work"]
        )

    if "education" in wanted:
        evidence["education"] = portfolio_education(application=application)
        for requirement in of_kind(RequirementKind.EDUCATION):
            items.append(
                _education_item(
                    requirement=requirement, education=evidence["education"], work_years=work_years
                )
            )
    if "work" in wanted:
        for requirement in of_kind(RequirementKind.WORK):
            items.append(_work_item(requirement=requirement, work_years=work_years))
        if "work" not in evidence:
            evidence["work"] = list(WorkExperience.objects.filter(application=application).live())
    if "training" in wanted:
        evidence["training"] = portfolio_trainings(application=application)
        for requirement in of_kind(RequirementKind.TRAINING):
            items.append(_training_item(requirement=requirement, trainings=evidence["training"]))
    if "rsc" in wanted:
        evidence["rsc"] = list(RSCEntry.objects.filter(application=application).live())
        for result in rsc_evaluate(requirements=requirements, entries=evidence["rsc"]):
            items.append(
                _result_item(
                    kind=RequirementKind.RSC,
                    section="rsc",
                    result=result,
                    prefix=_("RS/C: %(status)s"),
                )
            )
    if "references" in wanted:
        evidence["references"] = list(Reference.objects.filter(application=application).live())
        status = references_status(application=application, references=evidence["references"])
        summaries["references"] = capfirst(status.summary)
        for result in status:
            items.append(
                _result_item(kind=RequirementKind.REFERENCE, section="references", result=result)
            )
    if "agreements" in wanted:
        items.extend(_agreement_items(application=application))
    if "membership" in wanted:
        items.append(_membership_item(application=application))
    return RequirementCheck(
        application=application,
        items=items,
        exams=of_kind(RequirementKind.EXAM),
        evidence=evidence,
        sections=wanted,
        summaries=summaries,
    )
