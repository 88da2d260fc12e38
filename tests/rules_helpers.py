"""Asking the rules directly: the people around an application (the ``people`` fixture of
tests/conftest.py) and who of them a permission lets through."""

import rules

PEOPLE = (
    "owner",
    "advisor",
    "coordinator",
    "coordinator of another association",
    "unassigned reviewer",
    "assigned reviewer",
    "grader",
    "anonymous",
)


def passing(permission: str, people: dict, obj) -> set[str]:
    """The people ``permission`` lets through about ``obj``."""
    return {who for who, user in people.items() if rules.has_perm(permission, user, obj)}
