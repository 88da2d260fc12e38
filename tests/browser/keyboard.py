"""Keyboard-only helpers for the browser tests: move with Tab to a control named by its label,
proving it is in the tab order, labelled and shows where the focus is; choose with the arrow
keys; start each page from its "Skip to main content" link."""

import re

# What a screen reader would announce for the focused element: its accessible name (from
# aria-labelledby, aria-label, its <label>s or, for links and buttons, its text; crispy-forms'
# "*" of required fields left out), the legends of the fieldsets around it (innermost first),
# and whether the focus can be seen: a visible box with an outline or a box shadow.
FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const text = (node) => (node ? node.textContent.replace(/\\s+/g, " ").trim() : "");
  let name = "";
  const labelledby = el.getAttribute("aria-labelledby");
  if (labelledby) {
    name = labelledby.split(/\\s+/).map((id) => text(document.getElementById(id))).join(" ");
  }
  if (!name && el.getAttribute("aria-label")) name = el.getAttribute("aria-label").trim();
  if (!name && el.labels && el.labels.length) name = Array.from(el.labels).map(text).join(" ");
  if (!name && ["A", "BUTTON", "SUMMARY"].includes(el.tagName)) name = text(el);
  name = name.replace(/\\s*\\*$/, "").trim();
  const groups = [];
  for (let fieldset = el.closest("fieldset"); fieldset;
       fieldset = fieldset.parentElement.closest("fieldset")) {
    groups.push(text(fieldset.querySelector(":scope > legend")));
  }
  // Past the year of a date field, Tab reaches the browser's own calendar button inside the
  // field (the field stays document.activeElement but no longer matches :focus); Chromium
  // draws that button's focus ring itself, out of reach of the page's styles.
  const picker = el.type === "date" && !el.matches(":focus");
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow !== "none";
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    id: el.id,
    href: el.getAttribute("href") || "",
    name,
    groups,
    checked: Boolean(el.checked),
    value: el.value === undefined ? "" : el.value,
    selected: el.tagName === "SELECT" ? text(el.options[el.selectedIndex]) : "",
    picker,
    visible_focus: box.width > 0 && box.height > 0 && (picker || outlined || shadowed),
    outline: `${style.outlineStyle} ${style.outlineWidth}; shadow ${style.boxShadow}`,
  };
}
"""


def focused(page) -> dict | None:
    """The focused element as a screen reader user meets it (None: nothing is focused)."""
    return page.evaluate(FOCUSED_JS)


def _matches(info: dict, name: str | re.Pattern, group: str | None) -> bool:
    if isinstance(name, re.Pattern):
        named = bool(name.fullmatch(info["name"]))
    else:
        named = info["name"] == name
    return named and (group is None or group in info["groups"])


def tab(page, key: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab); the focused element, which must show its focus."""
    page.keyboard.press(key)
    info = focused(page)
    assert info is not None, f"{key} left the focus nowhere on {page.url}"
    assert info["visible_focus"], f"no visible focus indicator on {info} at {page.url}"
    return info


def tab_to(page, name: str | re.Pattern, *, group: str | None = None, max_tabs: int = 80) -> dict:
    """Press Tab until the control with this accessible name (inside a fieldset with this
    legend, if given) has the focus; fail if it is never reached. Every stop on the way must
    show a visible focus indicator."""
    passed = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        info = focused(page)
        if info is None:
            break
        assert info["visible_focus"], f"no visible focus indicator on {info} at {page.url}"
        if _matches(info, name, group):
            return info
        passed.append(f"{info['tag']} {info['name']!r} {info['groups']}")
    raise AssertionError(
        f"{name!r} (group {group!r}) not reached with Tab on {page.url}; passed:\n"
        + "\n".join(passed)
    )


def skip_to_main(page) -> None:
    """The first Tab stop of a freshly loaded page is the visible "Skip to main content" link;
    Enter on it moves the focus to <main>, so the next Tab is the first control of the page's
    own content."""
    info = tab(page)
    assert (info["tag"], info["name"], info["href"]) == ("a", "Skip to main content", "#main")
    address = page.url
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The address stays as it was (static/js/skip-link.js): a form without an `action` would
    # post to "…#main", and the page after it would open at <main>, not at its error summary.
    assert page.url == address


def type_into(page, name, text: str, *, group: str | None = None) -> None:
    tab_to(page, name, group=group)
    page.keyboard.type(text)


def choose_option(page, name: str, option: str, *, max_presses: int = 30) -> None:
    """Tab to the <select> and press the down arrow until ``option`` is shown chosen."""
    info = tab_to(page, name)
    assert info["tag"] == "select", info
    for _ in range(max_presses):
        if focused(page)["selected"] == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} not among the options of {name!r}")


def choose_radio(page, choices: list[str], choice: str, *, group: str) -> None:
    """Tab into the radio group (its first choice when none is chosen), then move with the
    right arrow to ``choice`` (Space chooses the first); the arrow keys check as they move."""
    tab_to(page, choices[0], group=group)
    index = choices.index(choice)
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowRight")
    info = focused(page)
    assert (info["name"], info["checked"]) == (choice, True), info


def check_box(page, name: str) -> None:
    """Tab to the checkbox and tick it with Space."""
    info = tab_to(page, name)
    assert (info["type"], info["checked"]) == ("checkbox", False), info
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True


def press_to_load(page, key: str = "Enter") -> None:
    """Press a key that sends a form or follows a link, and wait for the page it loads."""
    with page.expect_navigation():
        page.keyboard.press(key)
