"""Waymark: offline-first training and indicator checklist for frontline workers."""

__version__ = "0.1.0"


def _sqlite_utils_without_numpy() -> None:
    """sqlite-utils imports numpy and pandas when they are installed, only to convert their
    values on insert (which Waymark never does). On a computer that has numpy, that import
    costs about half a second of CPU at every start. This finder lets sqlite_utils.db load as
    if neither were installed; any other `import numpy` is unaffected."""
    import importlib.abc
    import importlib.util
    import sys

    class _Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "sqlite_utils.db":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_without_numpy(module):
                hidden = [n for n in ("numpy", "pandas") if n not in sys.modules]
                for n in hidden:
                    sys.modules[n] = None  # "import numpy" raises ImportError here
                try:
                    exec_module(module)
                finally:
                    for n in hidden:
                        if sys.modules.get(n, 0) is None:
                            del sys.modules[n]

            spec.loader.exec_module = exec_without_numpy
            return spec

    if "sqlite_utils.db" not in sys.modules:
        sys.meta_path.insert(0, _Finder())


_sqlite_utils_without_numpy()
