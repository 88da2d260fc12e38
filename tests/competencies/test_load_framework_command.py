from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from competencies.models import EndorsementCategory, Framework, Requirement
from tests.factories import AssociationFactory


def run(*args):
    out = StringIO()
    call_command("load_framework", *args, stdout=out)
    return out.getvalue()


def test_loads_every_association_by_default(association, other_association):
    output = run()
    assert output.splitlines() == [
        "lakeshore 2025: created (10 areas, 13 categories, 50 competencies, 158 requirements).",
        "lakeshore 2017: created (10 areas, 13 categories, 50 competencies, 160 requirements).",
        "northfield 2025: created (10 areas, 13 categories, 50 competencies, 158 requirements).",
        "northfield 2017: created (10 areas, 13 categories, 50 competencies, 160 requirements).",
    ]
    assert sorted(Framework.objects.values_list("association__slug", "version")) == [
        ("lakeshore", "2017"),
        ("lakeshore", "2025"),
        ("northfield", "2017"),
        ("northfield", "2025"),
    ]
    assert EndorsementCategory.objects.count() == 4 * 13


def test_running_twice_creates_no_duplicates(association):
    run()
    counts = (EndorsementCategory.objects.count(), Requirement.objects.count())
    assert run().splitlines() == ["northfield 2025: up to date.", "northfield 2017: up to date."]
    assert (
        (EndorsementCategory.objects.count(), Requirement.objects.count())
        == counts
        == (
            26,
            318,
        )
    )


def test_only_the_named_associations(association, other_association):
    AssociationFactory(slug="third")
    output = run("--association", "lakeshore", "--association", "third")
    assert [line.split(":")[0] for line in output.splitlines()] == [
        "lakeshore 2025",
        "lakeshore 2017",
        "third 2025",
        "third 2017",
    ]
    assert not Framework.objects.filter(association=association).exists()


def test_unknown_association(association):
    with pytest.raises(CommandError) as error:
        run("--association", "northfield", "--association", "nowhere")
    assert str(error.value) == "No association with slug: nowhere."
    assert Framework.objects.count() == 0


def test_no_associations_yet(db):
    assert run() == "There are no associations yet; nothing loaded.\n"


def test_locked_version_is_skipped_and_said_so(association, submit_application):
    run()
    category = EndorsementCategory.objects.get(framework__version="2017", code="IFA")
    submit_application(category)
    locked_at = Framework.objects.get(association=association, version="2017").locked_at
    assert run().splitlines() == [
        "northfield 2025: up to date.",
        f"northfield 2017: skipped, locked since {locked_at:%Y-%m-%d} "
        "(an application was submitted under it).",
    ]


def test_invalid_file_is_a_command_error(association, tmp_path, framework_data):
    framework_data["versions"][0]["categories"][0]["requirements"] = {
        "education": [{"education_levels": ["high_school"]}]
    }
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(framework_data), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("--file", str(path))
    assert str(error.value) == (
        "version 2025, category IFA, education 1: education_levels: unknown education level "
        "'high_school'; use one of none, cda, associate, bachelor, master, doctorate, "
        "mh_license."
    )
    assert Framework.objects.count() == 0


def test_missing_file_is_a_command_error(association, tmp_path):
    with pytest.raises(CommandError) as error:
        run("--file", str(tmp_path / "missing.yaml"))
    assert str(error.value) == (
        f"Cannot read {tmp_path / 'missing.yaml'}: No such file or directory."
    )


def test_another_file(association, tmp_path):
    data = {
        "name": "Small framework",
        "versions": [
            {
                "version": "1",
                "effective_from": "2020-01-01",
                "categories": [
                    {
                        "code": "IFA",
                        "family": "infant",
                        "name": "Associate",
                        "requirements": {"training": [{"min_hours": 20}]},
                    }
                ],
                "areas": [
                    {
                        "code": "thinking",
                        "name": "Thinking",
                        "items": [{"name": "Planning", "categories": ["IFA"]}],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert run("--file", str(path)) == (
        "northfield 1: created (1 areas, 1 categories, 1 competencies, 1 requirements).\n"
    )
    framework = Framework.objects.get()
    assert (framework.name, framework.version, str(framework.effective_from)) == (
        "Small framework",
        "1",
        "2020-01-01",
    )
    category = framework.categories.get()
    assert [c.name for c in category.competencies.all()] == ["Planning"]
    assert [r.describe() for r in category.requirements.all()] == [
        "At least 20 hours of specialized in-service training."
    ]
