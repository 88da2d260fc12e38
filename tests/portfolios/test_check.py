"""The requirement check against the shipped framework: exact messages for each kind."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competencies.enums import EducationLevel, RequirementKind
from endorsement.models import Application
from portfolios.enums import RaterRelationship, ReferenceStatus
from portfolios.models import Signature
from portfolios.requirements import education_satisfies, requirement_check
from tests.portfolios.check_helpers import (
    accepted_application,
    add_education,
    add_membership,
    add_reference,
    add_rsc,
    add_training,
    add_work,
    complete_ifs,
    load_category,
    months_ago,
    publish_agreements,
    sign,
)


@pytest.fixture
def ifs(association):
    return load_category(association, "IFS")


@pytest.fixture
def portfolio(ifs):
    return accepted_application(ifs)


def details(check, section):
    return [item.detail for item in check.for_section(section)]


def test_ifs_training_hours_of_30(portfolio):
    add_training(portfolio, 12)
    add_training(portfolio, "10")
    (item,) = requirement_check(application=portfolio).for_section("training")
    assert item.detail == "Training: 22 of 30 hours"
    assert item.met is False
    assert item.required is True
    assert item.label == "At least 30 hours of specialized in-service training."
    assert item.kind == RequirementKind.TRAINING


def test_deleted_training_does_not_count(portfolio):
    add_training(portfolio, 30)
    deleted = add_training(portfolio, 5)
    deleted.deleted_at = timezone.now()
    deleted.save()
    assert details(requirement_check(application=portfolio), "training") == [
        "Training: 30 of 30 hours"
    ]
    assert requirement_check(application=portfolio).for_section("training")[0].met is True


def test_training_of_another_portfolio_does_not_count(portfolio, ifs):
    other = accepted_application(ifs)
    add_training(other, 30)
    assert details(requirement_check(application=portfolio), "training") == [
        "Training: 0 of 30 hours"
    ]


def test_imhs_dei_minimum(association):
    application = accepted_application(load_category(association, "IMHS"))
    add_training(application, 30.5)
    check = requirement_check(application=application)
    assert details(check, "training") == [
        "Training: 30.5 of 33 hours",
        "DEI training: 0 of 3 hours",
    ]
    assert [item.met for item in check.for_section("training")] == [False, False]

    add_training(application, 3, is_dei=True)
    check = requirement_check(application=application)
    assert details(check, "training") == [
        "Training: 33.5 of 33 hours",
        "DEI training: 3 of 3 hours",
    ]
    assert [item.met for item in check.for_section("training")] == [True, True]


def test_renewal_dei_hour_is_singular(association):
    """The one-hour renewal rows are not part of the portfolio check; the plural still works."""
    from portfolios.requirements import _of_hours

    assert _of_hours(0, 1) == "0 of 1 hour"
    assert _of_hours(2, 1) == "2 of 1 hour"
    assert _of_hours(1, 3) == "1 of 3 hours"


def test_ifrs_training_topics(association):
    """imh counts every training not about providing RS/C; rsc the RS/C ones; dei the DEI ones."""
    application = accepted_application(load_category(association, "IFRS"))
    add_training(application, 20)
    add_training(application, 6, is_rsc=True)
    add_training(application, 2, is_dei=True)
    check = requirement_check(application=application)
    assert details(check, "training") == [
        "Training: 28 of 48 hours",
        "Infant mental health training: 22 of 30 hours",
        "Training on providing RS/C: 6 of 15 hours",
        "DEI training: 2 of 3 hours",
    ]


def test_ifs_needs_no_degree(portfolio):
    (item,) = requirement_check(application=portfolio).for_section("education")
    assert (item.detail, item.met, item.label) == (
        "Education: no degree is required.",
        True,
        "No degree is required.",
    )


@pytest.fixture
def imhs(association):
    return accepted_application(load_category(association, "IMHS"))


def test_imhs_education_missing(imhs):
    add_education(imhs, EducationLevel.BACHELOR)
    (item,) = requirement_check(application=imhs).for_section("education")
    assert item.detail == ("Education: no Master's degree or Mental-health licence listed yet.")
    assert item.met is False


@pytest.mark.parametrize(
    ("level", "credential", "detail"),
    [
        (EducationLevel.MASTER, "MSW", "Education: MSW (Master's degree)."),
        (EducationLevel.MH_LICENSE, "LCSW", "Education: LCSW (Mental-health licence)."),
        (
            EducationLevel.DOCTORATE,
            "PhD in Psychology",
            "Education: PhD in Psychology (Doctorate).",
        ),
    ],
)
def test_imhs_education_met(imhs, level, credential, detail):
    add_education(imhs, EducationLevel.BACHELOR, "BA")
    add_education(imhs, level, credential)
    (item,) = requirement_check(application=imhs).for_section("education")
    assert (item.detail, item.met) == (detail, True)


def test_deleted_education_does_not_count(imhs):
    row = add_education(imhs, EducationLevel.MASTER, "MSW")
    row.deleted_at = timezone.now()
    row.save()
    (item,) = requirement_check(application=imhs).for_section("education")
    assert item.met is False


def test_licence_counts_as_a_masters_for_mentors(association):
    application = accepted_application(load_category(association, "IMHM-C"))
    add_education(application, EducationLevel.MH_LICENSE, "LPC")
    (item,) = requirement_check(application=application).for_section("education")
    assert (item.detail, item.met) == ("Education: LPC (Mental-health licence).", True)


@pytest.mark.parametrize(
    ("level", "accepted", "expected"),
    [
        ("cda", ["cda", "associate"], True),
        ("bachelor", ["cda", "associate"], True),
        ("none", ["cda", "associate"], False),
        ("bachelor", ["master", "mh_license"], False),
        ("master", ["master", "mh_license"], True),
        ("doctorate", ["master", "mh_license"], True),
        ("mh_license", ["master"], True),
        ("mh_license", ["bachelor"], True),
        ("doctorate", ["mh_license"], False),
        ("master", ["mh_license"], False),
        ("mh_license", ["doctorate"], False),
        ("none", ["none"], True),
    ],
)
def test_education_satisfies(level, accepted, expected):
    assert education_satisfies(level, accepted) is expected


def test_rsc_hours_within_window(portfolio):
    add_rsc(portfolio, 18, start=months_ago(14), end=months_ago(1, day=28))
    (item,) = requirement_check(application=portfolio).for_section("rsc")
    assert item.detail == "RS/C: 18 of 24 hours within 24 months"
    assert (item.met, item.required) == (False, True)


def test_optional_rsc_is_never_missing(association):
    application = accepted_application(load_category(association, "IFA"))
    add_rsc(application, 5, start=months_ago(3), end=months_ago(2))
    (item,) = requirement_check(application=application).for_section("rsc")
    assert item.detail == "RS/C: 5 hours received (optional)"
    assert (item.required, item.missing) == (False, False)
    assert item not in requirement_check(application=application).missing


def test_agreements_not_published(portfolio):
    check = requirement_check(application=portfolio)
    assert details(check, "agreements") == [
        "Code of Ethics: Northfield Association for Infant Mental Health has not published it "
        "yet. Please contact them.",
        "Endorsement Agreement: Northfield Association for Infant Mental Health has not "
        "published it yet. Please contact them.",
    ]
    assert [item.met for item in check.for_section("agreements")] == [False, False]


def test_agreements_signed_in_the_current_version(portfolio, association):
    old_code, old_agreement = publish_agreements(association, version="2024")
    for text in (old_code, old_agreement):
        text.effective_from = datetime.date(2024, 1, 1)
        text.save()
        sign(portfolio, text)
    code, _agreement = publish_agreements(association, version="2025")
    signature = sign(portfolio, code)
    Signature.objects.filter(pk=signature.pk).update(
        signed_at=datetime.datetime(2025, 3, 3, 12, tzinfo=datetime.UTC)
    )
    check = requirement_check(application=portfolio)
    assert details(check, "agreements") == [
        "Code of Ethics (version 2025): signed on March 3, 2025.",
        "Endorsement Agreement (version 2025): not signed yet.",
    ]
    assert [item.met for item in check.for_section("agreements")] == [True, False]
    assert [item.label for item in check.for_section("agreements")] == [
        "Sign the Code of Ethics.",
        "Sign the Endorsement Agreement.",
    ]


def test_agreement_of_another_association_does_not_count(portfolio, association, other_association):
    publish_agreements(association)
    for text in publish_agreements(other_association):
        sign(portfolio, text)
    check = requirement_check(application=portfolio)
    assert [item.met for item in check.for_section("agreements")] == [False, False]


def test_membership(portfolio):
    (item,) = requirement_check(application=portfolio).for_section("membership")
    assert item.detail == (
        "Membership of Northfield Association for Infant Mental Health: none on record for this "
        "year. Join online: pay the membership fee or ask for a waiver."
    )
    assert item.met is False
    assert item.link == "/billing/membership/northfield/"
    add_membership(portfolio)
    (item,) = requirement_check(application=portfolio).for_section("membership")
    year = portfolio.association.today().year
    assert item.detail == (
        f"Membership of Northfield Association for Infant Mental Health: active until "
        f"Dec. 31, {year}."
    )
    assert item.met is True


def test_exams_are_listed_not_checked(association):
    application = accepted_application(load_category(association, "IMHM-C"))
    check = requirement_check(application=application)
    assert [exam.exam_part for exam in check.exams] == [1, 2]
    assert all(item.kind != RequirementKind.EXAM for item in check.items)


def test_ifs_sections_in_order(portfolio):
    check = requirement_check(application=portfolio)
    assert [(item.section, item.kind) for item in check.items] == [
        ("education", "education"),
        ("work", "work"),
        ("training", "training"),
        ("rsc", "rsc"),
        ("references", "reference"),
        ("references", "reference"),
        ("references", "reference"),
        ("agreements", "agreement"),
        ("agreements", "agreement"),
        ("membership", "membership"),
    ]


def test_empty_portfolio_is_incomplete(portfolio):
    check = requirement_check(application=portfolio)
    assert check.complete is False
    assert check.missing == [item for item in check.items if item.required and not item.met]
    assert check.met_count == 1  # education: no degree needed


def test_complete_ifs(portfolio):
    complete_ifs(portfolio)
    check = requirement_check(application=portfolio)
    assert [item.detail for item in check.missing] == []
    assert check.complete is True
    assert check.met_count == check.required_count


def test_a_section_check_cannot_say_complete(portfolio):
    check = requirement_check(application=portfolio, sections=["training"])
    assert [item.section for item in check.items] == ["training"]
    assert list(check.by_section) == ["training"]
    with pytest.raises(ValueError):
        _ = check.complete


def _evidence(application, n):
    for i in range(n):
        add_training(application, 1, title=f"Training {i}", is_dei=i % 2 == 0)
        add_education(application, EducationLevel.BACHELOR, f"BA {i}")
        add_work(
            application,
            start=datetime.date(2010 + i % 10, 1, 1),
            end=datetime.date(2010 + i % 10, 6, 30),
        )
        add_rsc(application, 1, start=months_ago(3), end=months_ago(2))
        add_reference(application, "any")


def _queries(application) -> int:
    # Loaded as the portfolio's pages load it.
    application = Application.objects.select_related(
        "association", "applicant", "category__framework"
    ).get(pk=application.pk)
    with CaptureQueriesContext(connection) as queries:
        requirement_check(application=application)
    return len(queries)


def test_query_count_does_not_grow_with_evidence(association):
    category = load_category(association, "IFS")
    small = accepted_application(category)
    large = accepted_application(category)
    add_training(small, 1)
    add_rsc(small, 1, start=months_ago(3), end=months_ago(2))
    _evidence(large, 40)  # 200 items, 40 in each section
    assert _queries(small) == _queries(large)


def test_ifs_work_years(portfolio):
    add_work(
        portfolio,
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2023, 6, 30),
        hours_per_week=35,
    )
    (item,) = requirement_check(application=portfolio).for_section("work")
    assert item.detail == (
        "Work experience: 1.49 of 2 years of paid work with infants/toddlers and families."
    )
    assert item.met is False
    assert item.notes == [
        "Early Head Start, Home visitor: 1 Jan 2022 – 30 Jun 2023 = 1.49 years, full time "
        "(35 hours a week; full time is 35) = 1.49 years"
    ]
    assert item.label == "At least 2 years of paid work with infants/toddlers and families."


def test_ifs_work_years_met(portfolio):
    add_work(portfolio, start=datetime.date(2020, 1, 1), end=datetime.date(2024, 12, 31))
    (item,) = requirement_check(application=portfolio).for_section("work")
    assert item.detail == (
        "Work experience: 5 of 2 years of paid work with infants/toddlers and families."
    )
    assert item.met is True


def test_ifa_education_met_by_work_instead(association):
    application = accepted_application(load_category(association, "IFA"))
    add_education(application, EducationLevel.NONE, "High school diploma")
    (item,) = requirement_check(application=application).for_section("education")
    assert item.detail == (
        "Education: no Child Development Associate (CDA) credential or Associate's degree "
        "listed yet; work instead: 0 of 2 years."
    )
    assert item.met is False

    add_work(
        application,
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2023, 12, 31),
        hours_per_week=20,
        work_kind="related",
    )
    (item,) = requirement_check(application=application).for_section("education")
    assert item.detail == (
        "Education: no Child Development Associate (CDA) credential or Associate's degree "
        "listed yet; work instead: 1.71 of 2 years."
    )
    assert item.met is False

    add_work(
        application,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
        hours_per_week=35,
        work_kind="related",
    )
    (item,) = requirement_check(application=application).for_section("education")
    assert item.detail == (
        "Education: no Child Development Associate (CDA) credential or Associate's degree "
        "listed, but your work counts instead: 2.71 of 2 years."
    )
    assert item.met is True


def test_ifa_education_met_by_a_degree(association):
    application = accepted_application(load_category(association, "IFA"))
    add_education(application, EducationLevel.BACHELOR, "BA in Early Childhood Education")
    (item,) = requirement_check(application=application).for_section("education")
    assert item.detail == "Education: BA in Early Childhood Education (Bachelor's degree)."
    assert item.met is True


def test_references_pending(portfolio):
    add_reference(portfolio, RaterRelationship.CURRENT_SUPERVISOR)
    add_reference(portfolio, RaterRelationship.RSC_PROVIDER, status=ReferenceStatus.INVITED)
    check = requirement_check(application=portfolio)
    items = check.for_section("references")
    assert [item.met for item in items] == [True, False, False]
    assert check.by_section["references"].summary == (
        "References: 1 of 3 received, RS/C provider and 1 other pending"
    )
    assert items[2].detail == "Anyone who knows your work: nobody asked yet."
    assert items[1].detail.startswith("RS/C provider: waiting for Rater ")


def test_numbers_follow_the_language():
    from decimal import Decimal

    from django.utils import translation

    from portfolios.requirements import number

    assert [number(Decimal(v)) for v in ("22.5", "30.0", "2.14", "0")] == [
        "22.5",
        "30",
        "2.14",
        "0",
    ]
    with translation.override("es"):
        assert number(Decimal("22.5")) == "22,5"
