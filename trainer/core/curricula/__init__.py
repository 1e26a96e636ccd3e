"""Curricula: the loader, validator and immutable model of the training modules."""

from .model import Curriculum, Module, ModuleText, Section
from .loader import load_curricula, check_curricula, default_curricula_dir

__all__ = [
    "Curriculum",
    "Module",
    "ModuleText",
    "Section",
    "load_curricula",
    "check_curricula",
    "default_curricula_dir",
]
