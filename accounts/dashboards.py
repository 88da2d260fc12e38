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

The "needs you now" list at the top of a dashboard is a registry of its own: each app registers
a function per role with ``register_tasks``, called with ``(request, association, context)``
(``context`` is what the dashboard's providers already read, so a row may reuse a list the page
shows without a query of its own) and returning ``Task`` rows. Each function must cost a
constant number of queries. Later capabilities (renewals, payments, failed e-mails) add their
rows here rather than editing the dashboard's template.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

APPLICANT = "applicant"

PROVIDERS: dict[str, list] = defaultdict(list)
CHECKS: dict[str, list] = defaultdict(list)
TASKS: dict[str, list] = defaultdict(list)


@dataclass(frozen=True)
class Task:
    """One row of "needs you now": a sentence, the page where the action is, and how urgent.

    ``priority`` orders the kinds (lower first); within a kind the most overdue comes first,
    then the oldest (``since``, a date or a moment; None last).
    """

    kind: str
    label: str
    url: str
    priority: int
    overdue_days: int | None = None
    since: object = None

    def sort_key(self) -> tuple:
        return (
            self.priority,
            -(self.overdue_days or 0),
            self.since is None,
            str(self.since or ""),
            self.label,
        )


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


def register_tasks(role: str):
    return _registrar(TASKS, role)


def tasks_for(*, role: str, request, association, context: dict) -> list[Task]:
    """Every registered function's rows for the role, most pressing first."""
    rows: list[Task] = []
    for function in TASKS.get(role, []):
        rows.extend(function(request, association, context))
    return sorted(rows, key=Task.sort_key)


def dashboard_context(*, role: str, request, association=None) -> dict:
    context: dict = {}
    for function in PROVIDERS.get(role, []):
        context.update(function(request, association))
    if TASKS.get(role):
        context["needs_you"] = tasks_for(
            role=role, request=request, association=association, context=context
        )
    context["next_step"] = next_step_for(
        role=role, request=request, association=association, context=context
    )
    context["sections"] = sections_for(
        role=role, request=request, association=association, context=context
    )
    return context


def dashboard_has_content(*, role: str, user) -> bool:
    """Whether any registered check finds something for ``user`` (asked in order, until one
    does)."""
    return any(check(user) for check in CHECKS.get(role, []))


@dataclass(frozen=True)
class NextStep:
    """What the person must do now, the first thing on their dashboard (the ``next_step_card``
    component): a heading, one sentence, at most ONE primary action (``action_url``; none when
    they can only wait) and secondary ``links`` ((label, url) pairs). ``detail`` is a quoted
    text under a ``detail_label`` (e.g. the coordinator's reasons); ``urgency`` orders the
    candidates (lower first)."""

    heading: str
    text: str = ""
    action_label: str = ""
    action_url: str = ""
    links: tuple = ()
    detail_label: str = ""
    detail: str = ""
    kind: str = ""
    urgency: int = 100


NEXT_STEPS: dict[str, list] = defaultdict(list)


def register_next_step(role: str):
    """``function(request, association, context) -> NextStep | None``, called after the
    providers and the tasks, with what they read: it must not query."""
    return _registrar(NEXT_STEPS, role)


def next_step_for(*, role: str, request, association, context: dict) -> NextStep | None:
    """The most urgent step the registered functions offer; without one, the first "needs you
    now" row."""
    steps = [
        step
        for function in NEXT_STEPS.get(role, [])
        if (step := function(request, association, context)) is not None
    ]
    if steps:
        return min(steps, key=lambda step: step.urgency)
    tasks = context.get("needs_you") or []
    if tasks:
        return task_next_step(tasks[0])
    return None


def task_next_step(task: Task) -> NextStep:
    text = ""
    if task.overdue_days:
        text = ngettext("%(count)d day overdue.", "%(count)d days overdue.", task.overdue_days) % {
            "count": task.overdue_days
        }
    return NextStep(
        heading=task.label,
        text=text,
        action_label=_("Do this now"),
        action_url=task.url,
        kind=f"task-{task.kind}",
    )


# Pages a later app adds to the association admin's next step: (label, URL name taking the
# association's ``slug``), e.g. billing's fee schedule; filled in ``AppConfig.ready()``.
ADMIN_PAGES: list[tuple] = []


def register_admin_page(*, label, url_name: str) -> None:
    ADMIN_PAGES.append((label, url_name))


def association_admin_next_step(request, association, context) -> NextStep:
    """Where an association admin manages their association: the member list, the people page
    (staff, roles, invitations), the pages later apps register (the fee schedule) and the admin
    site for the rest (the framework)."""
    if association is None:
        return NextStep(
            heading=_("Manage your association"),
            action_label=_("Open the admin site"),
            action_url=reverse("admin:index"),
            kind="admin",
        )
    slug = {"slug": association.slug}
    return NextStep(
        heading=_("Manage your association"),
        text=_(
            "Members, staff and fees have their own pages here; the framework is edited in "
            "the admin site."
        ),
        action_label=_("See the members"),
        action_url=reverse("accounts:members", kwargs=slug),
        links=(
            (_("People and roles"), reverse("accounts:people", kwargs=slug)),
            *((label, reverse(url_name, kwargs=slug)) for label, url_name in ADMIN_PAGES),
            (_("The framework, in the admin site"), reverse("admin:index")),
        ),
        kind="admin",
    )


register_next_step("association_admin")(association_admin_next_step)


@dataclass(frozen=True)
class Section:
    """A block a later app adds at the end of a dashboard: its own template (included with
    ``section`` in the context) and what that template reads (``data``)."""

    template: str
    data: dict


SECTIONS: dict[str, list] = defaultdict(list)


def register_section(role: str):
    """``function(request, association, context) -> Section | None``, called after the
    providers; it costs a constant number of queries."""
    return _registrar(SECTIONS, role)


def sections_for(*, role: str, request, association, context: dict) -> list[Section]:
    return [
        section
        for function in SECTIONS.get(role, [])
        if (section := function(request, association, context)) is not None
    ]
