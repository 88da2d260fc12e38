import datetime
from decimal import Decimal

import pytest

from competencies.enums import RequirementKind
from competencies.framework_data import FrameworkDataError
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)
from competencies.services import framework_load
from tests.factories import AssociationFactory

ALL_CODES = [
    "IFA",
    "IFS",
    "IFRS",
    "IMHS",
    "IMHM-C",
    "IMHM-P",
    "IMHM-RF",
    "ECFA",
    "ECFS",
    "ECMHS",
    "ECMHM-C",
    "ECMHM-P",
    "ECMHM-RF",
]
MENTORS = ["ECMHM-C", "ECMHM-P", "ECMHM-RF", "IMHM-C", "IMHM-P", "IMHM-RF"]


def rows(framework, code, kind):
    return list(
        Requirement.objects.filter(
            category__framework=framework, category__code=code, kind=kind
        ).order_by("order")
    )


def snapshot(association):
    """Every row under the association's frameworks, as comparable values."""
    return {
        "frameworks": list(
            Framework.objects.filter(association=association).order_by("pk").values()
        ),
        "areas": list(
            CompetencyArea.objects.filter(framework__association=association)
            .order_by("pk")
            .values()
        ),
        "categories": list(
            EndorsementCategory.objects.filter(framework__association=association)
            .order_by("pk")
            .values()
        ),
        "competencies": list(
            Competency.objects.filter(area__framework__association=association)
            .order_by("pk")
            .values()
        ),
        "links": sorted(
            Competency.categories.through.objects.filter(
                competency__area__framework__association=association
            ).values_list("competency_id", "endorsementcategory_id")
        ),
        "requirements": list(
            Requirement.objects.filter(category__framework__association=association)
            .order_by("pk")
            .values()
        ),
    }


def test_load_creates_both_versions_with_every_category(loaded, association):
    assert sorted(loaded) == ["2017", "2025"]
    new, old = loaded["2025"], loaded["2017"]
    assert (new.effective_from, new.effective_until) == (datetime.date(2025, 1, 1), None)
    assert (old.effective_from, old.effective_until) == (
        datetime.date(2017, 1, 1),
        datetime.date(2024, 12, 31),
    )
    assert new.is_published is True
    assert old.is_published is True
    assert new.locked_at is None
    assert new.name == (
        "Competency Guidelines for Culturally Sensitive, Relationship-Focused Practice "
        "Promoting Infant and Early Childhood Mental Health"
    )
    assert (
        new.reference_count,
        new.reference_not_enough_information_limit,
        new.reference_valid_months,
    ) == (3, 5, 12)
    for framework in (new, old):
        assert list(framework.categories.values_list("code", flat=True)) == ALL_CODES
        assert framework.areas.count() == 10
        assert Competency.objects.filter(area__framework=framework).count() == 50
    assert Requirement.objects.filter(category__framework=new).count() == 158
    assert Requirement.objects.filter(category__framework=old).count() == 160
    assert Framework.objects.filter(association=association).count() == 2


def test_categories_have_families_tracks_and_plain_summaries(loaded):
    categories = {c.code: c for c in loaded["2025"].categories.all()}
    assert [code for code, c in categories.items() if c.family == "infant"] == ALL_CODES[:7]
    assert [code for code, c in categories.items() if c.is_mentor] == [
        "IMHM-C",
        "IMHM-P",
        "IMHM-RF",
        "ECMHM-C",
        "ECMHM-P",
        "ECMHM-RF",
    ]
    assert categories["IMHM-RF"].track == "research_faculty"
    assert categories["ECMHM-P"].track == "policy"
    assert categories["IFA"].track == ""
    assert all(c.summary for c in categories.values())
    assert [code for code, c in categories.items() if "3 up to 6" in c.summary] == ALL_CODES[7:]
    assert categories["IFA"].summary.startswith(
        "For people who care for babies and toddlers (birth to 36 months)"
    )


def test_ifs_2025_needs_24_rsc_hours_over_12_to_24_months(loaded):
    (rsc,) = rows(loaded["2025"], "IFS", RequirementKind.RSC)
    assert (rsc.min_hours, rsc.window_min_months, rsc.window_max_months, rsc.topic) == (
        Decimal("24.0"),
        12,
        24,
        "",
    )
    assert rsc.is_optional is False


