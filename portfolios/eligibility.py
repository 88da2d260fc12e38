"""Which endorsement categories fit a person, from a few plain answers.

Before registering, an applicant tells us their highest education, years of paid work with
infants or young children and families (and whether it was post-graduate, dyadic work), and the
hours of specialized training and of reflective supervision/consultation (RS/C) they have so
far. ``eligibility_check`` reads the requirement rows of each category and sorts the categories
into those that fit now, those that almost fit (with what is missing, in plain sentences) and
those that do not fit yet.

Only education, work, training (in total) and RS/C received (in total) are judged. What the
questions do not cover (training on a topic, RS/C about the RS/C one provides, leadership work,
add-on categories) is listed as "also needed" and does not change the verdict; references and
exams are part of the portfolio, not of eligibility, and are left out. Optional requirements
are left out too.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Association
from competencies.enums import EducationLevel, RequirementKind, RSCTopic, WorkKind
from competencies.models import _DEGREES_WITH_HIGHER, EndorsementCategory, Framework, Requirement
from competencies.selectors import framework_categories, framework_in_force

# A category "almost fits" when everything missing is within reach while the portfolio is
# built: at most this many years of work, and at most this share of the training or RS/C hours.
ALMOST_WORK_YEARS = Decimal("1")
ALMOST_HOURS_SHARE = Decimal("0.5")

# Work kinds the questions cover: any paid work with infants or young children and families;
# the post-graduate, dyadic kinds only when the person says their work was that.
_GENERAL_WORK = {
    WorkKind.RELATED,
    WorkKind.PAID_INFANT_FAMILY,
    WorkKind.PAID_EARLY_CHILDHOOD,
}
_DYADIC_WORK = {WorkKind.POSTGRAD_DYADIC, WorkKind.POSTGRAD_DYADIC_EARLY_CHILDHOOD}

_LEVEL_ORDER = {level: index for index, level in enumerate(EducationLevel.values)}


class Fit(models.TextChoices):
    FITS = "fits", gettext_lazy("Fits now")
    ALMOST = "almost", gettext_lazy("Almost fits")
    NO = "no", gettext_lazy("Does not fit yet")


@dataclass(frozen=True)
class EligibilityAnswers:
    education: str
    work_years: Decimal = Decimal(0)
    dyadic: bool = False
    training_hours: Decimal = Decimal(0)
    rsc_hours: Decimal = Decimal(0)


@dataclass
class CategoryEligibility:
    category: EndorsementCategory
    fit: str
    missing: list[str] = field(default_factory=list)
    also_needed: list[str] = field(default_factory=list)
    # How many of ``also_needed`` are more than a part of hours already counted (other kinds of
    # work, RS/C one provides, holding another endorsement): what makes a fit less sure.
    unasked: int = 0


@dataclass
class EligibilityResult:
    framework: Framework | None
    fits: list[CategoryEligibility]
    almost: list[CategoryEligibility]
    no: list[CategoryEligibility]

    @property
    def groups(self) -> list[tuple[str, str, list[CategoryEligibility]]]:
        """(fit, label, categories) in reading order, empty groups included."""
        return [
            (Fit.FITS, Fit.FITS.label, self.fits),
            (Fit.ALMOST, Fit.ALMOST.label, self.almost),
            (Fit.NO, Fit.NO.label, self.no),
        ]

    @property
    def best(self) -> CategoryEligibility | None:
        """The category to offer first, of those that fit now (else of those that almost fit):
        the one with the least missing and the least work we did not ask about; of those, the one
        that asks the most, so that nobody is steered below what they have; then the first in
        the framework's order. ``None`` when nothing fits or almost fits."""
        candidates = self.fits or self.almost
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda item: (
                len(item.missing),
                item.unasked,
                tuple(-value for value in _demand(item.category)),
                candidates.index(item),
            ),
        )

    @property
    def fitting(self) -> list[CategoryEligibility]:
        """The categories that fit now, then those that almost fit; the best fit first."""
        best = self.best
        rest = [item for item in self.fits + self.almost if item is not best]
        return [best, *rest] if best else rest


