"""Importing trainings from a CSV file: reading, row-by-row checks, the two-step flow."""

import codecs
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import ApplicationState
from portfolios import csv_import
from portfolios.csv_import import ImportFileError, parse_rows, read_csv
from portfolios.models import FormDraft, Training
from tests.factories import UserFactory
from tests.portfolios.training_helpers import make_application, make_category, set_state

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


def rows_of(text: str, encoding="utf-8") -> list[dict]:
    return read_csv(text.encode(encoding))


def check(category, text: str):
    return parse_rows(rows_of(text), category=category, today=TODAY)


# Reading the file


def test_read_csv_numbers_rows_as_the_spreadsheet_does_and_skips_blank_rows():
    rows = rows_of(
        HEADER
        + "A,B,2025-01-01,3,workshop,x,no,no\r\n,,,,,,,\r\n\r\nC,D,2025-01-02,4,online,y,,\r\n"
    )
    assert rows == [
        {
            "row": 2,
            "cells": {
                "title": "A",
                "provider": "B",
                "date": "2025-01-01",
                "hours": "3",
                "format": "workshop",
                "competencies": "x",
                "dei": "no",
                "rsc": "no",
            },
        },
        {
            "row": 5,
            "cells": {
                "title": "C",
                "provider": "D",
                "date": "2025-01-02",
                "hours": "4",
                "format": "online",
                "competencies": "y",
                "dei": "",
                "rsc": "",
            },
        },
    ]


def test_read_csv_accepts_a_utf8_bom_and_accents():
    data = (
        codecs.BOM_UTF8
        + (HEADER + "Niñez temprana,Asociación,2025-01-01,3,taller,x,sí,no\n").encode()
    )
    [row] = read_csv(data)
    assert row["cells"]["title"] == "Niñez temprana"
    assert row["cells"]["provider"] == "Asociación"
    assert row["cells"]["dei"] == "sí"


def test_read_csv_accepts_excels_semicolons_and_windows_1252():
    text = "Título;Proveedor;Fecha;Horas;Formato;Competencias;DEI;SC/R\r\n"
    text += 'Apego y pérdida;Instituto;03/15/2025;7,5;Taller;"a; b";sí;no\r\n'
    [row] = read_csv(text.encode("cp1252"))
    assert row == {
        "row": 2,
        "cells": {
            "title": "Apego y pérdida",
            "provider": "Instituto",
            "date": "03/15/2025",
            "hours": "7,5",
            "format": "Taller",
            "competencies": "a; b",
            "dei": "sí",
            "rsc": "no",
        },
    }


def test_read_csv_accepts_utf16_tab_separated_columns_in_any_order():
    text = "HOURS\tTitle\tProvider\tDate\tFormat\tCompetencies\tNotes\r\n"
    text += "6\tÉté\tP\t2025-01-01\tonline\tx\tignored\r\n"
    [row] = read_csv(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert row["cells"] == {
        "hours": "6",
        "title": "Été",
        "provider": "P",
        "date": "2025-01-01",
        "format": "online",
        "competencies": "x",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "This file is empty."),
        (b"  \r\n", "This file is empty."),
        (HEADER.encode(), "This file has no rows under the header."),
        (
            b"title,provider,when,format\r\nA,B,C,D\r\n",
            "The first row must name the columns. Missing: date, hours, competencies.",
        ),
        (
            b"PK\x03\x04rest-of-a-workbook",
            "This is an Excel workbook, not a CSV file. In Excel, choose File, Save As, and the "
            "type \u201cCSV UTF-8 (Comma delimited)\u201d; then upload that file.",
        ),
        (b"title\x00provider", "This file is not a CSV file."),
    ],
)
def test_read_csv_refuses_files_it_cannot_use(data, message):
    with pytest.raises(ImportFileError) as caught:
        read_csv(data)
    assert str(caught.value) == message