def test_imhs_takes_the_exam_in_2017_but_not_in_2025(loaded):
    assert rows(loaded["2025"], "IMHS", RequirementKind.EXAM) == []
    part_1, part_2 = rows(loaded["2017"], "IMHS", RequirementKind.EXAM)
    assert (
        part_1.exam_part,
        part_1.exam_kind,
        part_1.questions,
        part_1.minutes,
        part_1.pass_percent,
        part_1.retake_wait_months,
    ) == (1, "multiple_choice", 60, 90, 80, 12)
    assert (
        part_2.exam_part,
        part_2.exam_kind,
        part_2.minutes,
        part_2.choose,
        part_2.graders,
        part_2.pass_percent,
        part_2.retake_wait_months,
    ) == (2, "vignettes", 90, "2 of 3", 2, 80, 12)


def test_only_mentors_take_the_exam_in_2025(loaded):
    with_exam = sorted(
        Requirement.objects.filter(category__framework=loaded["2025"], kind=RequirementKind.EXAM)
        .order_by()
        .values_list("category__code", flat=True)
        .distinct()
    )
    assert with_exam == MENTORS
    with_exam_2017 = sorted(
        Requirement.objects.filter(category__framework=loaded["2017"], kind=RequirementKind.EXAM)
        .order_by()
        .values_list("category__code", flat=True)
        .distinct()
    )
    assert with_exam_2017 == sorted([*MENTORS, "IMHS", "ECMHS"])


def test_imhs_education_and_training_changed_in_2025(loaded):
    (education_2025,) = rows(loaded["2025"], "IMHS", RequirementKind.EDUCATION)
    (education_2017,) = rows(loaded["2017"], "IMHS", RequirementKind.EDUCATION)
    assert education_2025.education_levels == ["master", "mh_license"]
    assert education_2017.education_levels == ["master"]
    training_2025 = [
        (r.min_hours, r.topic) for r in rows(loaded["2025"], "IMHS", RequirementKind.TRAINING)
    ]
    training_2017 = [
        (r.min_hours, r.topic) for r in rows(loaded["2017"], "IMHS", RequirementKind.TRAINING)
    ]
    assert training_2025 == [(Decimal("33.0"), ""), (Decimal("3.0"), "dei")]
    assert training_2017 == [(Decimal("30.0"), "")]


def test_imhm_clinical_requirements(loaded):
    framework = loaded["2025"]
    (education,) = rows(framework, "IMHM-C", RequirementKind.EDUCATION)
    assert education.education_levels == ["master"]
    assert [(r.min_years, r.work_kind) for r in rows(framework, "IMHM-C", "work")] == [
        (Decimal("2.0"), "postgrad_dyadic"),
        (Decimal("3.0"), "providing_rsc"),
        (Decimal("3.0"), "practice_leader"),
    ]
    assert [(r.min_hours, r.topic) for r in rows(framework, "IMHM-C", "training")] == [
        (Decimal("48.0"), ""),
        (Decimal("30.0"), "imh"),
        (Decimal("15.0"), "rsc"),
        (Decimal("3.0"), "dei"),
    ]
    assert [(r.min_hours, r.topic) for r in rows(framework, "IMHM-C", "rsc")] == [
        (Decimal("50.0"), ""),
        (Decimal("25.0"), "about_rsc_provided"),
    ]
    assert [r.reference_kind for r in rows(framework, "IMHM-C", "reference")] == [
        "current_supervisor",
        "rsc_provider",
        "rsc_recipient",
    ]


def test_reference_rows_one_per_required_reference(loaded):
    framework = loaded["2025"]
    kinds = {
        code: [r.reference_kind for r in rows(framework, code, RequirementKind.REFERENCE)]
        for code in ("IFA", "IFS", "IMHS", "IMHM-P", "ECFS")
    }
    assert kinds == {
        "IFA": ["current_supervisor", "any", "any"],
        "IFS": ["current_supervisor", "rsc_provider", "any"],
        "IMHS": ["current_supervisor", "rsc_provider", "any"],
        "IMHM-P": ["current_supervisor", "any", "any"],
        "ECFS": ["current_supervisor", "rsc_provider", "any"],
    }


def test_ifa_education_or_work_and_optional_rsc(loaded):
    framework = loaded["2025"]
    (education,) = rows(framework, "IFA", RequirementKind.EDUCATION)
    assert education.education_levels == ["cda", "associate"]
    assert (education.min_years, education.work_kind) == (Decimal("2.0"), "related")
    assert education.note == "Supervised volunteer work may count toward the 2 years of work."
    assert rows(framework, "IFA", RequirementKind.WORK) == []
    (training,) = rows(framework, "IFA", RequirementKind.TRAINING)
    assert training.min_hours == Decimal("30.0")
    optional = sorted(
        Requirement.objects.filter(category__framework=framework, is_optional=True).values_list(
            "category__code", "kind"
        )
    )
    assert optional == [
        ("ECFA", "rsc"),
        ("ECMHM-P", "rsc"),
        ("ECMHM-RF", "rsc"),
        ("IFA", "rsc"),
        ("IMHM-P", "rsc"),
        ("IMHM-RF", "rsc"),
    ]


