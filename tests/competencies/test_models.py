"""Requirement.describe(): the sentence applicants read, for each kind. No database needed."""

from decimal import Decimal

import pytest

from competencies.models import EndorsementCategory, Requirement


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"kind": "education", "education_levels": ["none"]}, "No degree is required."),
        (
            {"kind": "education", "education_levels": ["master", "mh_license"]},
            "Master's degree or Mental-health licence. A higher degree counts too.",
        ),
        (
            {"kind": "education", "education_levels": ["doctorate"]},
            "Doctorate.",
        ),
        (
            {
                "kind": "education",
                "education_levels": ["cda", "associate"],
                "min_years": Decimal("2.0"),
                "work_kind": "related",
            },
            "Child Development Associate (CDA) credential or Associate's degree. "
            "A higher degree counts too. Instead of a degree, 2 years of work related to "
            "infants, young children and families also qualify.",
        ),
        (
            {"kind": "work", "min_years": Decimal("2.0"), "work_kind": "paid_infant_family"},
            "At least 2 years of paid work with infants/toddlers and families.",
        ),
        (
            {"kind": "work", "min_years": Decimal("1.0"), "work_kind": "practice_leader"},
            "At least 1 year of leadership in practice.",
        ),
        (
            {"kind": "work", "min_years": Decimal("1.5"), "work_kind": "providing_rsc"},
            "At least 1.5 years of providing reflective supervision/consultation.",
        ),
        (
            {"kind": "training", "min_hours": Decimal("30.0")},
            "At least 30 hours of specialized in-service training.",
        ),
        (
            {"kind": "training", "min_hours": Decimal("3.0"), "topic": "dei"},
            "At least 3 of these hours must be on diversity, equity and inclusion.",
        ),
        (
            {"kind": "training", "min_hours": Decimal("30.0"), "topic": "imh"},
            "At least 30 of these hours must be on infant and early childhood mental health.",
        ),
        (
            {
                "kind": "rsc",
                "min_hours": Decimal("24.0"),
                "window_min_months": 12,
                "window_max_months": 24,
            },
            "At least 24 hours of reflective supervision/consultation received. "
            "The hours must be spread over 12 to 24 months.",
        ),
        (
            {"kind": "rsc", "min_hours": Decimal("50.0"), "window_max_months": 24},
            "At least 50 hours of reflective supervision/consultation received. "
            "The hours must fall within 24 months.",
        ),
        (
            {"kind": "rsc", "min_hours": Decimal("25.0"), "topic": "about_rsc_provided"},
            "Of those, at least 25 hours of reflective supervision/consultation about the RS/C "
            "you provide.",
        ),
        (
            {"kind": "rsc", "is_optional": True},
            "Reflective supervision/consultation is welcome but not required.",
        ),
        (
            {"kind": "rsc", "is_optional": True, "min_hours": Decimal("10.5")},
            "Optional: At least 10.5 hours of reflective supervision/consultation received.",
        ),
        (
            {"kind": "reference", "reference_kind": "current_supervisor"},
            "A reference rating from your current supervisor.",
        ),
        (
            {"kind": "reference", "reference_kind": "rsc_provider"},
            "A reference rating from the person who gives you reflective supervision/consultation.",
        ),
        (
            {"kind": "reference", "reference_kind": "rsc_recipient"},
            "A reference rating from someone who receives reflective supervision/consultation "
            "from you.",
        ),
        (
            {"kind": "reference", "reference_kind": "any"},
            "A reference rating from someone else who knows your work.",
        ),
        (
            {
                "kind": "exam",
                "exam_part": 1,
                "exam_kind": "multiple_choice",
                "questions": 60,
                "minutes": 90,
                "pass_percent": 80,
                "retake_wait_months": 12,
            },
            "Exam part 1: multiple-choice questions (60 questions, 90 minutes, pass at 80%). "
            "If you do not pass, you may try again after 12 months.",
        ),
        (
            {
                "kind": "exam",
                "exam_part": 2,
                "exam_kind": "vignettes",
                "minutes": 90,
                "choose": "2 of 3",
                "graders": 2,
                "pass_percent": 80,
            },
            "Exam part 2: written vignettes (answer 2 of 3, 90 minutes, scored by 2 graders, "
            "pass at 80%).",
        ),
        (
            {"kind": "exam", "exam_part": 2, "exam_kind": "vignettes", "retake_wait_months": 1},
            "Exam part 2: written vignettes. If you do not pass, you may try again after 1 month.",
        ),
        (
            {"kind": "renewal_training", "min_hours": Decimal("15.0")},
            "Each year, at least 15 hours of in-service training.",
        ),
        (
            {"kind": "renewal_training", "min_hours": Decimal("1.0"), "topic": "dei"},
            "At least 1 of these hours must be on diversity, equity and inclusion.",
        ),
        (
            {"kind": "renewal_rsc", "min_hours": Decimal("12.0")},
            "Each year, at least 12 hours of reflective supervision/consultation received.",
        ),
        (
            {
                "kind": "work",
                "min_years": Decimal("2"),
                "work_kind": "related",
                "is_optional": True,
            },
            "Optional: At least 2 years of work related to infants, young children and families.",
        ),
    ],
)
def test_describe(fields, sentence):
    assert Requirement(**fields).describe() == sentence


def test_str_names_the_category():
    category = EndorsementCategory(code="IFS", name="Infant Family Specialist")
    requirement = Requirement(category=category, kind="renewal_rsc", min_hours=Decimal("12"))
    assert str(requirement) == (
        "IFS: Each year, at least 12 hours of reflective supervision/consultation received."
    )
    assert str(category) == "Infant Family Specialist (IFS)"
