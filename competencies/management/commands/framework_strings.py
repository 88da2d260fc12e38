"""Write competencies/framework_i18n.py: the framework file's texts, for the translators."""

from pathlib import Path

from django.core.management.base import BaseCommand

from competencies.framework_data import (
    framework_data_parse,
    framework_data_read,
    framework_data_strings,
    framework_i18n_module,
)

TARGET = Path(__file__).resolve().parents[2] / "framework_i18n.py"


class Command(BaseCommand):
    help = "Regenerate competencies/framework_i18n.py after editing the framework data file."

    def handle(self, *args, **options):
        strings = framework_data_strings(framework_data_parse(framework_data_read()))
        TARGET.write_text(framework_i18n_module(strings), encoding="utf-8")
        self.stdout.write(f"{len(strings)} texts written to {TARGET.name}; now run makemessages.")
