"""Child process for bench_checklist's first-open figure: one fresh app process.

argv[1] = data dir (database with a PIN set, curricula cache filled); argv[2] = "preload" |
"no-preload". Starts the app in an in-process Flet session at "/", then (with "preload")
waits for the background preload the app starts after its first view, then opens the
checklist (route /screening) and prints JSON: the open's duration (wall, and CPU time of the
process, which a loaded machine disturbs less), and how long after the first view the preload
was done.
"""

import asyncio
import json
import sys
import time

sys.path.insert(0, ".")

from tests.ui.harness import start  # noqa: E402
from trainer.ui import routes  # noqa: E402
from trainer.ui.app import make_main  # noqa: E402

data_dir, mode = sys.argv[1], sys.argv[2]
if mode == "no-preload":
    routes.preload = lambda app: None  # the app as it was: everything loads at the first open


async def run() -> dict:
    h = await start(make_main(data_dir=data_dir), answers={"get_device_info": lambda a: None})
    first_view = time.perf_counter()
    assert h.view.route == "/" and not h.conn.crashed
    app = h.page.data
    await app.services["preload"]
    preload_done = time.perf_counter() - first_view
    await asyncio.sleep(0.05)
    t, c = time.perf_counter(), time.process_time()
    await h.go("/screening")
    opened, opened_cpu = time.perf_counter() - t, time.process_time() - c
    assert h.view.route == "/screening" and not h.conn.crashed, h.view.route
    svc = app.services.get("sync")
    if svc is not None:
        await svc.close()
    return {"open": opened, "open_cpu": opened_cpu, "preload_done": preload_done, "keys": sorted(k for k in app.services)}


print(json.dumps(asyncio.run(run())), flush=True)
