"""Reads of a portfolio reused by the requirement check, the summary page and the benchmark.

Each function costs a fixed number of queries, whatever the number of evidence items.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Model, OuterRef, Prefetch, QuerySet, Subquery

from competencies.models import Competency, EndorsementCategory
from competencies.selectors import category_areas
from endorsement.models import Application
from portfolios.models import (
    AgreementText,
    Document,
    Education,
    EvidenceChange,
    Reference,
    ReferenceRating,
    Signature,
    Training,
)

# Values later apps read on every portfolio page, computed with the page's one query of the
# application: {name: function returning the expression}. ``reviews`` registers what its
# comments panel needs (this app cannot import it).
PORTFOLIO_ANNOTATIONS: dict = {}


def portfolio_applications() -> QuerySet[Application]:
    """Applications with what every portfolio page reads (the view picks one by its id)."""
    return Application.objects.select_related(
        "association", "applicant", "category__framework", "advisor"
    ).annotate(**{name: make() for name, make in PORTFOLIO_ANNOTATIONS.items()})


def live_evidence(
    *, model: type[Model], application: Application, select_related: tuple = ()
) -> QuerySet:
    """The application's evidence rows of ``model`` that are not deleted."""
    rows = model.objects.filter(application=application).live()
    return rows.select_related(*select_related) if select_related else rows


def trainings_with_items(*, application: Application) -> QuerySet[Training]:
    """The live trainings with their certificate and competency items, in the framework's
    order (2 queries)."""
    return live_evidence(
        model=Training, application=application, select_related=("certificate",)
    ).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.order_by("area__order", "order"))
    )


def application_documents(*, application: Application) -> QuerySet[Document]:
    """The application's documents (the view picks one by its id); not the evidence of an
    add-on, which only its holder and the coordinators see (``portfolios.views.addons``)."""
    return Document.objects.filter(application=application, add_on__isnull=True)


def references_live(*, application: Application, statuses=None, exclude_status=None):
    """The application's references not deleted; only those in ``statuses``, or all but
    ``exclude_status``, when given."""
    references = live_evidence(model=Reference, application=application)
    if statuses is not None:
        references = references.filter(status__in=statuses)
    if exclude_status is not None:
        references = references.exclude(status=exclude_status)
    return references


def reference_ratings(*, reference: Reference) -> list[ReferenceRating]:
    """The rater's answers, with their competency items, in the framework's order."""
    return list(
        ReferenceRating.objects.filter(reference=reference)
        .select_related("competency__area")
        .order_by("competency__area__order", "competency__area_id", "competency__order")
    )


def deleted_evidence(*, model: type[Model], application: Application) -> QuerySet:
    """The application's deleted evidence rows of ``model`` (they can be restored)."""
    return model.objects.filter(application=application, deleted_at__isnull=False).portfolio()


def portfolio_education(*, application: Application) -> list[Education]:
    """The live education rows (1 query)."""
    return list(Education.objects.filter(application=application).live())


def portfolio_trainings(*, application: Application) -> list[Training]:
    """The live trainings, each with ``competency_ids``: the ids of the competency items it
    addressed, read in the same query (1 query). On SQLite (the demo), which has no arrays, the
    items are prefetched instead (2 queries) and ``competency_coverage`` reads those."""
    trainings = Training.objects.filter(application=application).live()
    if connection.vendor != "postgresql":
        return list(trainings.prefetch_related("competencies"))
    addressed = (
        Training.competencies.through.objects.filter(training=OuterRef("pk"))
        .order_by("competency_id")
        .values("competency_id")
    )
    return list(trainings.annotate(competency_ids=ArraySubquery(addressed)))


def agreements_in_force(*, application: Application, on) -> dict[str, AgreementText]:
    """{agreement kind: the association's version in force on ``on``}, each annotated with
    ``signed_at``: when the application signed that version (in any language), else None.
    1 query."""
    signed = (
        Signature.objects.filter(
            application=application,
            agreement__association=OuterRef("association"),
            agreement__kind=OuterRef("kind"),
            agreement__version=OuterRef("version"),
        )
        .order_by("signed_at")
        .values("signed_at")[:1]
    )
    texts = (
        AgreementText.objects.filter(association=application.association_id, effective_from__lte=on)
        .annotate(signed_at=Subquery(signed))
        .order_by("kind", "-effective_from", "-id")
    )
    in_force: dict[str, AgreementText] = {}
    for text in texts:
        in_force.setdefault(text.kind, text)
    return in_force


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

    ``trainings`` come from ``portfolio_trainings`` (with ``competency_ids``); 1 query more.
    """
    by_item: dict[int, list[Training]] = {}
    for training in trainings:
        ids = getattr(training, "competency_ids", None)
        if ids is None:
            ids = [competency.pk for competency in training.competencies.all()]
        for competency_id in ids:
            by_item.setdefault(competency_id, []).append(training)
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


_HIDDEN_FIELDS = {
    "application",
    "created",
    "updated",
    "deleted_at",
    "token_hash",
    "token_expires",
    "rating_draft",
}
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
    """Changes made to the evidence after the first submission, oldest first (1 query; none
    before the first submission, when no change is recorded)."""
    if application.submitted_at is None:
        return []
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
