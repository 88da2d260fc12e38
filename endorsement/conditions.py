"""What must be true before a step of the workflow, contributed by the apps that know it.

``endorsement`` comes before ``portfolios`` and ``reviews`` in the dependency order, so it
cannot ask them whether a portfolio meets its requirements or every review is in. Those apps
register a condition per step when they load (``AppConfig.ready``), the way they register
dashboards (``accounts.dashboards``)::

    @conditions.register("submit")
    def portfolio_complete(application, **facts) -> str:
        return "" if ... else _("The portfolio does not meet its requirements yet.")

A condition returns ``""`` when the step may go ahead, or the sentence that tells the person why
not. ``facts`` are what the caller of the step knows besides the application (e.g. the exam
``sitting`` a retake is for); a condition ignores those it does not need. The one writer,
``endorsement.services.application_transition``, asks every condition of the step and refuses
with their sentences, so no view or service can take a step around them. The endorsement's own
lifecycle (renewal, lapse, revocation) registers its steps' conditions here too.
"""

from collections import defaultdict
from collections.abc import Callable

CONDITIONS: dict[str, list[Callable[..., str]]] = defaultdict(list)


def register(*actions: str):
    """Make the decorated function a condition of each step in ``actions``."""

    def decorate(function):
        for action in actions:
            if function not in CONDITIONS[action]:
                CONDITIONS[action].append(function)
        return function

    return decorate


def condition_refusals(
    *, application, action: str, facts: dict | None = None
) -> list[tuple[str, str]]:
    """``(condition name, sentence)`` of each registered condition of the step not met."""
    refusals = []
    for function in CONDITIONS.get(action, []):
        sentence = function(application, **(facts or {}))
        if sentence:
            refusals.append((function.__name__, str(sentence)))
    return refusals
