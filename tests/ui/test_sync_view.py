"""The sync screen in an in-process Flet session, against the real server app in-process."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

import httpx

from tests.sync_factory import device_statements, outbox_rows
from tests.sync_harness import make_server, new_code, stored_ids
from trainer.sync.service import SyncService
from trainer.ui.app import make_main
from trainer.ui.views import sync as sync_view

from .harness import start

FIXTURE = str(Path(__file__).resolve().parents[1] / "fixtures" / "curricula_small")
SERVER = "http://trainer.test"


def queue(app, statements) -> None:
    app.db["outbox"].insert_all(outbox_rows(statements))


async def boot(tmp_path, link: str = "wifi"):
    srv = make_server(tmp_path / "server")
    answers = {"get_device_info": lambda args: None, "get_connectivity": lambda args: [link]}
    h = await start(make_main(data_dir=tmp_path / "device", curricula_dir=FIXTURE), answers=answers)
    app = h.page.data
    # The app started its own background sync at start-up; swap in one wired to the
    # in-process server (it starts again when the Sync screen opens).
    old = app.services.pop("sync", None)
    if old is not None:
        old.stop()
        await old.close()
    for key in ("sync-task", "connectivity"):
        app.services.pop(key, None)
    svc = SyncService(sync_view._db_path(app), http_transport=httpx.ASGITransport(app=srv.app))
    sync_view.install_service(app, svc)
    return h, app, srv, svc


async def until(h, predicate, turns: int = 500) -> bool:
    for _ in range(turns):
        if predicate():
            return True
        await asyncio.sleep(0.01)
        await h.settle(2)
    return predicate()


def test_status_enrol_sync_now_and_refusals(tmp_path):
    async def scenario():
        h, app, srv, svc = await boot(tmp_path, link="none")
        statements = device_statements(30)
        queue(app, statements)
        await h.go("/settings/sync")
        assert not h.conn.crashed
        assert h.find("sync-state").value == "Not set up"
        assert h.find("sync-waiting").value == "30 results waiting to be sent"
        assert h.find("sync-last-success").value == "Last successful sync: Never"
        assert h.find("sync-now").disabled

        # a wrong code: the reason in plain words, on the code field
        await h.set_value(h.find("sync-server-url"), SERVER)
        await h.set_value(h.find("sync-code"), "ABCD-EFGH-JKMN")
        await h.click(h.find("sync-enrol"))
        assert "not known" in h.find("sync-code").error
        assert stored_ids(srv.db_path) == []

        # the right code enrols and sends everything
        await h.set_value(h.find("sync-code"), new_code(srv).lower())
        await h.click(h.find("sync-enrol"))
        assert await until(h, lambda: h.find("sync-waiting").value.startswith("Nothing waiting"))
        assert h.find("sync-enrolled").visible and "Labour inspectors" in h.find("sync-enrolled").value
        assert h.find("sync-state").value == "Up to date"
        assert "Never" not in h.find("sync-last-success").value
        assert sorted(stored_ids(srv.db_path)) == sorted(s["id"] for s in statements)

        # one refused result is shown with its reason and does not hold back the others
        more = device_statements(5, seed=9)
        bad = copy.deepcopy(more[2])
        bad["result"] = {"score": {"scaled": 7}}
        queue(app, [more[0], more[1], bad, more[3], more[4]])
        await h.click(h.find("sync-now"))
        assert await until(h, lambda: h.find("sync-rejected").visible)
        assert "1 result was refused" in h.find("sync-rejected").value
        assert "between -1 and 1" in h.find("sync-problem").value
        assert len(stored_ids(srv.db_path)) == 34
        assert any("result.score.scaled" in t for t in h.texts(h.find("sync-refused-list")))
        # sending it again is refused again, and says so
        await h.click(h.find("sync-resend"))
        assert await until(h, lambda: "1 result was refused" in h.find("sync-rejected").value)
        assert len(stored_ids(srv.db_path)) == 34

        # Settings shows a summary and the way in
        await h.go("/settings")
        assert "Up to date" in h.find("settings-sync-summary").value
        await h.click(h.find("settings-open-sync"))
        assert h.view.route == "/settings/sync"
        assert not h.conn.crashed
        svc.stop()
        await svc.close()

    asyncio.run(scenario())


def test_background_drain_starts_when_the_link_comes_back(tmp_path):
    async def scenario():
        h, app, srv, svc = await boot(tmp_path, link="none")
        await h.go("/settings/sync")
        await h.set_value(h.find("sync-server-url"), SERVER)
        await h.set_value(h.find("sync-code"), new_code(srv))
        await h.click(h.find("sync-enrol"))
        assert await until(h, lambda: h.find("sync-state").value == "Up to date")
        statements = device_statements(12, seed=4)
        queue(app, statements)
        sync_view.notify_new_results(app)  # no link: nothing goes
        await until(h, lambda: False, turns=20)
        assert stored_ids(srv.db_path) == []
        connectivity = app.services["connectivity"]
        await h.event(connectivity, "change", {"connectivity": ["wifi"]})
        assert await until(h, lambda: len(stored_ids(srv.db_path)) == 12)
        assert await until(h, lambda: h.find("sync-waiting").value.startswith("Nothing waiting"))
        assert not h.conn.crashed
        svc.stop()
        await svc.close()

    asyncio.run(scenario())


def test_external_record_store_settings(tmp_path):
    async def scenario():
        h, app, srv, svc = await boot(tmp_path)
        queue(app, device_statements(7))
        await h.go("/settings/sync")
        await h.set_value(h.find("sync-mode"), "lrs")
        assert h.find("sync-lrs-form").visible and not h.find("sync-server-form").visible
        await h.set_value(h.find("sync-lrs-endpoint"), "not an address")
        await h.click(h.find("sync-lrs-save"))
        assert "endpoint" in h.find("sync-lrs-endpoint").error
        await h.set_value(h.find("sync-lrs-endpoint"), SERVER + "/xapi/")
        await h.set_value(h.find("sync-lrs-key"), srv.key)
        await h.set_value(h.find("sync-lrs-secret"), srv.secret)
        await h.click(h.find("sync-lrs-save"))
        assert await until(h, lambda: len(stored_ids(srv.db_path)) == 7)
        assert h.find("sync-lrs-secret").value == ""  # the secret is not left on screen
        assert not h.conn.crashed
        svc.stop()
        await svc.close()

    asyncio.run(scenario())
