"""Curricula: the loader, validator and immutable model of the training modules.

The loader (Python-Markdown, TOML) is imported on first use only: an app start that finds
the compiled cache never needs it (see cache.py).
"""

from .model import Curriculum, Module, ModuleText, Section
from .paths import default_curricula_dir

__all__ = [
    "Curriculum",
    "Module",
    "ModuleText",
    "Section",
    "load_curricula",
    "check_curricula",
    "default_curricula_dir",
]


def __getattr__(name: str):
    if name in ("load_curricula", "check_curricula"):
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
