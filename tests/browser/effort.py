"""What a journey costs the person taking it: page loads, fields filled in, clicks.

``Effort.watch(page)`` adds a script to every document the page loads (in its top frame) that
counts, in the tab's sessionStorage, so that the counts survive each navigation:

* page loads: every document the tab loads (a link, a form sent, an address typed or opened from
  an e-mail); htmx swaps within a page are not page loads;
* fields: each form field the person types into or chooses in, once per page load (a group of
  radio buttons or of checkboxes with one name is one field);
* clicks: every press of the pointer (a link, a button, a checkbox, a radio button); a label's
  click passed on to its field is not a second press.

Playwright's ``fill`` and ``select_option`` do not press the pointer, so a field typed into
costs one field and no click, as if the person tabbed to it.
"""

import json
from dataclasses import dataclass
from pathlib import Path

# Where the journeys leave their counts for the end of the run (tests/conftest.py prints them,
# also when the tests run in several processes).
REPORTS = Path(__file__).resolve().parents[2] / "var" / "journey-effort"

_SCRIPT = """
(() => {
  if (window.top !== window) return;
  const KEY = "portal-effort";
  const EMPTY = '{"loads":0,"clicks":0,"fields":[],"pages":[]}';
  const read = () => JSON.parse(sessionStorage.getItem(KEY) || EMPTY);
  const write = (counts) => sessionStorage.setItem(KEY, JSON.stringify(counts));
  const counts = read();
  counts.loads += 1;
  counts.pages.push(location.pathname);
  write(counts);
  const load = counts.loads;
  addEventListener("pointerdown", (event) => {
    if (!event.isTrusted) return;
    const now = read(); now.clicks += 1; write(now);
  }, true);
  const field = (event) => {
    const target = event.target;
    if (!target || !target.name || !event.isTrusted) return;
    if (target.type === "hidden" || target.type === "submit") return;
    const now = read();
    const key = load + " " + location.pathname + " " + target.name;
    if (!now.fields.includes(key)) { now.fields.push(key); write(now); }
  };
  addEventListener("input", field, true);
  addEventListener("change", field, true);
})();
"""


@dataclass(frozen=True)
class Counts:
    loads: int
    fields: int
    clicks: int

    def __str__(self) -> str:
        return f"{self.loads} page loads, {self.fields} fields, {self.clicks} clicks"


class Effort:
    """Counts a person's page loads, fields and clicks in one tab from ``watch`` on."""

    def __init__(self, page):
        self.page = page

    @classmethod
    def watch(cls, page) -> "Effort":
        page.add_init_script(_SCRIPT)
        return cls(page)

    def counts(self) -> Counts:
        counts = self.page.evaluate("() => sessionStorage.getItem('portal-effort')")
        counts = (
            json.loads(counts) if counts else {"loads": 0, "clicks": 0, "fields": [], "pages": []}
        )
        self.pages = counts["pages"]
        return Counts(counts["loads"], len(counts["fields"]), counts["clicks"])


def report(journey: str, counts: Counts) -> None:
    """Leave a journey's counts for the summary at the end of the test run."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() else "-" for c in journey) + ".txt"
    (REPORTS / name).write_text(f"{journey}: {counts}\n")


def reports() -> list[str]:
    if not REPORTS.is_dir():
        return []
    return sorted(path.read_text().strip() for path in REPORTS.glob("*.txt"))


def forget_reports() -> None:
    for path in REPORTS.glob("*.txt") if REPORTS.is_dir() else []:
        path.unlink()
