import datetime
import html as htmllib
import re

import pytest
from django.urls import reverse

from competencies.enums import Family, RequirementKind
from competencies.models import EndorsementCategory
from competencies.services import framework_clone, framework_load
from tests.factories import (
    AssociationFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    RequirementFactory,
)

NO_EXAM = "None: there is no exam for this category."


def text(response) -> str:
    """The main landmark's text, tags removed and spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip())


def headings(response) -> list[tuple[int, str]]:
    html = response.content.decode()
    return [
        (int(level), htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", inner)).strip()))
        for level, inner in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", html, flags=re.S)
    ]


def assert_heading_order(response):
    levels = [level for level, _ in headings(response)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


# --- home ---------------------------------------------------------------------------------------


def test_home_lists_active_associations_and_explains_the_steps(client, association):
    AssociationFactory(name="Hidden Association", slug="hidden", is_active=False)
    AssociationFactory(name="Another Association", slug="another")
    response = client.get("/")
    assert response.status_code == 200
    assert [a.slug for a in response.context["associations"]] == ["another", "northfield"]
    content = text(response)
    assert "Hidden Association" not in content
    assert headings(response) == [
        (1, "Endorsement for infant and early childhood mental health"),
        (2, "How it works"),
        (2, "Associations"),
        (2, "Get started"),
    ]
    steps = re.findall(r"<li class=\"mb-2\"><strong>(.*?)</strong>", response.content.decode())
    assert steps == [
        "Register.",
        "Build your portfolio.",
        "Review.",
        "Exam (Mentors only).",
        "Award.",
        "Renew each year.",
    ]
    html = response.content.decode()
    assert f'href="{reverse("competencies:association", args=["northfield"])}"' in html
    assert f'href="{reverse("account_signup")}">Create an account</a>' in html


def test_home_without_associations(client, db):
    response = client.get("/")
    assert "No association is taking applications yet." in text(response)


def test_home_for_a_signed_in_user_links_to_the_dashboard(client, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f'href="{reverse("accounts:dashboard")}">Go to your dashboard</a>' in html
    assert "Create an account</a>" not in html


# --- association page ---------------------------------------------------------------------------


def test_association_page_explains_every_category(client, loaded, association):
    response = client.get(f"/a/{association.slug}/")
    assert response.status_code == 200
    assert response.context["framework"] == loaded["2025"]
    assert_heading_order(response)
    h2 = [title for level, title in headings(response) if level == 2]
    assert h2 == [
        "Categories on this page",
        "The categories compared",
        "Infant family (birth to 36 months)",
        "Early childhood (3 up to 6 years)",
        "Membership",
        "Verify an endorsement",
        "Questions",
    ]
    h3 = [title for level, title in headings(response) if level == 3]
    assert h3 == [
        "Infant Family Associate (IFA)",
        "Infant Family Specialist (IFS)",
        "Infant Family Reflective Supervisor (IFRS)",
        "Infant Mental Health Specialist (IMHS)",
        "Infant Mental Health Mentor – Clinical (IMHM-C)",
        "Infant Mental Health Mentor – Policy (IMHM-P)",
        "Infant Mental Health Mentor – Research/Faculty (IMHM-RF)",
        "Early Childhood Family Associate (ECFA)",
        "Early Childhood Family Specialist (ECFS)",
        "Early Childhood Mental Health Specialist (ECMHS)",
        "Early Childhood Mental Health Mentor – Clinical (ECMHM-C)",
        "Early Childhood Mental Health Mentor – Policy (ECMHM-P)",
        "Early Childhood Mental Health Mentor – Research/Faculty (ECMHM-RF)",
    ]
    content = text(response)
    # IFA, IFS, IFRS, IMHS and their three early-childhood counterparts have no exam in 2025
    assert content.count(NO_EXAM) == 7
    assert content.count("Exam part 1: multiple-choice questions") == 6
    assert "reflective supervision/consultation (RS/C)" in content
    assert (
        "You need an individual membership of Northfield Association for Infant Mental Health. "
        "A membership through your employer does not count." in content
    )
    assert "If you join on or after 1 October, your membership also covers the next year." in (
        content
    )
    assert 'href="mailto:office@northfield.example.org"' in response.content.decode()
    assert "These requirements are in force since Jan. 1, 2025." in content
    assert "version" not in content  # the version's name is the association's own business


def test_association_page_groups_a_categorys_requirements_by_kind(client, loaded, association):
    response = client.get(f"/a/{association.slug}/")
    ifs = next(
        c for family in response.context["families"] for c in family.categories if c.code == "IFS"
    )
    groups = [
        (str(g.heading), [r.describe() for r in g.requirements]) for g in ifs.requirement_groups
    ]
    assert groups == [
        ("Education", ["No degree is required."]),
        ("Work", ["At least 2 years of paid work with infants/toddlers and families."]),
        ("Training", ["At least 30 hours of specialized in-service training."]),
        (
            "RS/C",
            [
                "At least 24 hours of reflective supervision/consultation received. "
                "The hours must be spread over 12 to 24 months."
            ],
        ),
        (
            "References",
            [
                "A reference rating from your current supervisor.",
                "A reference rating from the person who gives you reflective "
                "supervision/consultation.",
                "A reference rating from someone else who knows your work.",
            ],
        ),
        ("Exam", []),
        (
            "Renewal",
            [
                "Each year, at least 15 hours of in-service training.",
                "At least 1 of these hours must be on diversity, equity and inclusion.",
                "Each year, at least 12 hours of reflective supervision/consultation received.",
            ],
        ),
    ]
    html = response.content.decode()
    assert '<abbr title="reflective supervision/consultation">RS/C</abbr>' in html
    assert f'href="{reverse("competencies:category", args=["northfield", "IFS"])}"' in html


def test_association_page_compares_its_categories_before_the_details(client, loaded, association):
    response = client.get(f"/a/{association.slug}/")
    rows = {
        row.category.code: (
            row.who,
            row.degree,
            row.work,
            row.training,
            row.rsc,
            row.references,
            row.exam,
        )
        for row in response.context["comparison"]
    }
    assert list(rows) == [c.code for f in response.context["families"] for c in f.categories]
    assert rows["IFA"] == (
        "Infant family (birth to 36 months)",
        "Child Development Associate (CDA) credential or Associate's degree, or 2 years of work",
        "—",
        "30 hours",
        "Optional",
        "3",
        "No",
    )
    assert rows["IFS"] == (
        "Infant family (birth to 36 months)",
        "No degree",
        "2 years",
        "30 hours",
        "24 hours over 12–24 months",
        "3",
        "No",
    )
    assert rows["ECMHM-P"] == (
        "Early childhood (3 up to 6 years); track: Policy",
        "Master's degree",
        "3 years",
        "33 hours",
        "Optional",
        "3",
        "Yes",
    )
    html = response.content.decode()
    table = html.index(
        '<table class="table table-sm align-top table-stack" id="category-comparison">'
    )
    assert table < html.index('id="category-IFA"') < html.index('id="category-ECFA"')
    assert (
        '<tr id="compare-IMHS">\n        <th scope="row" data-label="Category">'
        '<a href="#category-IMHS">Infant Mental Health Specialist (IMHS)</a></th>'
    ) in html
    assert '<td data-label="Exam">Yes</td>' in html
    # Every cell of the body names its column, for the stacked layout on phones.
    body = html[table : html.index("</table>", table)].split("<tbody>")[1]
    assert body.count("<td ") == body.count('<td data-label="') == 7 * len(rows)


def test_association_page_without_a_framework(client, association):
    response = client.get(f"/a/{association.slug}/")
    assert response.status_code == 200
    assert "This association has not published its requirements yet." in text(response)
    assert_heading_order(response)


def test_association_page_shows_the_published_version_in_force(client, loaded, association):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    draft = framework_clone(framework=loaded["2025"], version="next", effective_from=yesterday)
    EndorsementCategory.objects.filter(framework=draft, code="IFA").update(
        is_open=False, name="Associate (new rules)"
    )
    response = client.get(f"/a/{association.slug}/")
    assert response.context["framework"] == loaded["2025"]
    assert "Associate (new rules)" not in text(response)

    draft.is_published = True
    draft.save()
    response = client.get(f"/a/{association.slug}/")
    assert response.context["framework"] == draft
    content = text(response)
    assert "Associate (new rules) (IFA) " in content
    assert content.count("Not open to new applications.") == 1
    assert "These requirements are in force since" in content


@pytest.mark.parametrize("slug", ["nowhere", "hidden"])
def test_association_page_404(client, db, slug):
    AssociationFactory(slug="hidden", is_active=False)
    assert client.get(f"/a/{slug}/").status_code == 404


# --- category page ------------------------------------------------------------------------------


def test_category_page_lists_requirements_and_competencies(client, loaded, association):
    response = client.get(f"/a/{association.slug}/categories/IMHS/")
    assert response.status_code == 200
    assert_heading_order(response)
    assert headings(response) == [
        (1, "Infant Mental Health Specialist (IMHS)"),
        (2, "What you need"),
        (3, "Education"),
        (3, "Work"),
        (3, "Training"),
        (3, "RS/C (reflective supervision/consultation)"),
        (3, "References"),
        (3, "Exam"),
        (3, "Renewal"),
        (2, "Competencies"),
        (3, "Theoretical Foundations"),
        (3, "Law, Regulation & Agency Policy"),
        (3, "Systems Expertise"),
        (3, "Direct Service Skills"),
        (3, "Working with Others"),
        (3, "Communicating"),
        (3, "Thinking"),
        (3, "Reflection"),
        (2, "Ready to start?"),
    ]
    content = text(response)
    assert "Master's degree or Mental-health licence. A higher degree counts too." in (content)
    assert NO_EXAM in content
    assert "Mental & behavioral disorders in adults" in content
    assert "Statistics" not in content
    areas = response.context["areas"]
    assert [len(group.items) for group in areas] == [11, 3, 2, 9, 4, 3, 5, 6]


def test_category_page_of_a_mentor_has_the_exam_and_mentor_areas(client, loaded, association):
    response = client.get(f"/a/{association.slug}/categories/IMHM-P/")
    assert response.status_code == 200
    content = text(response)
    assert NO_EXAM not in content
    assert (
        "Exam part 2: written vignettes (answer 2 of 3, 90 minutes, scored by 2 graders, "
        "pass at 80%). If you do not pass, you may try again after 12 months. "
        "The vignettes are about program administration." in content
    )
    assert "Track: Policy" in content
    area_names = [group.area.name for group in response.context["areas"]]
    assert area_names[-2:] == ["Administration", "Research & Evaluation"]
    assert 'Administration <span class="badge text-bg-secondary">Mentors</span>' in (
        response.content.decode()
    )


def test_category_page_of_a_closed_category_says_so(client, loaded, association):
    EndorsementCategory.objects.filter(framework=loaded["2025"], code="IFA").update(is_open=False)
    response = client.get(f"/a/{association.slug}/categories/IFA/")
    assert "This category is not open to new applications." in text(response)


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("northfield", "NOPE"),
        ("northfield", "ifa"),
        ("nowhere", "IFA"),
        ("hidden", "IFA"),
        ("empty", "IFA"),
    ],
)
def test_category_page_404(client, loaded, framework_data, slug, code):
    hidden = AssociationFactory(slug="hidden", is_active=False)
    framework_load(association=hidden, data=framework_data)
    AssociationFactory(slug="empty")
    assert client.get(f"/a/{slug}/categories/{code}/").status_code == 404


def test_category_of_another_association_is_not_shown(client, loaded, association):
    other = AssociationFactory(slug="lakeshore")
    framework = FrameworkFactory(association=other, version="2025")
    EndorsementCategoryFactory(framework=framework, code="LOCAL", name="Only at Lakeshore")
    assert client.get(f"/a/{association.slug}/categories/LOCAL/").status_code == 404
    assert client.get("/a/lakeshore/categories/LOCAL/").status_code == 200


# --- query counts -------------------------------------------------------------------------------


def build(association, *, categories: int, requirements: int, items: int):
    framework = FrameworkFactory(association=association, effective_from=datetime.date(2020, 1, 1))
    areas = [CompetencyAreaFactory(framework=framework) for _ in range(max(1, items // 5))]
    made = []
    for index in range(categories):
        family = Family.INFANT if index % 2 else Family.EARLY_CHILDHOOD
        category = EndorsementCategoryFactory(framework=framework, code=f"C{index}", family=family)
        kinds = list(RequirementKind)
        for number in range(requirements):
            RequirementFactory(category=category, kind=kinds[number % len(kinds)], order=number)
        made.append(category)
    for index in range(items):
        item = CompetencyFactory(area=areas[index % len(areas)])
        item.categories.set(made)
    return made


@pytest.mark.parametrize("size", [1, 12])
def test_home_query_count(client, django_assert_num_queries, size, db):
    for _ in range(size):
        AssociationFactory()
    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("categories", "requirements", "items"), [(1, 1, 1), (15, 12, 40)], ids=["one", "many"]
)
def test_association_page_query_count(
    client, association, django_assert_num_queries, categories, requirements, items
):
    build(association, categories=categories, requirements=requirements, items=items)
    # association, version in force, categories, their requirements, the fees (billing)
    with django_assert_num_queries(5):
        response = client.get(f"/a/{association.slug}/")
    assert response.status_code == 200
    assert len([c for f in response.context["families"] for c in f.categories]) == categories


@pytest.mark.parametrize(
    ("categories", "requirements", "items"), [(1, 1, 1), (5, 16, 60)], ids=["one", "many"]
)
def test_category_page_query_count(
    client, association, django_assert_num_queries, categories, requirements, items
):
    build(association, categories=categories, requirements=requirements, items=items)
    # association, version in force, category, its requirements, its competencies with areas,
    # the fees (billing)
    with django_assert_num_queries(6):
        response = client.get(f"/a/{association.slug}/categories/C0/")
    assert response.status_code == 200
    assert sum(len(group.items) for group in response.context["areas"]) == items
    assert len(response.context["category"].requirements.all()) == requirements
