"""The trainer server (`trainer serve`): xAPI statements from enrolled devices, in SQLite."""