def test_renewal_rows(loaded):
    framework = loaded["2025"]
    assert [(r.min_hours, r.topic) for r in rows(framework, "IFS", "renewal_training")] == [
        (Decimal("15.0"), ""),
        (Decimal("1.0"), "dei"),
    ]
    renewal_rsc = sorted(
        Requirement.objects.filter(
            category__framework=framework, kind=RequirementKind.RENEWAL_RSC
        ).values_list("category__code", "min_hours")
    )
    assert renewal_rsc == [
        ("ECFS", Decimal("12.0")),
        ("ECMHM-C", Decimal("12.0")),
        ("ECMHS", Decimal("12.0")),
        ("IFS", Decimal("12.0")),
        ("IMHM-C", Decimal("12.0")),
        ("IMHS", Decimal("12.0")),
    ]
    categories_with_renewal_training = set(
        Requirement.objects.filter(
            category__framework=framework, kind=RequirementKind.RENEWAL_TRAINING, topic=""
        ).values_list("category__code", flat=True)
    )
    assert categories_with_renewal_training == set(ALL_CODES)


def test_early_childhood_mirrors_infant_counterparts(loaded):
    framework = loaded["2025"]

    def shape(code):
        return [
            (r.kind, r.education_levels, r.min_hours, r.topic, r.reference_kind, r.exam_part)
            for r in Requirement.objects.filter(
                category__framework=framework, category__code=code
            ).order_by("order")
        ]

    for infant, early in [
        ("IFA", "ECFA"),
        ("IFS", "ECFS"),
        ("IMHS", "ECMHS"),
        ("IMHM-C", "ECMHM-C"),
        ("IMHM-P", "ECMHM-P"),
        ("IMHM-RF", "ECMHM-RF"),
    ]:
        assert shape(early) == shape(infant)
    (work,) = rows(framework, "ECFS", RequirementKind.WORK)
    assert work.work_kind == "paid_early_childhood"
    (work,) = rows(framework, "ECMHS", RequirementKind.WORK)
    assert work.work_kind == "postgrad_dyadic_ec"


def test_competency_items_apply_by_category(loaded):
    framework = loaded["2025"]

    def items(code):
        return set(
            Competency.objects.filter(
                categories__framework=framework, categories__code=code
            ).values_list("name", flat=True)
        )

    assert len(items("IFA")) == 36
    assert len(items("IFS")) == 41
    assert len(items("IMHS")) == 43
    assert len(items("IMHM-C")) == 50
    assert items("ECFA") == items("IFA")
    assert items("ECMHS") == items("IMHS")
    assert items("IMHS") - items("IFS") == {
        "Psychotherapeutic & behavioral theories of change",
        "Mental & behavioral disorders in adults",
    }
    assert items("IFS") - items("IFA") == {
        "Relationship-focused therapeutic practice",
        "Disorders of infancy/early childhood",
        "Treatment planning",
        "Evidence-based interventions",
        "Mentoring others",
    }
    assert "Reflective supervision" in items("IFRS")
    mentor_area_codes = set(
        Competency.objects.filter(area__framework=framework, area__mentors_only=True).values_list(
            "categories__code", flat=True
        )
    )
    assert mentor_area_codes == set(MENTORS)
    assert list(
        framework.areas.filter(mentors_only=True).order_by("order").values_list("name", flat=True)
    ) == ["Administration", "Research & Evaluation"]


def test_load_twice_changes_nothing(association, framework_data):
    framework_load(association=association, data=framework_data)
    before = snapshot(association)
    messages = []
    framework_load(
        association=association,
        data=framework_data,
        report=lambda framework, message: messages.append(message),
    )
    assert snapshot(association) == before
    assert messages == ["northfield 2025: up to date.", "northfield 2017: up to date."]


def test_load_reports_what_it_created(association, framework_data):
    messages = []
    framework_load(
        association=association,
        data=framework_data,
        report=lambda framework, message: messages.append(message),
    )
    assert messages == [
        "northfield 2025: created (10 areas, 13 categories, 50 competencies, 158 requirements).",
        "northfield 2017: created (10 areas, 13 categories, 50 competencies, 160 requirements).",
    ]


def test_each_association_gets_its_own_copy(loaded, association, framework_data):
    other = AssociationFactory(slug="lakeshore")
    framework_load(association=other, data=framework_data)
    mine = EndorsementCategory.objects.get(framework=loaded["2025"], code="IFS")
    theirs = EndorsementCategory.objects.get(
        framework__association=other, framework__version="2025", code="IFS"
    )
    assert mine.pk != theirs.pk
    Requirement.objects.filter(category=theirs, kind=RequirementKind.RSC).update(min_hours=30)
    (rsc,) = rows(loaded["2025"], "IFS", RequirementKind.RSC)
    assert rsc.min_hours == Decimal("24.0")
    assert Framework.objects.count() == 4