def test_read_csv_refuses_more_than_500_rows():
    line = "A,B,2025-01-01,3,workshop,x,no,no\r\n"
    assert len(read_csv((HEADER + line * 500).encode())) == 500
    with pytest.raises(ImportFileError) as caught:
        read_csv((HEADER + line * 501).encode())
    assert str(caught.value) == (
        "This file has 501 rows; at most 500 can be imported at once. Split it into smaller files."
    )


def test_read_csv_refuses_more_than_1_mb():
    data = (HEADER + "A" * (1024 * 1024)).encode()
    with pytest.raises(ImportFileError) as caught:
        read_csv(data)
    assert str(caught.value) == "This file is 1.0\xa0MB; the largest file accepted is 1.0\xa0MB."


# Checking the rows


@pytest.mark.django_db
def test_a_valid_row_is_understood(category):
    [row] = check(
        category,
        HEADER
        + "Early relationships,Institute,2025-03-15,7.5,Workshop or in-service,"
        + '"pregnancy AND early parenthood ;  Observation and listening",Yes,0\r\n',
    )
    assert row.errors == []
    assert row.is_valid
    assert (row.title, row.provider, row.date, row.hours) == (
        "Early relationships",
        "Institute",
        datetime.date(2025, 3, 15),
        Decimal("7.5"),
    )
    assert (row.format, row.is_dei, row.is_rsc) == ("workshop", True, False)
    assert [c.name for c in row.competencies] == [
        "Pregnancy and early parenthood",
        "Observation and listening",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("college_course", "college_course"),
        ("College course", "college_course"),
        ("ONLINE COURSE", "online"),
        ("In-service series", "series"),
        ("Taller", "workshop"),
        ("curso en línea", "online"),
        ("Conferencia", "conference"),
        ("conference", "conference"),
    ],
)
def test_the_format_is_a_code_or_a_name_in_english_or_spanish(category, value, code):
    [row] = check(category, HEADER + f"T,P,2025-01-01,1,{value},Cultural competence,,\r\n")
    assert row.errors == []
    assert row.format == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("Sí", True), ("si", True), ("TRUE", True), ("1", True), ("no", False)]
    + [("", False), ("false", False), ("0", False), ("N", False)],
)
def test_yes_and_no_in_english_and_spanish(category, value, expected):
    [row] = check(category, HEADER + f"T,P,2025-01-01,1,online,Cultural competence,{value},\r\n")
    assert row.errors == []
    assert row.is_dei is expected


@pytest.mark.django_db
def test_dates_as_us_month_day_year(category):
    [row] = check(category, HEADER + "T,P,3/5/2025,1,online,Cultural competence,,\r\n")
    assert row.date == datetime.date(2025, 3, 5)


@pytest.mark.django_db
def test_every_error_is_reported_by_row_and_column(category):
    text = HEADER + (
        "Good,P,2025-01-01,1,online,Cultural competence,no,no\r\n"  # row 2
        ",,2025-02-30,ten,webinar,,maybe,perhaps\r\n"  # row 3
        "T,P,2026-06-01,0,online,Cultural competence; Knitting; Research and evaluation,,\r\n"
        "T,P,15/03/2025,250,online,Cultural competence,,\r\n"  # row 5
        "T,P,2025-01-01,7.25,online,Cultural competence,,\r\n"  # row 6
    )
    rows = check(category, text)
    assert [row.is_valid for row in rows] == [True, False, False, False, False]
    assert [str(error) for row in rows for error in row.errors] == [
        "Row 3, title: this cell is empty",
        "Row 3, provider: this cell is empty",
        "Row 3, date: '2025-02-30' is not a date: write it as YYYY-MM-DD or MM/DD/YYYY",
        "Row 3, hours: 'ten' is not a number",
        "Row 3, format: 'webinar' is not one of the formats: College course, In-service series, "
        "Workshop or in-service, Conference, Online course",
        "Row 3, competencies: this cell is empty: name at least one competency item",
        "Row 3, dei: 'maybe' is not yes or no",
        "Row 3, rsc: 'perhaps' is not yes or no",
        "Row 4, date: '2026-06-01' is in the future",
        "Row 4, hours: '0' must be more than 0",
        "Row 4, competencies: 'Knitting' is not a competency item of IFS",
        "Row 4, competencies: 'Research and evaluation' is not a competency item of IFS",
        "Row 5, date: '15/03/2025' is not a date: write it as YYYY-MM-DD or MM/DD/YYYY",
        "Row 5, hours: '250' is more than 200 hours",
        "Row 6, hours: '7.25' has more than one decimal place (write 7.5, not 7.25)",
    ]


