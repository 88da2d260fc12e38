"""What each endorsement category costs, told by the app that knows (``billing``).

``competencies`` comes before ``billing`` in the dependency order: billing registers a function
``fn(association) -> {category code: sentence}`` in its ``AppConfig.ready``, and the public
category pages and the eligibility check show the sentence (``{% category_cost %}``). The result
is kept on the association object for the rest of the request.
"""

PROVIDERS: list = []


def register(function):
    if function not in PROVIDERS:
        PROVIDERS.append(function)
    return function


def category_costs(association) -> dict[str, str]:
    cached = getattr(association, "_category_costs", None)
    if cached is None:
        cached = {}
        for function in PROVIDERS:
            cached.update(function(association))
        association._category_costs = cached
    return cached
