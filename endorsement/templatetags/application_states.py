"""The application's state as its reader reads it: a plain sentence for the applicant, the
staff's short label for everybody else (``endorsement.enums``).

    {% load application_states %}{{ application|state_for:request.user }}
"""

from django import template

register = template.Library()


@register.filter
def state_for(application, user) -> str:
    return application.state_for(user)