@pytest.mark.django_db
def test_long_titles_are_refused(category):
    [row] = check(category, HEADER + f"{'x' * 301},P,2025-01-01,1,online,Cultural competence,,\r\n")
    assert [str(e) for e in row.errors] == ["Row 2, title: it is longer than 300 characters"]


@pytest.mark.django_db
def test_checking_500_rows_costs_one_query(category, django_assert_num_queries):
    rows = rows_of(HEADER + "T,P,2025-01-01,1,online,Cultural competence,,\r\n" * 500)
    with django_assert_num_queries(1):
        parsed = parse_rows(rows, category=category, today=TODAY)
    assert sum(row.is_valid for row in parsed) == 500


# The template


def test_the_template_has_the_header_and_one_valid_example_row(client, owner, application):
    client.force_login(owner)
    response = client.get(url("training.import_template", application))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="trainings-template.csv"'
    assert response.content == codecs.BOM_UTF8 + (
        b"title,provider,date,hours,format,competencies,dei,rsc\r\n"
        b"Supporting early relationships,Regional Training Institute,2025-03-15,6,workshop,"
        b'"Pregnancy and early parenthood; Attachment, separation, trauma, grief and loss",'
        b"no,no\r\n"
    )
    rows = parse_rows(read_csv(response.content), category=application.category, today=TODAY)
    assert [row.is_valid for row in rows] == [True]


# The two steps through the pages


def url(name, application):
    return reverse(f"portfolios:{name}", kwargs={"application_id": application.pk})


