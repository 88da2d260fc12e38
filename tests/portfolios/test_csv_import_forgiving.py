"""The CSV import forgives: one normaliser for names and values, "did you mean …?" for near
misses, and the category's items offered on the import page and as a CSV file."""

import codecs
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.enums import Role
from portfolios.csv_import import normalize, parse_rows, read_csv, suggestions
from tests.factories import CompetencyFactory, UserFactory
from tests.portfolios.training_helpers import make_application, make_category

TODAY = datetime.date(2026, 5, 1)
HEADER = "title,provider,date,hours,format,competencies,dei,rsc\r\n"


@pytest.fixture
def category(association):
    return make_category(association)


@pytest.fixture
def owner(db):
    return UserFactory(full_name="Ana Owner")


@pytest.fixture
def application(category, owner):
    return make_application(category, applicant=owner)


def check(category, text: str):
    return parse_rows(read_csv(text.encode("utf-8")), category=category, today=TODAY)


def url(name, application):
    return reverse(f"portfolios:{name}", kwargs={"application_id": application.pk})


# The normaliser


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Grief & Loss. ", "grief and loss"),
        (
            "Attachment, separation, trauma, grief and loss",
            "attachment separation trauma grief and loss",
        ),
        ("Pregnancy&early   parenthood", "pregnancy and early parenthood"),
        ("Sí", "si"),
        ("Curso en LÍNEA", "curso en linea"),
        ("In-service series", "in service series"),
        ("college_course", "college course"),
        ("Workshop / in-service", "workshop in service"),
        ("RS/C", "rs c"),
        ("“Cultural competence”;", "cultural competence"),
        ("", ""),
    ],
)
def test_normalize_drops_case_accents_punctuation_and_spaces_and_reads_and(text, expected):
    assert normalize(text) == expected


NAMES = {
    normalize(name): name
    for name in (
        "Observation and listening",
        "Observation and screening",
        "Screening and assessment",
        "Cultural competence",
    )
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Observaton and listenin", ["Observation and listening", "Observation and screening"]),
        ("cultural competency", ["Cultural competence"]),
        ("Observation and screenin", ["Observation and screening", "Observation and listening"]),
        ("Knitting", []),
        ("Research and evaluation", []),
    ],
)
def test_suggestions_are_the_closest_names_best_first(name, expected):
    assert suggestions(name, NAMES) == expected


# Checking the rows


@pytest.mark.django_db
def test_item_names_match_ignoring_case_punctuation_and_ampersands(category):
    [row] = check(
        category,
        HEADER
        + 'T,P,2025-01-01,1,online,"attachment separation trauma grief & loss; '
        + 'PREGNANCY & EARLY PARENTHOOD.\n  Observation, and listening ",,\r\n',
    )
    assert row.errors == []
    assert [item.name for item in row.competencies] == [
        "Attachment, separation, trauma, grief and loss",
        "Pregnancy and early parenthood",
        "Observation and listening",
    ]


@pytest.mark.django_db
def test_item_names_match_in_spanish_where_translated(category):
    [row] = check(category, HEADER + "T,P,2025-01-01,1,online,COMPETENCIA CULTURAL.,,\r\n")
    assert row.errors == []
    assert [item.name for item in row.competencies] == ["Cultural competence"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Workshop or in-service.", "workshop"),
        ("WORKSHOP OR IN SERVICE", "workshop"),
        ("college-course", "college_course"),
        ("Conferencia.", "conference"),
        ("online course!", "online"),
    ],
)
def test_formats_match_the_same_way(category, value, code):
    [row] = check(category, HEADER + f"T,P,2025-01-01,1,{value},Cultural competence,,\r\n")
    assert row.errors == []
    assert row.format == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Workshp", "Workshop or in-service"),
        ("conferance", "Conference"),
        ("Onlin course", "Online course"),
        ("Colege course", "College course"),
    ],
)
def test_a_near_miss_format_gets_a_suggestion(category, value, name):
    [row] = check(category, HEADER + f"T,P,2025-01-01,1,{value},Cultural competence,,\r\n")
    formats = "College course, In-service series, Workshop or in-service, Conference, Online course"
    assert [str(error) for error in row.errors] == [
        f"Row 2, format: '{value}' is not one of the formats ({formats}): did you mean “{name}”?"
    ]
    assert row.format == ""


@pytest.mark.django_db
def test_a_near_miss_format_is_suggested_in_the_readers_language(category):
    with translation.override("es"):
        [row] = check(category, HEADER + "T,P,2025-01-01,1,conferencai,Cultural competence,,\r\n")
        message = row.errors[0].message
    assert message.endswith("¿quiso decir “Conferencia”?")


@pytest.mark.django_db
def test_a_format_far_from_every_name_gets_no_suggestion(category):
    [row] = check(category, HEADER + "T,P,2025-01-01,1,webinar,Cultural competence,,\r\n")
    assert [error.message for error in row.errors] == [
        "'webinar' is not one of the formats: College course, In-service series, "
        "Workshop or in-service, Conference, Online course"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), [("Sí.", True), ("YES!", True), ("No.", False)])
