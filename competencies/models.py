"""The competency framework as data: versions, areas, items, categories and requirements.

Each association owns its framework versions and edits them in the admin. An application keeps
the version it started under; once any application has been submitted under a version, the
version is locked (``locked_at``) and changes go into a new version.
"""

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Association
from competencies.enums import (
    EducationLevel,
    ExamKind,
    Family,
    ReferenceKind,
    RequirementKind,
    RSCTopic,
    Track,
    TrainingTopic,
    WorkKind,
)


class FrameworkQuerySet(models.QuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return (
            self.filter(is_published=True, effective_from__lte=on)
            .filter(models.Q(effective_until__isnull=True) | models.Q(effective_until__gte=on))
            .order_by("-effective_from", "-id")
        )


class Framework(models.Model):
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="frameworks"
    )
    name = models.CharField(_("name"), max_length=300)
    version = models.CharField(_("version"), max_length=40)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Only published versions are used.")
    )
    note = models.TextField(_("what changed in this version"), blank=True)
    reference_count = models.PositiveSmallIntegerField(_("reference ratings needed"), default=3)
    reference_not_enough_information_limit = models.PositiveSmallIntegerField(
        _("most 'not enough information' answers a rating may have"), default=5
    )
    reference_valid_months = models.PositiveSmallIntegerField(
        _("reference ratings valid for (months)"), default=12
    )
    locked_at = models.DateTimeField(
        _("locked"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the first application is submitted under this version."),
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["association", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "version"], name="framework_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.association.slug} {self.version}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class CompetencyArea(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    mentors_only = models.BooleanField(_("for Mentors only"), default=False)

    class Meta:
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")
        ordering = ["framework", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="area_code_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when the catalogue has it (framework_i18n.py)."""
        return gettext(self.name)


class EndorsementCategory(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    # The name in the site's other languages, {"es": "…"}: one JSON field rather than a column
    # per language, so a language added to settings.LANGUAGES gets its field in the admin and
    # its key in the framework file without a migration.
    names = models.JSONField(_("name in other languages"), default=dict, blank=True)
    family = models.CharField(_("family"), max_length=20, choices=Family.choices)
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, blank=True)
    summary = models.TextField(_("who it is for"), blank=True)
    is_add_on = models.BooleanField(
        _("add-on"), default=False, help_text=_("Only for holders of another endorsement.")
    )
    is_mentor = models.BooleanField(_("Mentor category"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_open = models.BooleanField(_("open to new applications"), default=True)

    class Meta:
        verbose_name = _("endorsement category")
        verbose_name_plural = _("endorsement categories")
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="category_code_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse(
            "competencies:category",
            kwargs={"slug": self.framework.association.slug, "code": self.code},
        )

    @property
    def display_name(self) -> str:
        """The name in the active language (the reader's or the e-mail recipient's), else the
        name as entered. Every page, e-mail and export a person reads shows this one."""
        language = (get_language() or "").split("-")[0]
        return self.names.get(language) or self.name

    @property
    def display_summary(self) -> str:
        return gettext(self.summary) if self.summary else ""

    @property
    def has_exam(self) -> bool:
        return any(r.kind == RequirementKind.EXAM for r in self.requirements.all())


class Competency(models.Model):
    """A knowledge or skill item in an area, applying to some categories."""

    area = models.ForeignKey(CompetencyArea, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    categories = models.ManyToManyField(
        EndorsementCategory, related_name="competencies", blank=True
    )

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["area__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="competency_name_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return gettext(self.name)


def _hours(value: Decimal | None) -> str:
    value = value or Decimal(0)
    return number_format(value.normalize() if value == value.to_integral() else value)


class Requirement(models.Model):
    """One requirement of a category, of one kind. Rows are data the association edits."""

    category = models.ForeignKey(
        EndorsementCategory, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_optional = models.BooleanField(_("optional"), default=False)
    note = models.TextField(
        _("plain-language note"),
        blank=True,
        help_text=_("Shown to applicants under the requirement, e.g. what counts."),
    )
    # education
    education_levels = models.JSONField(
        _("accepted education"),
        default=list,
        blank=True,
        help_text=_("Any of these satisfies the requirement; a higher degree counts too."),
    )
    # work; also the work alternative to education
    min_years = models.DecimalField(
        _("minimum years"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    work_kind = models.CharField(
        _("kind of work"), max_length=30, choices=WorkKind.choices, blank=True
    )
    # training, rsc, renewal hours
    min_hours = models.DecimalField(
        _("minimum hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    topic = models.CharField(
        _("topic"),
        max_length=30,
        blank=True,
        help_text=_("Training: imh, rsc or dei. RS/C: about_rsc_provided. Empty: in total."),
    )
    window_min_months = models.PositiveSmallIntegerField(
        _("earned over at least (months)"), null=True, blank=True
    )
    window_max_months = models.PositiveSmallIntegerField(
        _("earned within at most (months)"), null=True, blank=True
    )
    # reference
    reference_kind = models.CharField(
        _("reference from"), max_length=30, choices=ReferenceKind.choices, blank=True
    )
    # exam
    exam_part = models.PositiveSmallIntegerField(_("exam part"), null=True, blank=True)
    exam_kind = models.CharField(
        _("exam format"), max_length=20, choices=ExamKind.choices, blank=True
    )
    questions = models.PositiveSmallIntegerField(_("questions"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), null=True, blank=True)
    graders = models.PositiveSmallIntegerField(_("graders"), null=True, blank=True)
    choose = models.CharField(_("choice of questions"), max_length=200, blank=True)
    retake_wait_months = models.PositiveSmallIntegerField(
        _("retake no sooner than (months)"), null=True, blank=True
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        help_text=_("How many times the exam may be taken in all. Empty: no limit."),
    )

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["category", "order", "id"]

    def __str__(self):
        return f"{self.category.code}: {self.describe()}"

    @property
    def display_note(self) -> str:
        return gettext(self.note) if self.note else ""

    def describe(self) -> str:
        """The requirement in plain sentences, generated from the data."""
        text = self._describe()
        if self.is_optional and not (self.kind == RequirementKind.RSC and not self.min_hours):
            text = str(_("Optional: %(requirement)s")) % {"requirement": text}
        return text

    def _describe(self) -> str:
        kind = self.kind
        if kind == RequirementKind.EDUCATION:
            labels = [str(EducationLevel(level).label) for level in self.education_levels]
            if not labels or labels == [str(EducationLevel.NONE.label)]:
                text = str(_("No degree is required."))
            else:
                text = str(_("%(levels)s.")) % {"levels": _or_join(labels)}
                if any(level in _DEGREES_WITH_HIGHER for level in self.education_levels):
                    text += " " + str(_("A higher degree counts too."))
            if self.min_years:
                text += " " + str(_("Instead of a degree, %(time)s of %(work)s also qualify.")) % {
                    "time": _years(self.min_years),
                    "work": self.get_work_kind_display(),
                }
            return text
        if kind == RequirementKind.WORK:
            return str(_("At least %(time)s of %(work)s.")) % {
                "time": _years(self.min_years),
                "work": self.get_work_kind_display(),
            }
        if kind in (RequirementKind.TRAINING, RequirementKind.RENEWAL_TRAINING):
            hours = _hours(self.min_hours)
            if self.topic:
                return str(_("At least %(hours)s of these hours must be on %(topic)s.")) % {
                    "hours": hours,
                    "topic": TrainingTopic(self.topic).label,
                }
            if kind == RequirementKind.RENEWAL_TRAINING:
                return str(_("Each year, at least %(hours)s hours of in-service training.")) % {
                    "hours": hours
                }
            return str(_("At least %(hours)s hours of specialized in-service training.")) % {
                "hours": hours
            }
        if kind in (RequirementKind.RSC, RequirementKind.RENEWAL_RSC):
            if not self.min_hours:
                return str(_("Reflective supervision/consultation is welcome but not required."))
            hours = _hours(self.min_hours)
            if self.topic == RSCTopic.ABOUT_RSC_PROVIDED:
                text = str(
                    _(
                        "Of those, at least %(hours)s hours of reflective "
                        "supervision/consultation about the RS/C you provide."
                    )
                ) % {"hours": hours}
            elif kind == RequirementKind.RENEWAL_RSC:
                text = str(
                    _(
                        "Each year, at least %(hours)s hours of reflective "
                        "supervision/consultation received."
                    )
                ) % {"hours": hours}
            else:
                text = str(
                    _("At least %(hours)s hours of reflective supervision/consultation received.")
                ) % {"hours": hours}
            if self.window_min_months and self.window_max_months:
                text += " " + str(_("The hours must be spread over %(min)s to %(max)s months.")) % {
                    "min": self.window_min_months,
                    "max": self.window_max_months,
                }
            elif self.window_max_months:
                text += " " + str(_("The hours must fall within %(max)s months.")) % {
                    "max": self.window_max_months
                }
            return text
        if kind == RequirementKind.REFERENCE:
            if self.reference_kind in _REFERENCE_SENTENCES:
                return str(_REFERENCE_SENTENCES[self.reference_kind])
            return str(_("A reference rating from %(who)s.")) % {
                "who": self.get_reference_kind_display()
            }
        if kind == RequirementKind.EXAM:
            text = str(_("Exam part %(part)s: %(format)s")) % {
                "part": self.exam_part,
                "format": self.get_exam_kind_display(),
            }
            details = []
            if self.questions:
                details.append(
                    ngettext("%(n)s question", "%(n)s questions", self.questions)
                    % {"n": self.questions}
                )
            if self.choose:
                details.append(str(_("answer %(choice)s")) % {"choice": self.choose})
            if self.minutes:
                details.append(str(_("%(n)s minutes")) % {"n": self.minutes})
            if self.graders:
                details.append(
                    ngettext("scored by %(n)s grader", "scored by %(n)s graders", self.graders)
                    % {"n": self.graders}
                )
            if self.pass_percent:
                details.append(str(_("pass at %(pct)s%%")) % {"pct": self.pass_percent})
            if details:
                text += " (" + ", ".join(details) + ")"
            text += "."
            if self.retake_wait_months:
                text += " " + ngettext(
                    "If you do not pass, you may try again after %(n)s month.",
                    "If you do not pass, you may try again after %(n)s months.",
                    self.retake_wait_months,
                ) % {"n": self.retake_wait_months}
            return text
        return str(self.get_kind_display())


_REFERENCE_SENTENCES = {
    ReferenceKind.CURRENT_SUPERVISOR: _("A reference rating from your current supervisor."),
    ReferenceKind.RSC_PROVIDER: _(
        "A reference rating from the person who gives you reflective supervision/consultation."
    ),
    ReferenceKind.RSC_RECIPIENT: _(
        "A reference rating from someone who receives reflective supervision/consultation from you."
    ),
    ReferenceKind.ANY: _("A reference rating from someone else who knows your work."),
}

# A requirement of one of these is also met by a higher degree.
_DEGREES_WITH_HIGHER = {
    EducationLevel.CDA,
    EducationLevel.ASSOCIATE,
    EducationLevel.BACHELOR,
    EducationLevel.MASTER,
}


def _years(value: Decimal | None) -> str:
    value = value or Decimal(0)
    return ngettext("%(n)s year", "%(n)s years", 1 if value == 1 else 2) % {"n": _hours(value)}


def _or_join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return str(_("%(first)s or %(last)s")) % {"first": ", ".join(items[:-1]), "last": items[-1]}
