"""Child process for bench_startup: builds the first view in-process and prints the time.

argv[1] = "waymark" | "hello"; argv[2] = data dir. Prints the seconds since the process
started (time.perf_counter is process-relative on Linux? no: we use the parent's clock).
"""

import asyncio
import sys
import time

T0 = time.time()
kind, data_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, ".")

from tests.ui.harness import start  # noqa: E402

if kind == "waymark":
    from trainer.ui.app import make_main

    main = make_main(data_dir=data_dir)
else:
    import flet as ft

    def main(page: ft.Page):
        page.add(ft.Text("Hello, world!"))


async def run():
    h = await start(main, answers={"get_device_info": lambda a: None})
    assert h.page.views and not h.conn.crashed


asyncio.run(run())
print(f"BUILT {time.time():.6f}", flush=True)