def test_yes_and_no_match_the_same_way(category, value, expected):
    [row] = check(category, HEADER + f"T,P,2025-01-01,1,online,Cultural competence,{value},\r\n")
    assert row.errors == []
    assert row.is_dei is expected


NEAR_MISSES = HEADER + (
    "T,P,2025-01-01,1,online,Cultural competense; Observation and listening,,\r\n"
    "T,P,2025-01-01,1,online,Observation and screenin; Knitting,,\r\n"
)


@pytest.mark.django_db
def test_near_misses_suggest_the_closest_items(category):
    area = category.competencies.get(name="Observation and listening").area
    CompetencyFactory(area=area, name="Observation and screening", order=8).categories.add(category)
    rows = check(category, NEAR_MISSES)
    assert [str(error) for row in rows for error in row.errors] == [
        "Row 2, competencies: 'Cultural competense' is not a competency item of IFS: "
        "did you mean “Cultural competence”?",
        "Row 3, competencies: 'Observation and screenin' is not a competency item of IFS: "
        "did you mean “Observation and screening” or “Observation and listening”?",
        "Row 3, competencies: 'Knitting' is not a competency item of IFS",
    ]


@pytest.mark.django_db
def test_near_misses_in_spanish(category):
    with translation.override("es"):
        rows = check(category, NEAR_MISSES)
        errors = [str(error) for row in rows for error in row.errors]
    assert errors[0] == (
        "Fila 2, competencies: 'Cultural competense' no es una competencia de IFS: "
        "¿quiso decir “Cultural competence”?"
    )


@pytest.mark.django_db
def test_an_item_of_another_category_is_not_suggested(category):
    [row] = check(category, HEADER + "T,P,2025-01-01,1,online,Research and evaluaton,,\r\n")
    assert [str(error) for error in row.errors] == [
        "Row 2, competencies: 'Research and evaluaton' is not a competency item of IFS"
    ]


# The pages


def test_the_preview_says_did_you_mean(client, owner, application):
    client.force_login(owner)
    client.post(
        url("training.import", application),
        {"file": SimpleUploadedFile("t.csv", NEAR_MISSES.encode(), content_type="text/csv")},
    )
    html = client.get(url("training.import_preview", application)).content.decode()
    assert (
        "<li>Row 2, competencies: &#x27;Cultural competense&#x27; is not a competency item "
        "of IFS: did you mean “Cultural competence”?</li>"
    ) in html


def test_the_import_page_lists_the_items_to_copy(client, owner, application):
    client.force_login(owner)
    html = client.get(url("training.import", application)).content.decode()
    assert '<h2 id="items-heading" class="h5">The competency items of IFS</h2>' in html
    assert (
        '<textarea id="item-names" class="form-control" rows="8" readonly>'
        "Pregnancy and early parenthood\n"
        "Attachment, separation, trauma, grief and loss\n"
        "Cultural competence\n"
        "Observation and listening\n"
        "Screening and assessment</textarea>"
    ) in html
    assert f'<a href="{url("training.import_items", application)}" download>' in html
    # "Copy the list" is hidden until copy.js (a file: no inline script) finds the clipboard.
    assert 'id="copy-item-names" hidden data-copy-target="item-names"' in html
    assert '<span id="copy-item-names-status" role="status" aria-live="polite"></span>' in html
    assert '<script src="/static/js/copy.js" defer></script>' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_the_items_csv_has_every_item_with_its_area(client, owner, application):
    client.force_login(owner)
    response = client.get(url("training.import_items", application))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="competency-items.csv"'
    assert response.content.decode("utf-8") == codecs.BOM_UTF8.decode("utf-8") + (
        "Competency item,Competency area\r\n"
        "Pregnancy and early parenthood,Theoretical Foundations\r\n"
        '"Attachment, separation, trauma, grief and loss",Theoretical Foundations\r\n'
        "Cultural competence,Theoretical Foundations\r\n"
        "Observation and listening,Direct Service Skills\r\n"
        "Screening and assessment,Direct Service Skills\r\n"
    )


def test_the_items_csv_is_refused_to_others(client, make_staff, other_association, application):
    items = url("training.import_items", application)
    response = client.get(items)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(items).status_code == 404
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert client.get(items).status_code == 404


def test_the_items_csv_costs_constant_queries(client, owner, application, category):
    client.force_login(owner)
    items = url("training.import_items", application)
    with CaptureQueriesContext(connection) as few:
        client.get(items)
    area = category.competencies.first().area
    for number in range(10):
        CompetencyFactory(area=area, name=f"Extra {number}", order=20 + number).categories.add(
            category
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(items)
    assert response.content.decode("utf-8-sig").count("\r\n") == 16
    assert len(many) == len(few)
