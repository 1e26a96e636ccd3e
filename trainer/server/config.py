"""Server settings: where the database is, the public address, and the limits it enforces."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

XAPI_VERSION = "1.0.3"
SUPPORTED_VERSIONS = ("1.0.3", "1.0.2", "1.0.1", "1.0.0")
# Extensions in GET /xapi/about that tell a Waymark device it reached its own server and
# what the server accepts; any other LRS simply lacks them.
EXT = "https://waymark.invalid/xapi/extensions/"
EXT_SERVER = EXT + "server"
EXT_MAX_BATCH = EXT + "max-batch"
EXT_MAX_BODY = EXT + "max-body-bytes"


@dataclass(frozen=True)
class ServerConfig:
    db_path: Path
    public_url: str = "http://127.0.0.1:8765"
    max_body_bytes: int = 2 * 1024 * 1024  # on the wire (compressed or not)
    max_inflated_bytes: int = 16 * 1024 * 1024  # after gzip is undone
    max_batch: int = 1000  # statements per request
    max_page: int = 500  # statements per GET page
    max_waiting_writers: int = 8  # more than this queued: 503 + Retry-After
    retry_after_seconds: int = 5
    # Proxies (addresses or networks) whose X-Forwarded-For is believed (`--trusted-proxy`).
    trusted_proxies: tuple = ()
    debug: bool = False  # `--debug`: /openapi.json and /docs are served

    @property
    def home_page(self) -> str:
        """The account homePage for device authorities: this server's device namespace."""
        return self.public_url.rstrip("/") + "/devices"
