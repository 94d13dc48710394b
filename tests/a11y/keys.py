"""Keyboard-only driving for Playwright pages: Tab to a target, checking every focus stop on the way is visible."""

from __future__ import annotations

from typing import Any

#: What the focused element shows: an outline or a ring on itself, on the span that draws a hidden radio, or on
#: its label; and whether anything sticky (save bar, points counter) covers it.
FOCUS_PROBE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {skip: true};
  const shows = c => {
    const s = getComputedStyle(c);
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
    const r = c.getBoundingClientRect();
    return ring && r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0.5;
  };
  const candidates = [el, el.nextElementSibling, el.closest('label')].filter(Boolean);
  const ringed = candidates.find(shows);
  const target = ringed || el;
  const box = target.getClientRects()[0] || target.getBoundingClientRect();  // an inline link's first line
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const owner = el.closest('label') || el;
  const covered = !hit || !(owner.contains(hit) || hit.contains(el) || (ringed && ringed.contains(hit)));
  // The ring is drawn just outside the element, so it must stand out (3:1) from the background around it.
  const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let contrast = 21;
  if (ringed) {
    const s = getComputedStyle(ringed);
    const ring = s.outlineStyle !== 'none' ? rgb(s.outlineColor) : null;
    let node = ringed.parentElement, back = [255, 255, 255];
    while (node) {
      const b = rgb(getComputedStyle(node).backgroundColor);
      if (b.length === 3 || (b.length === 4 && b[3] > 0.5)) { back = b.slice(0, 3); break; }
      node = node.parentElement;
    }
    if (ring) {
      const [a, b] = [lum(ring.slice(0, 3)), lum(back)];
      contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }
  }
  return {skip: false, ringed: !!ringed, covered: covered, contrast: contrast,
          what: el.outerHTML.slice(0, 160), hit: hit ? hit.outerHTML.slice(0, 120) : null};
}"""


def focus_problem(page: Any) -> str | None:
    """None when the focused element shows a focus ring that nothing covers; otherwise what is wrong."""
    probe = page.evaluate(FOCUS_PROBE)
    if probe["skip"]:
        return None
    if not probe["ringed"]:
        return f"no visible focus indicator on {probe['what']}"
    if probe["contrast"] < 3:
        return f"focus ring contrast {probe['contrast']:.2f}:1 against its background: {probe['what']}"
    if probe["covered"]:
        return f"focused element covered by {probe['hit']}: {probe['what']}"
    return None


def is_focused(locator: Any) -> bool:
    return bool(locator.evaluate("el => el === document.activeElement"))


def tab_to(page: Any, target: Any, problems: list[str], backwards: bool = False, limit: int = 120) -> int:
    """Press Tab (or Shift+Tab) until `target` has focus; each stop's focus indicator is checked on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        problem = focus_problem(page)
        if problem:
            problems.append(f"{page.url}: {problem}")
        if is_focused(target):
            return presses
    raise AssertionError(f"{target} never got the focus after {limit} presses of {key}")


def walk_all(page: Any, problems: list[str], limit: int = 200) -> int:
    """Tab through the whole page once (until the focus comes back round), checking every stop."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        marker = page.evaluate("""() => { const el = document.activeElement;
            if (!el || el === document.body) return null;
            el.dataset.kbSeen = el.dataset.kbSeen || String(Math.random()); return el.dataset.kbSeen; }""")
        if marker is None:
            continue
        if marker in seen:
            break
        seen.append(marker)
        problem = focus_problem(page)
        if problem:
            problems.append(f"{page.url}: {problem}")
    return len(seen)
