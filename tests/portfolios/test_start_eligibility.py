"""The eligibility check against the shipped framework (version 2025, in force today)."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from competencies.enums import EducationLevel as E
from competencies.models import EndorsementCategory
from portfolios.eligibility import (
    EligibilityAnswers,
    Fit,
    category_eligibility,
    education_meets,
    eligibility_check,
)


@pytest.fixture
def framework_loaded(association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    return association


def codes(items) -> list[str]:
    return [item.category.code for item in items]


def by_code(result) -> dict:
    return {item.category.code: item for _fit, _label, items in result.groups for item in items}


def answers(education=E.BACHELOR, work=3, dyadic=False, training=40, rsc=30):
    return EligibilityAnswers(
        education=education,
        work_years=Decimal(work),
        dyadic=dyadic,
        training_hours=Decimal(training),
        rsc_hours=Decimal(rsc),
    )


def test_bachelor_with_three_years_fits_associate_and_specialist_not_mental_health(
    framework_loaded,
):
    result = eligibility_check(association=framework_loaded, answers=answers())
    assert result.framework.version == "2025"
    assert codes(result.fits) == ["IFA", "IFS", "ECFA", "ECFS"]
    assert codes(result.almost) == ["IFRS"]
    assert codes(result.no) == [
        "IMHS",
        "IMHM-C",
        "IMHM-P",
        "IMHM-RF",
        "ECMHS",
        "ECMHM-C",
        "ECMHM-P",
        "ECMHM-RF",
    ]
    judged = by_code(result)
    assert judged["IFA"].missing == []
    assert judged["IFS"].missing == []
    assert judged["IFS"].also_needed == []
    assert judged["IMHS"].missing == [
        "You need this education: Master's degree or Mental-health licence. "
        "A higher degree counts too.",
        "You need 2 years of post-graduate, dyadic parent–infant work. "
        "You told us your work was not that.",
        "You need 20 more hours of reflective supervision/consultation (RS/C).",
    ]
    assert judged["IMHS"].also_needed == [
        "At least 3 of these hours must be on diversity, equity and inclusion."
    ]


def test_almost_fits_says_how_many_hours_are_missing(framework_loaded):
    result = eligibility_check(association=framework_loaded, answers=answers(training=24))
    assert codes(result.fits) == []
    judged = by_code(result)
    assert judged["IFA"].fit == Fit.ALMOST
    assert judged["IFA"].missing == ["You need 6 more hours of training."]
    assert judged["IFS"].fit == Fit.ALMOST
    assert judged["IFS"].missing == ["You need 6 more hours of training."]
    assert judged["IFRS"].missing == ["You need 24 more hours of training."]
    assert judged["IFRS"].also_needed == [
        "At least 1 year of leadership in practice.",
        "At least 30 of these hours must be on infant and early childhood mental health.",
        "At least 15 of these hours must be on providing reflective supervision/consultation.",
        "At least 3 of these hours must be on diversity, equity and inclusion.",
    ]


def test_one_hour_short_is_singular(framework_loaded):
    result = eligibility_check(association=framework_loaded, answers=answers(training=29))
    assert by_code(result)["IFA"].missing == ["You need 1 more hour of training."]


def test_far_from_the_hours_does_not_fit(framework_loaded):
    result = eligibility_check(association=framework_loaded, answers=answers(training=10, rsc=0))
    judged = by_code(result)
    assert judged["IFA"].fit == Fit.NO
    assert judged["IFA"].missing == ["You need 20 more hours of training."]
    assert judged["IFS"].fit == Fit.NO
    assert judged["IFS"].missing == [
        "You need 20 more hours of training.",
        "You need 24 more hours of reflective supervision/consultation (RS/C).",
    ]


def test_a_year_short_of_paid_work_almost_fits(framework_loaded):
    result = eligibility_check(association=framework_loaded, answers=answers(work=1))
    judged = by_code(result)
    assert judged["IFS"].fit == Fit.ALMOST
    assert judged["IFS"].missing == [
        "You need 1 more year of paid work with infants/toddlers and families."
    ]


def test_half_a_year_short_is_written_as_a_decimal(framework_loaded):
    result = eligibility_check(association=framework_loaded, answers=answers(work="1.5"))
    assert by_code(result)["IFS"].missing == [
        "You need 0.5 more years of paid work with infants/toddlers and families."
    ]


def test_no_degree_with_two_years_of_work_fits_the_associate(framework_loaded):
    result = eligibility_check(
        association=framework_loaded, answers=answers(education=E.NONE, work=2)
    )
    assert by_code(result)["IFA"].fit == Fit.FITS


def test_no_degree_and_a_year_of_work_almost_fits_the_associate(framework_loaded):
    result = eligibility_check(
        association=framework_loaded, answers=answers(education=E.NONE, work=1)
    )
    judged = by_code(result)["IFA"]
    assert judged.fit == Fit.ALMOST
    assert judged.missing == [
        "You need this education: Child Development Associate (CDA) credential or "
        "Associate's degree. Or, instead, 1 more year of work related to infants, young "
        "children and families."
    ]


def test_no_degree_and_no_work_does_not_fit_the_associate(framework_loaded):
    result = eligibility_check(
        association=framework_loaded, answers=answers(education=E.NONE, work=0)
    )
    assert by_code(result)["IFA"].fit == Fit.NO


def test_master_with_dyadic_work_fits_the_mental_health_specialist(framework_loaded):
    result = eligibility_check(
        association=framework_loaded,
        answers=answers(education=E.MASTER, dyadic=True, training=48, rsc=50),
    )
    judged = by_code(result)
    assert judged["IMHS"].fit == Fit.FITS
    assert judged["IMHS"].missing == []
    assert judged["ECMHS"].fit == Fit.FITS
    # Mentors: what the questions do not cover is listed, not judged.
    assert judged["IMHM-C"].fit == Fit.FITS
    assert judged["IMHM-C"].also_needed == [
        "At least 3 years of providing reflective supervision/consultation.",
        "At least 3 years of leadership in practice.",
        "At least 30 of these hours must be on infant and early childhood mental health.",
        "At least 15 of these hours must be on providing reflective supervision/consultation.",
        "At least 3 of these hours must be on diversity, equity and inclusion.",
        "Of those, at least 25 hours of reflective supervision/consultation about the RS/C "
        "you provide.",
    ]


def test_a_closed_category_is_left_out(framework_loaded):
    result = eligibility_check(association=framework_loaded, answers=answers())
    EndorsementCategory.objects.filter(framework=result.framework, code="IFA").update(is_open=False)
    result = eligibility_check(association=framework_loaded, answers=answers())
    assert codes(result.fits) == ["IFS", "ECFA", "ECFS"]


def test_an_add_on_says_so(framework_loaded):
    result = eligibility_check(association=framework_loaded, answers=answers())
    category = EndorsementCategory.objects.get(framework=result.framework, code="IFS")
    category.is_add_on = True
    judged = category_eligibility(category=category, answers=answers())
    assert judged.fit == Fit.FITS
    assert judged.also_needed == ["This category is only for holders of another endorsement."]


def test_no_framework_in_force_gives_no_categories(association):
    result = eligibility_check(association=association, answers=answers())
    assert result.framework is None
    assert (result.fits, result.almost, result.no) == ([], [], [])


def test_three_queries(framework_loaded, django_assert_num_queries):
    with django_assert_num_queries(3):  # framework in force, categories, requirements
        eligibility_check(association=framework_loaded, answers=answers())


@pytest.mark.parametrize(
    ("level", "accepted", "expected"),
    [
        (E.NONE, [E.NONE], True),
        (E.NONE, [], True),
        (E.NONE, [E.CDA, E.ASSOCIATE], False),
        (E.CDA, [E.CDA, E.ASSOCIATE], True),
        (E.BACHELOR, [E.CDA, E.ASSOCIATE], True),
        (E.BACHELOR, [E.MASTER, E.MH_LICENSE], False),
        (E.MASTER, [E.MASTER, E.MH_LICENSE], True),
        (E.DOCTORATE, [E.MASTER], True),
        (E.MH_LICENSE, [E.MASTER, E.MH_LICENSE], True),
        (E.ASSOCIATE, [E.MH_LICENSE], False),
    ],
)
def test_education_meets(level, accepted, expected):
    assert education_meets(level, accepted) is expected


def test_the_best_fit_is_the_surest_then_the_one_that_asks_the_most(framework_loaded):
    # Nothing fits now: of those that almost fit, IFRS asks the most but also for work we did
    # not ask about (leadership in practice); IFS is as close and asks more than IFA. The
    # others keep the framework's order.
    result = eligibility_check(association=framework_loaded, answers=answers(training=24))
    assert result.fits == []
    assert codes(result.fitting) == [
        "IFS",
        "IFA",
        "IFRS",
        "ECFA",
        "ECFS",
    ]
    # With everything IMHS asks for, the mental-health specialist comes before the categories
    # that ask less; the mentors fit too but ask for leadership work we did not ask about.
    result = eligibility_check(
        association=framework_loaded,
        answers=answers(education=E.MASTER, work=5, dyadic=True, training=60, rsc=60),
    )
    assert codes(result.fits)[:2] == ["IFA", "IFS"]
    assert result.best.category.code == "IMHS"
    assert result.fitting[0] is result.best


def test_no_best_fit_when_nothing_fits_or_almost_fits(framework_loaded):
    result = eligibility_check(
        association=framework_loaded, answers=answers(education=E.NONE, work=0, training=0, rsc=0)
    )
    assert (result.best, result.fitting) == (None, [])