def upload(client, application, text, *, encoding="utf-8", name="trainings.csv"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(
        url("training.import", application),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


MIXED = HEADER + (
    "Early relationships,Institute,2025-03-15,7.5,workshop,"
    '"Pregnancy and early parenthood; observation and listening",yes,no\r\n'
    "Bad hours,Institute,2025-03-16,ten,workshop,Cultural competence,no,no\r\n"
    "Reflective practice,University,2024-11-02,3,College course,Cultural competence,no,sí\r\n"
)


def test_upload_preview_and_import_the_valid_rows(client, owner, application):
    client.force_login(owner)
    page = client.get(url("training.import", application))
    assert page.status_code == 200
    assert "<h1>Import many trainings from a spreadsheet</h1>" in page.content.decode()

    response = upload(client, application, MIXED)
    assert response.status_code == 302
    assert response["Location"] == url("training.import_preview", application)
    assert Training.objects.count() == 0
    draft = FormDraft.objects.get(application=application, key="training:import")
    assert draft.data["status"] == "preview"
    assert draft.data["file_name"] == "trainings.csv"
    assert [row["row"] for row in draft.data["rows"]] == [2, 3, 4]

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "<h1>Check the rows before importing</h1>" in html
    assert "Row 3, hours: &#x27;ten&#x27; is not a number" in html
    assert "2 rows can be imported." in html
    assert "1 row has errors and will be skipped." in html
    assert "Import the 2 valid rows</button>" in html
    assert html.count('<th scope="row">') == 3
    assert (
        '<td data-label="hours" class="text-danger-emphasis fw-semibold">'
        '<span class="visually-hidden">Not understood: </span>ten</td>' in html
    )

    done = client.post(url("training.import_preview", application))
    assert done.status_code == 302
    assert done["Location"] == url("training.import_done", application)
    created = list(Training.objects.filter(application=application).order_by("date"))
    assert [(t.title, t.date, t.hours, t.format, t.is_dei, t.is_rsc) for t in created] == [
        ("Reflective practice", datetime.date(2024, 11, 2), Decimal("3.0"), "college_course")
        + (False, True),
        ("Early relationships", datetime.date(2025, 3, 15), Decimal("7.5"), "workshop")
        + (True, False),
    ]
    assert [sorted(c.name for c in t.competencies.all()) for t in created] == [
        ["Cultural competence"],
        ["Observation and listening", "Pregnancy and early parenthood"],
    ]

    result = client.get(done["Location"])
    html = result.content.decode()
    assert "2 trainings from “trainings.csv” were added to your portfolio." in html
    assert "1 row was skipped" in html
    assert "Row 3, hours: &#x27;ten&#x27; is not a number" in html
    assert "Reflective practice" not in html

    # A second click imports nothing more.
    again = client.post(url("training.import_preview", application))
    assert again["Location"] == url("training.import", application)
    assert Training.objects.filter(application=application).count() == 2


def test_an_excel_semicolon_file_in_windows_1252_imports(client, owner, application):
    client.force_login(owner)
    text = "título;proveedor;fecha;horas;formato;competencias;dei;rsc\r\n"
    text += "Niñez y pérdida;Asociación;03/15/2025;7,5;Taller;Cultural competence;sí;no\r\n"
    upload(client, application, text, encoding="cp1252")
    client.post(url("training.import_preview", application))
    training = Training.objects.get(application=application)
    assert (training.title, training.provider, training.hours, training.format) == (
        "Niñez y pérdida",
        "Asociación",
        Decimal("7.5"),
        "workshop",
    )
    assert training.is_dei is True


def test_a_file_with_a_bom_imports(client, owner, application):
    client.force_login(owner)
    data = (
        codecs.BOM_UTF8 + (HEADER + "Été,P,2025-01-01,2,online,Cultural competence,,\r\n").encode()
    )
    upload(client, application, data)
    client.post(url("training.import_preview", application))
    assert list(Training.objects.values_list("title", flat=True)) == ["Été"]


def test_a_file_that_cannot_be_used_is_refused_on_the_form(client, owner, application):
    client.force_login(owner)
    response = upload(client, application, "title,provider\r\nA,B\r\n")
    assert response.status_code == 200
    assert (
        "The first row must name the columns. Missing: date, hours, format, competencies."
        in response.content.decode()
    )
    assert not FormDraft.objects.filter(application=application).exists()


def test_a_file_over_1_mb_is_refused_before_it_is_read(client, owner, application):
    client.force_login(owner)
    response = upload(client, application, b"x" * (1024 * 1024 + 1))
    assert response.status_code == 200
    assert (
        "This file is 1.0\xa0MB; the largest file accepted is 1.0\xa0MB."
        in response.content.decode()
    )


def test_a_preview_with_no_valid_row_offers_no_import(client, owner, application):
    client.force_login(owner)
    upload(client, application, HEADER + "T,P,2025-01-01,ten,online,Cultural competence,,\r\n")
    html = client.get(url("training.import_preview", application)).content.decode()
    assert "No row can be imported: correct the file and choose it again." in html
    assert '<button type="submit" class="btn btn-primary">' not in html


def test_the_preview_without_an_upload_sends_back_to_the_upload(client, owner, application):
    client.force_login(owner)
    response = client.get(url("training.import_preview", application))
    assert response["Location"] == url("training.import", application)
    assert client.get(url("training.import_done", application))["Location"] == url(
        "training.list", application
    )


def test_the_import_is_all_or_nothing(client, owner, application, monkeypatch):
    client.force_login(owner)
    upload(client, application, MIXED)
    calls = []

    def failing_save(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(**kwargs)

    original = csv_import.evidence_save
    monkeypatch.setattr(csv_import, "evidence_save", failing_save)
    with pytest.raises(RuntimeError):
        csv_import.training_import(application=application, by=owner, today=TODAY)
    assert Training.objects.count() == 0
    assert FormDraft.objects.get(key="training:import").data["status"] == "preview"


def test_preview_queries_do_not_grow_with_the_rows(client, owner, application):
    client.force_login(owner)
    line = "T,P,2025-01-01,1,online,Cultural competence; Cultural competence,,\r\n"
    upload(client, application, HEADER + line)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("training.import_preview", application)).status_code == 200
    upload(client, application, HEADER + line * 60)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("training.import_preview", application)).status_code == 200
    assert len(many) == len(one)


# Who may import


IMPORT_URLS = [
    ("get", "training.import"),
    ("post", "training.import"),
    ("get", "training.import_preview"),
    ("post", "training.import_preview"),
    ("get", "training.import_done"),
]


@pytest.mark.parametrize(("method", "name"), IMPORT_URLS)
def test_import_refuses_another_applicant(client, application, method, name):
    client.force_login(UserFactory())
    assert getattr(client, method)(url(name, application)).status_code == 404


@pytest.mark.parametrize(("method", "name"), IMPORT_URLS)
def test_import_refuses_a_coordinator_of_another_association(
    client, make_staff, other_association, application, method, name
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert getattr(client, method)(url(name, application)).status_code == 404


@pytest.mark.parametrize(("method", "name"), IMPORT_URLS)
def test_import_refuses_the_coordinator_of_the_association(
    client, make_staff, association, application, method, name
):
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert getattr(client, method)(url(name, application)).status_code == 404


@pytest.mark.parametrize(("method", "name"), [*IMPORT_URLS, ("get", "training.import_template")])
def test_import_sends_anonymous_visitors_to_log_in(client, application, method, name):
    response = getattr(client, method)(url(name, application))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("method", "name"), IMPORT_URLS)
def test_import_is_refused_to_the_owner_once_submitted(client, owner, application, method, name):
    set_state(application, ApplicationState.SUBMITTED)
    client.force_login(owner)
    assert getattr(client, method)(url(name, application)).status_code == 403


def test_a_previewed_file_is_not_imported_after_submission(client, owner, application):
    client.force_login(owner)
    upload(client, application, MIXED)
    set_state(application, ApplicationState.SUBMITTED)
    assert client.post(url("training.import_preview", application)).status_code == 403
    assert Training.objects.count() == 0


def test_the_template_is_refused_to_others(client, make_staff, other_association, application):
    client.force_login(UserFactory())
    assert client.get(url("training.import_template", application)).status_code == 404
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert client.get(url("training.import_template", application)).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (codecs.BOM_UTF16_LE + b"t\x00i\x00\x00\xd8", "This file could not be read as text."),
        (
            HEADER.encode() + b"\x81\x8d\x8f\x90\x9d\xff\xfe",
            "This file could not be read as text. Save it as \u201cCSV UTF-8\u201d and try again.",
        ),
        (codecs.BOM_UTF8, "This file is empty."),
        (
            (HEADER + '"' + "x" * 200_000 + '",P,2025-01-01,1,online,a,,\r\n').encode(),
            "This file could not be read as a CSV file.",
        ),
    ],
)
def test_read_csv_refuses_unreadable_text(data, message):
    with pytest.raises(ImportFileError) as caught:
        read_csv(data)
    assert str(caught.value) == message


@pytest.mark.django_db
def test_empty_required_cells_are_reported(category):
    [row] = check(category, HEADER + "T,P,,,,Cultural competence,,\r\n")
    assert [str(e) for e in row.errors] == [
        "Row 2, date: this cell is empty",
        "Row 2, hours: this cell is empty",
        "Row 2, format: this cell is empty",
    ]


def test_a_portfolio_locked_while_uploading_is_refused(client, owner, application, monkeypatch):
    from portfolios.services import PortfolioLocked

    def locked(**kwargs):
        raise PortfolioLocked("Your portfolio is submitted: it cannot be changed now.")

    client.force_login(owner)
    monkeypatch.setattr(csv_import, "import_draft_save", locked)
    assert upload(client, application, MIXED).status_code == 403
    monkeypatch.setattr(csv_import, "training_import", locked)
    assert client.post(url("training.import_preview", application)).status_code == 403
    assert Training.objects.count() == 0
