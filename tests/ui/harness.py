"""In-process Flet session: a real Session and Page driven by a fake client connection.

This is how the UI is tested without a screen: the app's own main() runs against a Page,
events are dispatched as the Flutter client would send them, and tests assert on controls.
Relies on Flet internals (pinned flet==1.0.5).
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import msgpack
from flet.controls.context import context
from flet.controls.base_control import BaseControl
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.protocol import (
    Message,
    MessageAction,
    RegisterClientResponseBody,
    configure_encode_object_for_msgpack,
)
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub


class FakeConnection(Connection):
    """Plays the Dart client: encodes every message (which snapshots control state),
    answers service calls from `answers`, and emulates client-side routing."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        super().__init__()
        self.loop = loop
        self.executor = ThreadPoolExecutor(max_workers=2)
        self.pubsubhub = PubSubHub(loop=loop, executor=self.executor)
        self.page_url = "http://127.0.0.1/"
        self.messages: list[Message] = []
        self.answers: dict[str, Callable[[dict], Any]] = {}
        self.session: Session | None = None

    def send_message(self, message: Message) -> None:
        msgpack.packb([message.action, message.body], default=configure_encode_object_for_msgpack(BaseControl))
        self.messages.append(message)
        if message.action == MessageAction.INVOKE_METHOD:
            body = message.body
            name = body.name if hasattr(body, "name") else body["name"]
            args = (body.args if hasattr(body, "args") else body.get("args")) or {}
            control_id = body.control_id if hasattr(body, "control_id") else body["control_id"]
            call_id = body.call_id if hasattr(body, "call_id") else body["call_id"]
            if name == "push_route":
                self.loop.call_soon(lambda r=args["route"]: asyncio.ensure_future(self.route_changed(r)))
            fn = self.answers.get(name)
            result = fn(args) if fn else None
            self.loop.call_soon(self.session.handle_invoke_method_results, control_id, call_id, result, None)

    async def route_changed(self, route: str) -> None:
        self.session.apply_page_patch({"route": route})
        await self.session.dispatch_event(self.session.page._i, "route_change", {"route": route})

    @property
    def crashed(self) -> bool:
        return any(m.action == MessageAction.SESSION_CRASHED for m in self.messages)


class Harness:
    def __init__(self, conn: FakeConnection, session: Session):
        self.conn, self.session = conn, session

    @property
    def page(self):
        return self.session.page

    @property
    def view(self):
        return self.page.views[-1]

    async def settle(self, turns: int = 20) -> None:
        for _ in range(turns):
            await asyncio.sleep(0)

    async def click(self, control) -> None:
        await self.session.dispatch_event(control._i, "click", None)
        await self.settle()

    async def event(self, control, name: str, data: Any = None) -> None:
        await self.session.dispatch_event(control._i, name, data)
        await self.settle()

    async def set_value(self, control, value: Any, event: str = "change") -> None:
        self.session.apply_patch(control._i, {"value": value})
        await self.event(control, event, value)

    async def go(self, route: str) -> None:
        await self.conn.route_changed(route)
        await self.settle()

    async def back(self) -> None:
        route = self.page.views[-1].route
        await self.session.dispatch_event(self.page._i, "view_pop", {"route": route})
        await self.settle()

    def find(self, key: str, root=None):
        """First control whose key equals `key`, searching the top view (or root)."""
        found = find_all(root or self.view, lambda c: getattr(c, "key", None) == key)
        if not found:
            raise LookupError(f"no control with key {key!r} on {self.view.route}")
        return found[0]

    def texts(self, root=None) -> list[str]:
        out = []
        for c in find_all(root or self.view, lambda c: True):
            for attr in ("value", "text", "label", "content", "title", "tooltip"):
                v = getattr(c, attr, None)
                if isinstance(v, str) and v:
                    out.append(v)
        return out


def find_all(root, pred) -> list:
    """Walk a control tree (dataclass fields holding controls or lists of controls)."""
    seen, out, stack = set(), [], [root]
    while stack:
        c = stack.pop()
        if c is None or id(c) in seen:
            continue
        seen.add(id(c))
        if isinstance(c, BaseControl):
            if pred(c):
                out.append(c)
            for name in getattr(c, "__dataclass_fields__", {}):
                if name.startswith("_") or name in ("parent", "page"):
                    continue
                v = getattr(c, name, None)
                if isinstance(v, BaseControl):
                    stack.append(v)
                elif isinstance(v, (list, tuple)):
                    stack.extend(x for x in reversed(v) if isinstance(x, BaseControl))
        elif isinstance(c, (list, tuple)):
            stack.extend(c)
    return out


async def start(main, route: str = "/", width: int = 412, height: int = 915, answers: dict | None = None) -> Harness:
    conn = FakeConnection(asyncio.get_running_loop())
    conn.answers.update(answers or {})
    session = conn.session = Session(conn)
    session.apply_page_patch({"route": route, "width": width, "height": height, "platform": "android", "web": False})
    conn.send_message(
        Message(
            MessageAction.REGISTER_CLIENT,
            RegisterClientResponseBody(session_id=session.id, page_patch=session.get_page_patch(), error=""),
        )
    )
    _context_page.set(session.page)
    context.reset_auto_update()
    if inspect.iscoroutinefunction(main):
        await main(session.page)
    else:
        main(session.page)
    await session.after_event(session.page)
    h = Harness(conn, session)
    await h.settle()
    return h
