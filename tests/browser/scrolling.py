"""Measuring how far a canvas-drawn (Flutter) screen scrolls, from its accessibility tree.

Flutter draws to a canvas, so the page's own scrollHeight says nothing. Its accessibility tree
does: every node is a positioned `flt-semantics` element that moves when the content scrolls.
`scroll_extent` wheels down in steps and adds up how far the nodes moved each step (the most
common non-zero movement, so fixed bars do not count), until nothing moves any more.
"""

from __future__ import annotations

SNAPSHOT = """() => {
  window.__wmTops = new Map();
  document.querySelectorAll('flt-semantics').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.height > 0) window.__wmTops.set(e, r.top);
  });
}"""

MOVED = """() => {
  const counts = new Map();
  for (const [e, top] of window.__wmTops) {
    if (!e.isConnected) continue;
    const r = e.getBoundingClientRect();
    if (r.height <= 0) continue;
    const d = Math.round(top - r.top);
    if (d !== 0) counts.set(d, (counts.get(d) || 0) + 1);
  }
  let best = 0, n = 0;
  for (const [d, c] of counts) if (c > n) { best = d; n = c; }
  return best;
}"""


def scroll_extent(page, *, width: int = 412, height: int = 915, step: int = 400, max_steps: int = 200) -> int:
    """Scroll the screen from where it is to its end; returns the pixels scrolled."""
    total = 0
    still = 0
    page.mouse.move(width / 2, height / 2)
    for _ in range(max_steps):
        page.evaluate(SNAPSHOT)
        page.mouse.wheel(0, step)
        page.wait_for_timeout(220)
        moved = page.evaluate(MOVED)
        total += max(moved, 0)
        still = still + 1 if moved <= 0 else 0
        if still >= 2:
            break
    return total


def scroll_to_top(page, *, width: int = 412, height: int = 915) -> None:
    page.mouse.move(width / 2, height / 2)
    for _ in range(60):
        page.evaluate(SNAPSHOT)
        page.mouse.wheel(0, -2000)
        page.wait_for_timeout(120)
        if page.evaluate(MOVED) == 0:
            break
