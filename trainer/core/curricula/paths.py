"""Where the bundled curricula are (no parsing here: importing this module is cheap)."""

from __future__ import annotations

import os
from pathlib import Path


def default_curricula_dir() -> Path:
    """The bundled curricula: next to the package in a checkout, or inside the app bundle."""
    env = os.getenv("WAYMARK_CURRICULA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for candidate in (here.parents[3] / "curricula", here.parents[2] / "curricula"):
        if candidate.is_dir():
            return candidate
    return here.parents[3] / "curricula"
