"""Cold start: the first view imports only what it shows; the rest loads once, in the background."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: this test process has imported every screen already.
CHILD = r"""
import asyncio, json, sys
sys.path.insert(0, ".")
from tests.ui.harness import start
from trainer.ui import routes
from trainer.ui.app import WaymarkApp, make_main
HEAVY = ["trainer.ui.screening.start", "trainer.ui.screening.questions", "trainer.ui.screening.results",
         "trainer.core.checklist.engine", "trainer.core.crypto", "trainer.ui.views.sync", "httpx",
         "markdown", "trainer.core.curricula.loader", "numpy"]

snapshots = []
real_show = WaymarkApp.show_route
def show_route(self, route):
    real_show(self, route)
    snapshots.append([m for m in HEAVY if m in sys.modules])  # as the view goes out
WaymarkApp.show_route = show_route

real_preload = routes.preload
routes.preload = lambda app: None  # look at the first view before the background work
loads = []



async def run():
    h = await start(make_main(data_dir=sys.argv[1]), answers={"get_device_info": lambda a: None})
    out = {"route": h.view.route, "keys": [c.key for c in [h.find("open-checklist")]],
           "first_view_imported": snapshots[0]}
    app = h.page.data
    from trainer.ui.screening import state
    real_load = state.load_indicator_sets
    state.load_indicator_sets = lambda root: loads.append(str(root)) or real_load(root)
    real_preload(app)  # what the app runs on a background thread after the first view
    out["after_preload"] = [m for m in HEAVY if m in sys.modules]
    out["loads_after_preload"] = len(loads)
    await h.go("/screening")
    await h.go("/")
    await h.go("/screening")
    out["screening_route"] = h.view.route
    out["loads_after_opens"] = len(loads)
    out["crashed"] = h.conn.crashed
    await app.services["sync"].close()
    return out

print(json.dumps(asyncio.run(run())))
"""


def test_first_view_imports_only_what_it_shows_and_the_checklist_loads_once(tmp_path):
    from trainer.core.curricula.cache import load_with_cache

    load_with_cache(None, tmp_path / "cache")  # a launch after the first: the compiled curricula exist
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["route"] == "/" and out["keys"] == ["open-checklist"] and not out["crashed"]
    assert out["first_view_imported"] == [], "the first view imported screens it does not show"
    assert {"trainer.ui.screening.start", "trainer.core.checklist.engine"} <= set(out["after_preload"])
    assert "numpy" not in out["after_preload"] and "markdown" not in out["after_preload"]
    # (tomllib is not in the list: the UI language settings, locales/languages.toml, are read at start)
    assert out["loads_after_preload"] == 1  # the indicator sets, loaded in the background
    assert out["screening_route"] == "/screening"
    assert out["loads_after_opens"] == 1  # and never again
