"""Portal code asks the rules, never ``user.has_perm``: Django answers True to every
``has_perm`` of an active superuser, and the platform admin is none of the people who may see
an applicant's data (docs/permissions.md)."""

import re
from pathlib import Path

from django.conf import settings

APPS = ("accounts", "competencies", "endorsement", "portfolios", "reviews")
USER_HAS_PERM = re.compile(r"(?<!rules)\.has_perm\(")
TEMPLATE_PERMS = re.compile(r"{%\s*(has_perm|if perms\.)|\bperms\.")


def offending_lines(pattern, suffix):
    found = []
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob(f"*{suffix}"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0] if suffix == ".py" else line
                if pattern.search(code) and "def has_perm" not in code:
                    found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    return found


def test_python_code_asks_the_rules():
    assert offending_lines(USER_HAS_PERM, ".py") == []


def test_templates_do_not_ask_user_permissions():
    assert offending_lines(TEMPLATE_PERMS, ".html") == []


def test_the_pattern_finds_a_user_has_perm_call():
    assert USER_HAS_PERM.search('request.user.has_perm("portfolios.view_portfolio", app)')
    assert not USER_HAS_PERM.search('rules.has_perm("portfolios.view_portfolio", user, app)')
    assert TEMPLATE_PERMS.search("{% if perms.reviews.assign %}")
