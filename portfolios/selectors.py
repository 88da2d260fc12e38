"""Reads of a portfolio reused by the requirement check, the summary page and the benchmark.

Each function costs a fixed number of queries, whatever the number of evidence items.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from competencies.models import Competency, EndorsementCategory
from competencies.selectors import category_areas
from endorsement.models import Application
from portfolios.models import (
    AgreementText,
    Education,
    EvidenceChange,
    Reference,
    RSCEntry,
    Signature,
    Training,
    WorkExperience,
)

# Section key (as in the portfolio's navigation) → evidence model.
SECTION_MODELS = {
    "education": Education,
    "work": WorkExperience,
    "training": Training,
    "rsc": RSCEntry,
    "references": Reference,
}


def portfolio_education(*, application: Application) -> list[Education]:
    """The live education rows (1 query)."""
    return list(Education.objects.filter(application=application).live())


def portfolio_trainings(*, application: Application) -> list[Training]:
    """The live trainings with the ids of the competency items each addressed (2 queries)."""
    return list(
        Training.objects.filter(application=application)
        .live()
        .prefetch_related(Prefetch("competencies", queryset=Competency.objects.only("id")))
    )


def _live_count(model) -> Subquery:
    return Coalesce(
        Subquery(
            model.objects.filter(application=OuterRef("pk"), deleted_at__isnull=True)
            .order_by()
            .values("application")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def evidence_counts(*, application: Application) -> dict[str, int]:
    """{section key: number of live evidence items}, in 1 query; signatures under agreements."""
    annotations = {key: _live_count(model) for key, model in SECTION_MODELS.items()}
    annotations["agreements"] = Coalesce(
        Subquery(
            Signature.objects.filter(application=OuterRef("pk"))
            .order_by()
            .values("application")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )
    return (
        Application.objects.filter(pk=application.pk)
        .annotate(**annotations)
        .values(*annotations)
        .get()
    )


def current_agreement_texts(*, association, on) -> dict[str, AgreementText]:
    """{agreement kind: the version in force on ``on``} (1 query; any language of it)."""
    current: dict[str, AgreementText] = {}
    texts = AgreementText.objects.filter(association=association, effective_from__lte=on).order_by(
        "kind", "-effective_from", "-id"
    )
    for text in texts:
        current.setdefault(text.kind, text)
    return current


def application_signatures(*, application: Application) -> list[Signature]:
    """The portfolio's signatures with the text signed (1 query)."""
    return list(Signature.objects.filter(application=application).select_related("agreement"))


@dataclass
class CoverageItem:
    competency: Competency
    trainings: list[Training] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.trainings)


@dataclass
class CoverageArea:
    area: object
    items: list[CoverageItem]

    @property
    def covered_count(self) -> int:
        return sum(1 for item in self.items if item.covered)


def competency_coverage(
    *, category: EndorsementCategory, trainings: list[Training]
) -> list[CoverageArea]:
    """The category's competency areas × items, each with the trainings that addressed it.

    ``trainings`` come from ``portfolio_trainings`` (competencies prefetched); 1 query more.
    """
    by_item: dict[int, list[Training]] = {}
    for training in trainings:
        for competency in training.competencies.all():
            by_item.setdefault(competency.pk, []).append(training)
    return [
        CoverageArea(
            area=group.area,
            items=[
                CoverageItem(competency=item, trainings=by_item.get(item.pk, []))
                for item in group.items
            ],
        )
        for group in category_areas(category=category)
    ]


@dataclass
class ChangeRow:
    change: EvidenceChange
    section_label: str
    item: str
    fields: list[tuple[str, str | None, str | None]]  # (field label, before, after)


_HIDDEN_FIELDS = {"application", "created", "updated", "deleted_at", "token_hash", "token_expires"}
# The field that names an item of each section, to show which one changed.
_NAME_FIELDS = ("title", "credential", "role", "provider_name", "rater_name")


def _field_label(model, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field removed since the change was recorded
        return name


def evidence_history(*, application: Application) -> list[ChangeRow]:
    """Changes made to the evidence after the first submission, oldest first (1 query)."""
    rows = []
    for change in EvidenceChange.objects.filter(application=application).select_related("by"):
        try:
            model = apps.get_model("portfolios", change.section)
        except LookupError:
            model = None
        before = change.before or {}
        after = change.after or {}
        snapshot = after or before
        item = next((snapshot[name] for name in _NAME_FIELDS if snapshot.get(name)), "")
        fields = []
        if change.action == "changed":
            for name in [*before, *[key for key in after if key not in before]]:
                if name not in _HIDDEN_FIELDS and before.get(name) != after.get(name):
                    fields.append((_field_label(model, name), before.get(name), after.get(name)))
        rows.append(
            ChangeRow(
                change=change,
                section_label=str(model._meta.verbose_name) if model else change.section,
                item=item or f"#{change.object_id}",
                fields=fields,
            )
        )
    return rows
