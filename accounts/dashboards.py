"""What each role's dashboard shows beyond its header, contributed by the apps that own the data.

``accounts`` comes first in the dependency order, so it cannot import the apps that know about
advisees, reviews or exams. Those apps register a function per role when they load
(``AppConfig.ready``)::

    @dashboards.register(Role.ADVISOR)
    def advisor_dashboard(request, association) -> dict: ...

and ``RoleDashboardView`` adds what every registered function returns to the page's context.
"""

from collections import defaultdict

PROVIDERS: dict[str, list] = defaultdict(list)


def register(role: str):
    def decorate(function):
        if function not in PROVIDERS[role]:
            PROVIDERS[role].append(function)
        return function

    return decorate


def dashboard_context(*, role: str, request, association) -> dict:
    context: dict = {}
    for function in PROVIDERS.get(role, []):
        context.update(function(request, association))
    return context
