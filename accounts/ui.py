"""The design system's data side (see docs/ui.md): the status badge's colour families.

``accounts`` cannot know the states of the apps above it, so each app that shows a status
registers which family each of its states belongs to (``register_status_families``, from its
``AppConfig.ready``); the ``status_badge`` tag (``accounts.templatetags.ui``) reads it. A family
names what the person reading should make of the state, never only a colour: the badge always
shows the state's words.
"""

ACTION = "action"  # someone must act: amend, correct, retake
PROGRESS = "progress"  # moving along, waiting for the next step
SUCCESS = "success"  # done and good: awarded
STOPPED = "stopped"  # ended without the award: denied
CLOSED = "closed"  # ended by the person, or nothing more happens: withdrawn
NEUTRAL = "neutral"  # unknown state

FAMILIES = (ACTION, PROGRESS, SUCCESS, STOPPED, CLOSED, NEUTRAL)

STATUS_FAMILIES: dict[str, str] = {}
# The words of each registered state (for the components page, which shows them all).
STATUS_LABELS: dict[str, str] = {}


def register_status_families(mapping: dict[str, str], labels: dict | None = None) -> None:
    for state, family in mapping.items():
        if family not in FAMILIES:
            raise ValueError(f"unknown status family {family!r} for {state!r}")
        STATUS_FAMILIES[str(state)] = family
        if labels and state in labels:
            STATUS_LABELS[str(state)] = labels[state]


def status_family(state) -> str:
    return STATUS_FAMILIES.get(str(state), NEUTRAL)