def _demand(category: EndorsementCategory) -> tuple[Decimal, Decimal, Decimal]:
    """How much a category asks for (years of work, RS/C hours, training hours), from its
    prefetched requirements; optional ones do not count."""
    work = rsc = training = Decimal(0)
    for requirement in category.requirements.all():
        if requirement.is_optional:
            continue
        if requirement.kind == RequirementKind.WORK:
            work += requirement.min_years or 0
        elif requirement.kind == RequirementKind.RSC and not requirement.topic:
            rsc += requirement.min_hours or 0
        elif requirement.kind == RequirementKind.TRAINING and not requirement.topic:
            training += requirement.min_hours or 0
    return work, rsc, training


def education_meets(level: str, accepted: list[str]) -> bool:
    """Whether ``level`` satisfies a requirement accepting any of ``accepted``.

    "No degree" (or nothing listed) asks for nothing; CDA, associate's, bachelor's and master's
    are also met by a higher level.
    """
    if not accepted or EducationLevel.NONE in accepted:
        return True
    if level in accepted:
        return True
    rank = _LEVEL_ORDER.get(level, -1)
    return any(
        required in _DEGREES_WITH_HIGHER and rank >= _LEVEL_ORDER[required] for required in accepted
    )


def _number(value: Decimal) -> str:
    value = Decimal(value)
    return number_format(value.normalize() if value == value.to_integral() else value)


def _plural_count(value: Decimal) -> int:
    return 1 if value == 1 else 2


def _years_for(kind: str, answers: EligibilityAnswers) -> Decimal | None:
    """Years of this kind of work the answers show; ``None`` when the questions do not say."""
    if kind in _GENERAL_WORK:
        return answers.work_years
    if kind in _DYADIC_WORK:
        return answers.work_years if answers.dyadic else Decimal(0)
    return None


def _more_years(short: Decimal, work: str) -> str:
    return ngettext(
        "You need %(n)s more year of %(work)s.",
        "You need %(n)s more years of %(work)s.",
        _plural_count(short),
    ) % {"n": _number(short), "work": work}


@dataclass
class _Outcome:
    missing: str = ""
    within_reach: bool = True
    also_needed: str = ""
    # Whether ``also_needed`` is only a part of hours already counted (a training topic).
    minor: bool = False


def _judge(requirement: Requirement, answers: EligibilityAnswers) -> _Outcome | None:
    """The outcome of one requirement row; ``None`` when eligibility does not look at it."""
    kind = requirement.kind
    if requirement.is_optional:
        return None
    if kind == RequirementKind.EDUCATION:
        return _judge_education(requirement, answers)
    if kind == RequirementKind.WORK:
        years = _years_for(requirement.work_kind, answers)
        if years is None:
            return _Outcome(also_needed=requirement.describe())
        needed = requirement.min_years or Decimal(0)
        if years >= needed:
            return _Outcome()
        work = requirement.get_work_kind_display()
        if requirement.work_kind in _DYADIC_WORK and not answers.dyadic:
            return _Outcome(
                missing=_("You need %(years)s of %(work)s. You told us your work was not that.")
                % {"years": _years(needed), "work": work},
                within_reach=False,
            )
        short = needed - years
        return _Outcome(missing=_more_years(short, work), within_reach=short <= ALMOST_WORK_YEARS)
    if kind == RequirementKind.TRAINING:
        if requirement.topic:
            return _Outcome(also_needed=requirement.describe(), minor=True)
        return _judge_hours(
            requirement,
            answers.training_hours,
            lambda n, count: (
                ngettext(
                    "You need %(n)s more hour of training.",
                    "You need %(n)s more hours of training.",
                    count,
                )
                % {"n": n}
            ),
        )
    if kind == RequirementKind.RSC:
        if not requirement.min_hours:
            return None
        if requirement.topic == RSCTopic.ABOUT_RSC_PROVIDED:
            return _Outcome(also_needed=requirement.describe())
        return _judge_hours(
            requirement,
            answers.rsc_hours,
            lambda n, count: (
                ngettext(
                    "You need %(n)s more hour of reflective supervision/consultation (RS/C).",
                    "You need %(n)s more hours of reflective supervision/consultation (RS/C).",
                    count,
                )
                % {"n": n}
            ),
        )
    return None


