"""No import runs up the layers of DESIGN.md.

The portal's apps depend one way, down this order: accounts ← audit ← notifications ←
competencies ← endorsement ← portfolios ← reviews ← credentials, billing ← reports ← rights ←
demo. Every module of an app (its migrations aside) is read with ``ast`` and each of its
imports, at module level or inside a function, is checked: it may import its own app, an app
earlier in the order, Django and
third-party packages; never a later app, nor another app's ``views`` (shared mixins live in one
permissions module). A lower app that needs something of a higher one offers a registry that the
higher app fills in ``AppConfig.ready`` (``accounts.dashboards``, ...).
``config`` is the wiring at the top and may import anything; ``tests`` and ``bench`` are not apps.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The order of DESIGN.md: an app may import the apps of a lower rank. Apps of the same rank
# (credentials and billing) are not below each other either.
LAYERS = [
    ("accounts",),
    ("audit",),
    ("notifications",),
    ("competencies",),
    ("endorsement",),
    ("portfolios",),
    ("reviews",),
    ("credentials", "billing"),
    ("reports",),
    ("rights",),
    ("demo",),
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    imported: str
    reason: str

    def __str__(self):
        return f"{self.path}:{self.line}: imports {self.imported} ({self.reason})"


def module_name(path: str) -> str:
    """``endorsement/views.py`` -> ``endorsement.views``; a package's ``__init__`` is the
    package."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted modules an import statement names (``from a import b`` names ``a`` and
    ``a.b``: ``b`` may be a module), relative imports resolved against ``module``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [base, *(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")]


def check_source(source: str, path: str) -> list[Violation]:
    """Every import of the module at ``path`` (relative to the project) that runs up the
    layers or reaches into another app's views."""
    module = module_name(path)
    app = module.split(".")[0]
    rank = RANK[app]
    is_package = path.endswith("__init__.py")
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for imported in _imported_modules(node, module, is_package):
            parts = imported.split(".")
            target = parts[0]
            if target == app or target not in RANK:
                continue
            if RANK[target] >= rank:
                reason = (
                    f"{target} comes after {app}"
                    if RANK[target] > rank
                    else f"{target} and {app} are not below each other"
                )
                found.append(Violation(path, node.lineno, imported, reason))
            elif "views" in parts[1:]:
                reason = "another app's views: share it from a permissions or selectors module"
                found.append(Violation(path, node.lineno, imported, reason))
    # ``from a import b, c`` names ``a`` and each ``a.b``: report each statement's import once.
    unique = {}
    for violation in found:
        unique.setdefault((violation.line, violation.imported.split(".")[0]), violation)
    return list(unique.values())


def app_sources() -> list[str]:
    paths = []
    for app in RANK:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for file in sorted(folder.rglob("*.py")):
            relative = file.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                paths.append(relative)
    return paths


def test_the_apps_are_found():
    paths = app_sources()
    for app in ("accounts", "competencies", "endorsement", "portfolios", "reviews"):
        assert f"{app}/models.py" in paths
    assert not [p for p in paths if "/migrations/" in p]


def all_violations() -> list[Violation]:
    violations = []
    for path in app_sources():
        violations += check_source((ROOT / path).read_text(encoding="utf-8"), path)
    return violations


def test_no_import_runs_up_the_layers():
    assert [str(v) for v in all_violations()] == []


# The checker itself


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        # Module level and inside a function, absolute and relative, from and plain.
        (
            "accounts/views.py",
            "from endorsement.models import Application\n",
            ["accounts/views.py:1: imports endorsement.models (endorsement comes after accounts)"],
        ),
        (
            "portfolios/services.py",
            "import os\n\n\ndef f():\n    import reviews.models\n",
            ["portfolios/services.py:5: imports reviews.models (reviews comes after portfolios)"],
        ),
        (
            "competencies/selectors.py",
            "def f():\n    from portfolios import selectors\n",
            [
                "competencies/selectors.py:2: imports portfolios "
                "(portfolios comes after competencies)"
            ],
        ),
        (
            "billing/services.py",
            "from credentials.models import Certificate\n",
            [
                "billing/services.py:1: imports credentials.models "
                "(credentials and billing are not below each other)"
            ],
        ),
        (
            "portfolios/views/base.py",
            "from endorsement.views import CoordinatorApplicationMixin\n",
            [
                "portfolios/views/base.py:1: imports endorsement.views "
                "(another app's views: share it from a permissions or selectors module)"
            ],
        ),
        (
            "reviews/services/exams.py",
            "from endorsement import views\n",
            [
                "reviews/services/exams.py:1: imports endorsement.views "
                "(another app's views: share it from a permissions or selectors module)"
            ],
        ),
    ],
)
def test_the_checker_catches(path, source, expected):
    assert [str(v) for v in check_source(source, path)] == expected


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("reviews/views/review.py", "from accounts import dashboards\nimport endorsement.rules\n"),
        ("reviews/views/review.py", "from .base import ReviewMixin\nfrom . import advisor\n"),
        ("reviews/urls.py", "from reviews.views import advisor\n"),
        ("demo/endorsement.py", "from reviews.models import Comment\n"),
        ("accounts/views.py", "from django.db.models import Count\nimport rules\n"),
        ("endorsement/selectors.py", "from accounts.selectors import role_holders\n"),
    ],
)
def test_the_checker_lets_through(path, source):
    assert check_source(source, path) == []


def test_relative_imports_resolve_against_the_module():
    assert _imported_modules(
        ast.parse("from ..models import Comment").body[0], "reviews.views.advisor", False
    ) == ["reviews.models", "reviews.models.Comment"]
    assert _imported_modules(
        ast.parse("from . import exams").body[0], "reviews.services", True
    ) == ["reviews.services", "reviews.services.exams"]
