from django import template

from competencies.costs import category_costs

register = template.Library()


@register.simple_tag
def category_cost(association, code) -> str:
    """What the category costs in the association, as a sentence ("" when nothing is said)."""
    if association is None:
        return ""
    return category_costs(association).get(str(code), "")
