"""Serving the app on a laptop as a local web app: the bundled Flutter client, no CDN.

The page is served with a Content-Security-Policy that only allows this server. The web
client has a few hard-coded internet addresses (e.g. a Rive runtime on a public CDN); the
policy makes the browser refuse them before any request leaves the machine.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import sys
import threading
import webbrowser
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


# When a glyph is missing from the app's fonts, the Flutter web engine fetches a Noto
# fallback font from "<font base>/<family>/<version>/<file>.woff2" (a CDN address unless
# no_cdn; with no_cdn, "/assets/fonts/notosansbengali/v26/....woff2" and so on). Offline that
# is a 404 and the text shows as empty boxes, so those requests are answered with bundled
# fonts (the engine reads TrueType too). The engine fetches only the regular weight.
# Latin, Cyrillic and Vietnamese need nothing: the engine's bundled Roboto covers them.
FONTS_DIR = ASSETS_DIR / "fonts"
FALLBACK_FONTS = {
    # Arabic, Urdu, Persian (Noto Naskh Arabic has the Urdu and Persian letters).
    "/assets/fonts/notosansarabic/": FONTS_DIR / "NotoNaskhArabic-Regular.ttf",
    "/assets/fonts/notonaskharabic/": FONTS_DIR / "NotoNaskhArabic-Regular.ttf",
    # Bengali (bn), Devanagari (ne, hi), Ethiopic (ti, am): subsets, see assets/fonts/README.md.
    "/assets/fonts/notosansbengali/": FONTS_DIR / "NotoSansBengali-Regular.ttf",
    "/assets/fonts/notosansdevanagari/": FONTS_DIR / "NotoSansDevanagari-Regular.ttf",
    # For Devanagari the engine asks for "Noto Sans" (Google's Noto Sans includes Devanagari).
    # Roboto already draws Latin, Greek, Cyrillic and Vietnamese, so Devanagari is what this
    # request is for; rarer Latin/Cyrillic letters Roboto lacks would still show as boxes.
    "/assets/fonts/notosans/": FONTS_DIR / "NotoSansDevanagari-Regular.ttf",
    "/assets/fonts/notosansethiopic/": FONTS_DIR / "NotoSansEthiopic-Regular.ttf",
}


class SecurityHeaders:
    """ASGI middleware: the offline-only policy on every HTTP response, and local fallback fonts."""

    def __init__(self, app):
        self.app = app
        self._fonts: dict[str, bytes] = {}

    async def _font(self, path: str, send) -> bool:
        for prefix, file in FALLBACK_FONTS.items():
            if path.startswith(prefix):
                body = self._fonts.get(prefix)
                if body is None:
                    body = self._fonts[prefix] = file.read_bytes()
                headers = [(b"content-type", b"font/ttf"), (b"content-length", str(len(body)).encode()), (b"cache-control", b"max-age=86400")]
                await send({"type": "http.response.start", "status": 200, "headers": headers + SECURITY_HEADERS})
                await send({"type": "http.response.body", "body": body})
                return True
        return False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope.get("method") in ("GET", "HEAD") and await self._font(scope.get("path", ""), send):
            return

        html_start: dict | None = None
        html_body: list[bytes] = []

        async def send_with_headers(message):
            nonlocal html_start
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in {k for k, _ in SECURITY_HEADERS}]
                message = {**message, "headers": headers + SECURITY_HEADERS}
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    html_start = message  # held back until the page's title is set
                    return
            elif message["type"] == "http.response.body" and html_start is not None:
                html_body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = set_title(b"".join(html_body))
                headers = [(k, v) for k, v in html_start["headers"] if k.lower() != b"content-length"]
                await send({**html_start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
                message = {"type": "http.response.body", "body": body}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


TITLE = "Waymark"


def set_title(page: bytes) -> bytes:
    """The app's name as the page title from the first byte (the web client's says "Flet")."""
    page = re.sub(rb'(<meta name="apple-mobile-web-app-title" content=")[^"]*"', rb'\g<1>' + TITLE.encode() + b'"', page, count=1)
    return re.sub(rb"<title>[^<]*</title>", f"<title>{TITLE}</title>".encode(), page, count=1)


def has_display() -> bool:
    if os.name == "nt" or os.uname().sysname == "Darwin":
        return True
    return bool(os.getenv("DISPLAY") or os.getenv("WAYLAND_DISPLAY"))


def asgi_app(data_dir: str | None = None, curricula_dir: str | None = None):
    """The whole web app as an ASGI application (used by `trainer app` and the tests)."""
    import flet as ft

    os.environ.setdefault("FLET_WEB_NO_CDN", "1")

    async def main(page):
        # Imported on the first visit (or by the warm-up thread), not before the server
        # answers: the page itself needs none of it.
        from .app import make_main

        await make_main(data_dir=data_dir, curricula_dir=curricula_dir)(page)

    app = ft.run(
        main,
        assets_dir=str(ASSETS_DIR),
        no_cdn=True,
        export_asgi_app=True,
    )
    return SecurityHeaders(app)


class StartError(Exception):
    """A reason `trainer app` cannot start, in one line a person can act on."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or StartError naming the port and what to do."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise StartError(f"cannot serve on host '{host}': {exc.strerror}. Use --host with an address of this computer, e.g. 127.0.0.1.") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise StartError(
                f"port {port} on {host} is already in use (another program, or Waymark already running). "
                f"Stop it, or choose another port with --port, e.g. --port {port + 1}."
            ) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise StartError(f"not allowed to use port {port} on {host}. Choose a port above 1024 with --port, e.g. --port 8550.") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise StartError(f"{host} is not an address of this computer. Use --host 127.0.0.1 (this computer only) or 0.0.0.0 (the whole network).") from None
        raise StartError(f"cannot serve on {host}:{port}: {exc.strerror or exc}.") from None
    return sock


def serve_app(host: str = "127.0.0.1", port: int = 8550, data_dir: str | None = None, open_browser: bool = True, curricula_dir: str | None = None) -> int:
    """Serve Waymark on host:port; open a browser when this computer has a display.

    The data folder and the port are checked before anything is printed, so "running at" is
    only said once the server is really listening on that port.
    """
    import uvicorn

    from ..core.datadir import data_dir_problem, default_data_dir

    folder = Path(data_dir) if data_dir else default_data_dir()
    problem = data_dir_problem(folder)
    if problem:
        print(f"trainer: {problem}. Choose a folder you can write to with --data-dir.", file=sys.stderr)
        return 2
    try:
        sock = bind(host, port)
    except StartError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 2
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    app = asgi_app(data_dir=data_dir, curricula_dir=curricula_dir)
    config = uvicorn.Config(app, log_level=os.getenv("WAYMARK_LOG_LEVEL", "warning"), ws="websockets-sansio" if _has_sansio() else "auto")
    server = uvicorn.Server(config)
    print(f"Waymark is running at {url}  (data folder: {folder}; press Ctrl+C to stop)", flush=True)
    threading.Timer(0.2, _warm_up, kwargs={"curricula_dir": curricula_dir, "data_dir": data_dir}).start()
    if open_browser and has_display() and (shutil.which("xdg-open") or os.name == "nt" or os.uname().sysname == "Darwin"):
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    server.run(sockets=[sock])
    return 0


def _warm_up(curricula_dir: str | None, data_dir: str | None) -> None:
    from .app import warm_up

    warm_up(curricula_dir, data_dir)


def _has_sansio() -> bool:
    try:
        import websockets  # noqa: F401
        from uvicorn.protocols.websockets import websockets_sansio_impl  # noqa: F401
    except ImportError:
        return False
    return True
