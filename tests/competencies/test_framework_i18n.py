"""The framework's texts reach the translators, and pages show them in the reader's language."""

from pathlib import Path

from django.utils import translation

from competencies.framework_data import (
    framework_data_parse,
    framework_data_read,
    framework_data_strings,
    framework_i18n_module,
)
from competencies.models import Competency, CompetencyArea, EndorsementCategory, Requirement

I18N_MODULE = Path(__file__).resolve().parents[2] / "competencies" / "framework_i18n.py"


def test_generated_module_matches_the_framework_file():
    strings = framework_data_strings(framework_data_parse(framework_data_read()))
    assert "Theoretical Foundations" in strings
    assert "Pregnancy & early parenthood" in strings
    assert len(strings) == len(set(strings))
    assert I18N_MODULE.read_text(encoding="utf-8") == framework_i18n_module(strings), (
        "competencies/framework_i18n.py is stale: run `python manage.py framework_strings`"
    )


def test_display_texts_follow_the_active_language():
    area = CompetencyArea(name="Theoretical Foundations")
    item = Competency(name="Pregnancy & early parenthood")
    category = EndorsementCategory(summary="")
    with translation.override("es"):
        spanish = (area.display_name, item.display_name, category.display_summary)
    with translation.override("en"):
        english = (area.display_name, item.display_name)
    assert english == ("Theoretical Foundations", "Pregnancy & early parenthood")
    assert spanish[0] != "Theoretical Foundations"
    assert spanish[1] != "Pregnancy & early parenthood"
    assert spanish[2] == ""


def test_a_text_an_association_wrote_itself_is_shown_as_written():
    with translation.override("es"):
        assert Requirement(note="Our own note").display_note == "Our own note"
        assert Competency(name="Our own item").display_name == "Our own item"