def _judge_education(requirement: Requirement, answers: EligibilityAnswers) -> _Outcome:
    if education_meets(answers.education, requirement.education_levels):
        return _Outcome()
    if requirement.min_years and requirement.work_kind:
        # Years of work may stand in for the degree.
        years = _years_for(requirement.work_kind, answers)
        if years is None:
            return _Outcome(also_needed=requirement.describe())
        if years >= requirement.min_years:
            return _Outcome()
        short = requirement.min_years - years
        missing = ngettext(
            "You need this education: %(requirement)s Or, instead, %(n)s more year of %(work)s.",
            "You need this education: %(requirement)s Or, instead, %(n)s more years of %(work)s.",
            _plural_count(short),
        ) % {
            "requirement": _education_only(requirement),
            "n": _number(short),
            "work": requirement.get_work_kind_display(),
        }
        return _Outcome(missing=missing, within_reach=short <= ALMOST_WORK_YEARS)
    return _Outcome(
        missing=_("You need this education: %(requirement)s")
        % {"requirement": requirement.describe()},
        within_reach=False,
    )


def _education_only(requirement: Requirement) -> str:
    """The accepted education in a sentence, without the work alternative."""
    labels = [str(EducationLevel(level).label) for level in requirement.education_levels]
    if len(labels) > 1:
        labels = [
            _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}
        ]
    return _("%(levels)s.") % {"levels": labels[0]} if labels else ""


def _judge_hours(requirement: Requirement, have: Decimal, sentence) -> _Outcome:
    needed = requirement.min_hours or Decimal(0)
    if have >= needed:
        return _Outcome()
    short = needed - have
    return _Outcome(
        missing=sentence(_number(short), _plural_count(short)),
        within_reach=short <= needed * ALMOST_HOURS_SHARE,
    )


def _years(value: Decimal) -> str:
    return ngettext("%(n)s year", "%(n)s years", _plural_count(value)) % {"n": _number(value)}


def category_eligibility(
    *, category: EndorsementCategory, answers: EligibilityAnswers
) -> CategoryEligibility:
    """One category judged against the answers (uses its prefetched requirements)."""
    missing: list[str] = []
    also_needed: list[str] = []
    out_of_reach = False
    unasked = 0
    if category.is_add_on:
        also_needed.append(_("This category is only for holders of another endorsement."))
        unasked += 1
    for requirement in category.requirements.all():
        outcome = _judge(requirement, answers)
        if outcome is None:
            continue
        if outcome.missing:
            missing.append(outcome.missing)
            out_of_reach = out_of_reach or not outcome.within_reach
        if outcome.also_needed:
            also_needed.append(outcome.also_needed)
            unasked += 0 if outcome.minor else 1
    if not missing:
        fit = Fit.FITS
    elif out_of_reach:
        fit = Fit.NO
    else:
        fit = Fit.ALMOST
    return CategoryEligibility(
        category=category, fit=fit, missing=missing, also_needed=also_needed, unasked=unasked
    )


def eligibility_check(
    *, association: Association, answers: EligibilityAnswers
) -> EligibilityResult:
    """The open categories of the framework in force for the association, sorted by fit.

    Two queries (categories, their requirements); one when no framework is in force.
    """
    framework = framework_in_force(association=association)
    result = EligibilityResult(framework=framework, fits=[], almost=[], no=[])
    if framework is None:
        return result
    buckets = {Fit.FITS: result.fits, Fit.ALMOST: result.almost, Fit.NO: result.no}
    for category in framework_categories(framework=framework):
        if not category.is_open:
            continue
        judged = category_eligibility(category=category, answers=answers)
        buckets[judged.fit].append(judged)
    return result
