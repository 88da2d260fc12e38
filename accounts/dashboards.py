"""What each dashboard shows beyond its header, contributed by the apps that own the data.

``accounts`` comes first in the dependency order, so it cannot import the apps that know about
applications, advisees, reviews or exams. Those apps register a function per role when they load
(``AppConfig.ready``)::

    @dashboards.register(Role.ADVISOR)
    def advisor_dashboard(request, association) -> dict: ...

and ``RoleDashboardView`` adds what every registered function returns to the page's context.
The applicant's dashboard is registered under ``APPLICANT``; its functions are called with
``(request, None)``. Whether a person has anything on a dashboard at all (the chooser offers
"My applications" only then) is asked of the functions registered with ``register_check``,
called with the user.
"""

from collections import defaultdict

APPLICANT = "applicant"

PROVIDERS: dict[str, list] = defaultdict(list)
CHECKS: dict[str, list] = defaultdict(list)


def _registrar(registry: dict[str, list], role: str):
    def decorate(function):
        if function not in registry[role]:
            registry[role].append(function)
        return function

    return decorate


def register(role: str):
    return _registrar(PROVIDERS, role)


def register_check(role: str):
    return _registrar(CHECKS, role)


def dashboard_context(*, role: str, request, association=None) -> dict:
    context: dict = {}
    for function in PROVIDERS.get(role, []):
        context.update(function(request, association))
    return context


def dashboard_has_content(*, role: str, user) -> bool:
    """Whether any registered check finds something for ``user`` (asked in order, until one
    does)."""
    return any(check(user) for check in CHECKS.get(role, []))
