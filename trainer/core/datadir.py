"""Where the device keeps its data, and whether that place can be used.

Kept free of sqlite-utils so that `trainer app` can check its data folder before it serves,
without slowing the first answer.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def default_data_dir() -> Path:
    """Where the device database lives.

    $WAYMARK_DATA_DIR if set; on a packaged phone app Flet's FLET_APP_STORAGE_DATA; elsewhere
    a per-user data folder (e.g. ~/.local/share/waymark).
    """
    if os.getenv("WAYMARK_DATA_DIR"):
        return Path(os.environ["WAYMARK_DATA_DIR"])
    if os.getenv("FLET_APP_STORAGE_DATA"):
        return Path(os.environ["FLET_APP_STORAGE_DATA"])
    if sys.platform == "win32":
        base = Path(os.getenv("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.getenv("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "waymark"


def data_dir_problem(path: Path) -> str | None:
    """Why `path` cannot hold the device database, in words a person can act on; None if it can.

    Creates the folder when it is missing (that is what the app would do anyway).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        return f"the data folder {path} is a file, not a folder"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return f"the data folder {path} cannot be created: part of the path is a file"
    except PermissionError:
        return f"the data folder {path} cannot be created: permission denied"
    except OSError as exc:
        return f"the data folder {path} cannot be created: {exc.strerror or exc}"
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".waymark-write-test-"):
            pass
    except PermissionError:
        return f"the data folder {path} is not writable: permission denied"
    except OSError as exc:
        return f"the data folder {path} is not writable: {exc.strerror or exc}"
    return None
