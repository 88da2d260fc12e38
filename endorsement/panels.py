"""Panels that later apps add to the coordinator's application page (e.g. ``credentials``:
the certificate), registered in their ``AppConfig.ready``::

    @register_application_panel
    def certificate_panel(request, application) -> Panel | None: ...
"""

from dataclasses import dataclass, field

APPLICATION_PANELS: list = []


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)


def register_application_panel(function):
    if function not in APPLICATION_PANELS:
        APPLICATION_PANELS.append(function)
    return function


def application_panels(*, request, application) -> list[Panel]:
    return [
        panel
        for function in APPLICATION_PANELS
        if (panel := function(request, application)) is not None
    ]
