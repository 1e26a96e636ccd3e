"""Entry point for `flet build apk` (Flet packages the folder that holds main.py).

On a phone Flet sets FLET_APP_STORAGE_DATA, where the device database is kept.
For a laptop, use the `trainer` command instead (see README.md).
"""

import flet as ft

from trainer.ui.app import make_main
from trainer.ui.serve import ASSETS_DIR

if __name__ == "__main__":
    ft.run(make_main(), assets_dir=str(ASSETS_DIR))