def test_load_keeps_the_associations_edits(loaded, association, framework_data):
    ifs = EndorsementCategory.objects.get(framework=loaded["2025"], code="IFS")
    Requirement.objects.filter(category=ifs, kind=RequirementKind.RSC).update(min_hours=30)
    EndorsementCategory.objects.filter(pk=ifs.pk).update(name="Family Specialist")
    item = Competency.objects.get(area__framework=loaded["2025"], name="Statistics")
    item.categories.clear()
    before = snapshot(association)
    framework_load(association=association, data=framework_data)
    assert snapshot(association) == before
    assert EndorsementCategory.objects.get(pk=ifs.pk).name == "Family Specialist"
    assert list(item.categories.all()) == []


def test_load_adds_what_is_missing(loaded, association, framework_data):
    framework = loaded["2025"]
    EndorsementCategory.objects.filter(framework=framework, code="ECFS").delete()
    Competency.objects.filter(area__framework=framework, name="Curiosity").delete()
    messages = []
    framework_load(
        association=association,
        data=framework_data,
        report=lambda framework, message: messages.append(message),
    )
    assert messages == [
        "northfield 2025: added 0 areas, 1 categories, 1 competencies, 10 requirements.",
        "northfield 2017: up to date.",
    ]
    ecfs = EndorsementCategory.objects.get(framework=framework, code="ECFS")
    assert ecfs.order == 8
    assert ecfs.requirements.count() == 10
    assert ecfs.competencies.count() == 41
    curiosity = Competency.objects.get(area__framework=framework, name="Curiosity")
    assert curiosity.categories.count() == 13


def test_load_skips_a_locked_version(loaded, association, framework_data, submit_application):
    imhs = EndorsementCategory.objects.get(framework=loaded["2025"], code="IMHS")
    submit_application(imhs)
    locked = Framework.objects.get(pk=loaded["2025"].pk)
    assert locked.locked_at is not None
    EndorsementCategory.objects.filter(framework=loaded["2017"], code="ECFA").delete()
    for version in framework_data["versions"]:
        version["categories"].append(
            {"code": "ERS", "family": "infant", "name": "Endorsed Reflective Supervisor"}
        )
    before = snapshot(association)
    messages = []
    frameworks = framework_load(
        association=association,
        data=framework_data,
        report=lambda framework, message: messages.append(message),
    )
    assert [f.pk for f in frameworks] == [loaded["2025"].pk, loaded["2017"].pk]
    assert messages == [
        f"northfield 2025: skipped, locked since {locked.locked_at:%Y-%m-%d} "
        "(an application was submitted under it).",
        "northfield 2017: added 0 areas, 2 categories, 0 competencies, 8 requirements.",
    ]
    assert list(loaded["2025"].categories.values_list("code", flat=True)) == ALL_CODES
    after = snapshot(association)
    new_2025 = [c for c in after["categories"] if c["framework_id"] == loaded["2025"].pk]
    old_2025 = [c for c in before["categories"] if c["framework_id"] == loaded["2025"].pk]
    assert new_2025 == old_2025
    assert list(loaded["2017"].categories.values_list("code", flat=True)) == [*ALL_CODES, "ERS"]


def test_invalid_data_writes_nothing(association, framework_data):
    framework_data["versions"][1]["categories"][0]["requirements"]["schooling"] = []
    with pytest.raises(FrameworkDataError):
        framework_load(association=association, data=framework_data)
    assert Framework.objects.count() == 0


def test_load_gives_existing_categories_the_names_they_lack(loaded, association, framework_data):
    framework = loaded["2025"]
    EndorsementCategory.objects.filter(framework=framework, code="IFS").update(names={})
    EndorsementCategory.objects.filter(framework=framework, code="IFA").update(
        names={"es": "Nuestro nombre"}
    )
    messages = []
    framework_load(
        association=association,
        data=framework_data,
        report=lambda framework, message: messages.append(message),
    )
    assert messages == [
        "northfield 2025: added 0 areas, 0 categories, 0 competencies, 0 requirements, "
        "1 category names in other languages.",
        "northfield 2017: up to date.",
    ]
    names = dict(framework.categories.filter(code__in=["IFS", "IFA"]).values_list("code", "names"))
    # The missing name is filled; the association's own is kept.
    assert names == {
        "IFS": {"es": "Especialista en Bebés y Familias"},
        "IFA": {"es": "Nuestro nombre"},
    }
