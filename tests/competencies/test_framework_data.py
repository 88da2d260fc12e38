"""Checking the framework file: no database needed."""

import copy
import datetime
from decimal import Decimal

import pytest

from competencies.framework_data import (
    FrameworkDataError,
    framework_data_parse,
    framework_data_read,
)


def category(data, version, code):
    versions = {v["version"]: v for v in data["versions"]}
    return next(c for c in versions[version]["categories"] if c["code"] == code)


def test_the_shipped_file_parses_into_two_versions(framework_data):
    specs = framework_data_parse(framework_data)
    assert [spec.version for spec in specs] == ["2025", "2017"]
    assert [len(spec.categories) for spec in specs] == [13, 13]
    assert [len(spec.areas) for spec in specs] == [10, 10]
    assert specs[1].values["effective_until"] == datetime.date(2024, 12, 31)
    ifs = next(c for c in specs[0].categories if c.code == "IFS")
    assert [(r.kind, r.order) for r in ifs.requirements] == [
        ("education", 0),
        ("work", 1),
        ("training", 2),
        ("rsc", 3),
        ("reference", 4),
        ("reference", 5),
        ("reference", 6),
        ("renewal_training", 7),
        ("renewal_training", 8),
        ("renewal_rsc", 9),
    ]
    assert ifs.requirements[3].values == {
        "min_hours": Decimal("24"),
        "window_min_months": 12,
        "window_max_months": 24,
    }


def test_parsing_leaves_the_data_unchanged(framework_data):
    before = copy.deepcopy(framework_data)
    framework_data_parse(framework_data)
    assert framework_data == before


def test_unknown_requirement_kind(framework_data):
    category(framework_data, "2025", "IFS")["requirements"] = {"schooling": []}
    with pytest.raises(FrameworkDataError) as error:
        framework_data_parse(framework_data)
    assert str(error.value) == (
        "version 2025, category IFS: unknown requirement kind 'schooling'; use one of "
        "education, work, training, rsc, reference, exam, renewal_training, renewal_rsc."
    )


def test_unknown_education_level(framework_data):
    category(framework_data, "2017", "IMHM-C")["requirements"] = {
        "education": [{"education_levels": ["master", "phd"]}]
    }
    with pytest.raises(FrameworkDataError) as error:
        framework_data_parse(framework_data)
    assert str(error.value) == (
        "version 2017, category IMHM-C, education 1: education_levels: unknown education level "
        "'phd'; use one of none, cda, associate, bachelor, master, doctorate, mh_license."
    )


def test_unknown_category_code_in_item_mapping(framework_data):
    framework_data["areas"][2]["items"][1]["categories"] = ["all", "IMHX"]
    with pytest.raises(FrameworkDataError) as error:
        framework_data_parse(framework_data)
    assert str(error.value) == (
        "version 2025, area systems-expertise, item 'Community resources': unknown category "
        "code IMHX (not a category of version 2025 nor a category group)."
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: category(d, "2025", "IFA")["requirements"]["training"][0].update(hours=30),
            "version 2025, category IFA, training 1: unknown field hours.",
        ),
        (
            lambda d: category(d, "2025", "IFS")["requirements"].update(
                work=[{"min_years": 2, "work_kind": "volunteering"}]
            ),
            "version 2025, category IFS, work 1: work_kind: unknown work kind 'volunteering'; "
            "use one of related, paid_infant_family, paid_early_childhood, postgrad_dyadic, "
            "postgrad_dyadic_ec, providing_rsc, practice_leader, policy_leadership, "
            "teaching_research.",
        ),
        (
            lambda d: category(d, "2025", "IFS")["requirements"].update(
                training=[{"min_hours": 30, "topic": "ethics"}]
            ),
            "version 2025, category IFS, training 1: topic: unknown topic 'ethics'; "
            "use one of imh, rsc, dei.",
        ),
        (
            lambda d: category(d, "2025", "IFS")["requirements"].update(rsc=[{"min_hours": -1}]),
            "version 2025, category IFS, rsc 1: min_hours: expected a number of 0 or more.",
        ),
        (
            lambda d: category(d, "2025", "IFS")["requirements"].update(reference=["friend"]),
            "version 2025, category IFS, reference 1: reference_kind: unknown reference kind "
            "'friend'; use one of current_supervisor, rsc_provider, rsc_recipient, any.",
        ),
        (
            lambda d: category(d, "2025", "IFS")["requirements"].update(exam=[{"exam_part": 1}]),
            "version 2025, category IFS, exam 1: 'exam_kind' is missing.",
        ),
        (
            lambda d: category(d, "2025", "IFS")["requirements"].update(work=[{"min_years": 2}]),
            "version 2025, category IFS, work 1: 'work_kind' is missing.",
        ),
        (
            lambda d: category(d, "2025", "IFS").update(family="toddler"),
            "version 2025, category IFS: family: unknown family 'toddler'; "
            "use one of infant, early_childhood.",
        ),
        (
            lambda d: d["versions"][0]["categories"].append(
                {"code": "IFS", "family": "infant", "name": "Again"}
            ),
            "version 2025: category IFS appears twice.",
        ),
        (
            lambda d: d["versions"][1].update(effective_from="first of January"),
            "version 2017: effective_from: expected a date like 2025-01-01.",
        ),
        (
            lambda d: d["versions"][1].update(version="2025"),
            "Version '2025' appears twice.",
        ),
        (
            lambda d: category(d, "2025", "IFS").update(names={"fr": "Spécialiste"}),
            "version 2025, category IFS: names: unknown language 'fr'; use one of en, es.",
        ),
        (
            lambda d: category(d, "2025", "IFS").update(names=["Especialista"]),
            "version 2025, category IFS: names: expected a mapping (key: value).",
        ),
        (lambda d: d.update(versions=[]), "The file has no versions."),
        (lambda d: d.update(colour="blue"), "the file: unknown field colour."),
    ],
)
def test_other_mistakes_are_named(framework_data, change, message):
    change(framework_data)
    with pytest.raises(FrameworkDataError) as error:
        framework_data_parse(framework_data)
    assert str(error.value) == message


def test_reading_a_missing_or_broken_file(tmp_path):
    with pytest.raises(FrameworkDataError) as error:
        framework_data_read(path=tmp_path / "nope.yaml")
    assert str(error.value) == f"Cannot read {tmp_path / 'nope.yaml'}: No such file or directory."
    broken = tmp_path / "broken.yaml"
    broken.write_text("versions: [\n", encoding="utf-8")
    with pytest.raises(FrameworkDataError) as error:
        framework_data_read(path=broken)
    assert str(error.value).startswith(f"{broken} is not valid YAML:")


def test_every_category_has_its_spanish_name(framework_data):
    """Pages and e-mails in Spanish name each category in Spanish."""
    names = {
        (version.version, spec.code): spec.values["names"]
        for version in framework_data_parse(framework_data)
        for spec in version.categories
    }
    assert len(names) == 26
    assert [key for key, value in names.items() if set(value) != {"es"}] == []
    assert names["2025", "IFA"] == {"es": "Asociado/a en Bebés y Familias"}
    assert names["2017", "ECMHM-RF"] == {
        "es": "Mentor/a en Salud Mental de la Primera Infancia – Investigación/Docencia"
    }
    # One name per code, the same in both versions.
    assert names["2017", "IMHS"] == names["2025", "IMHS"]
