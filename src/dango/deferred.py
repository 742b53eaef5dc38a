"""Modules our libraries import at start-up but use only on paths Dango rarely takes.

`click.types` imports `uuid` (and through it `platform`) for its UUID parameter type,
which Dango never declares; `keyring.backend` imports `importlib_metadata` to discover
backends through entry points, which it skips when a backend is configured; and
`jaraco.context` (a dependency of keyring) imports `urllib.request` for a tarball helper.
Together they are a large part of a credential command's start-up.

`defer(name)` puts a stand-in module in `sys.modules`: `import name` binds the stand-in
and costs nothing, and the first attribute read from it imports the real module and
copies its namespace into the stand-in, so code that holds either sees the same objects.
The standard library's `importlib.util.LazyLoader` cannot do this on Python 3.11: the
import statement itself reads the module's `__spec__`, which loads it.

This module imports nothing of Dango (it runs before anything else is imported).
"""

from __future__ import annotations

import sys
import types


class _Deferred(types.ModuleType):
    """Stands in for a module until one of its attributes is read."""

    def __getattr__(self, attribute: str):
        real = _load(self)
        try:
            return getattr(real, attribute)
        except AttributeError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {attribute!r}") from None


def _load(stand_in: _Deferred) -> types.ModuleType:
    import importlib

    name = stand_in.__name__
    if sys.modules.get(name) is stand_in:
        del sys.modules[name]
    parent, _, child = name.rpartition(".")
    real = importlib.import_module(name)
    vars(stand_in).update(vars(real))
    if parent and getattr(sys.modules.get(parent), child, None) is stand_in:
        setattr(sys.modules[parent], child, real)
    return real


def defer(*names: str) -> None:
    """Stand-ins for the modules `names` that are not imported yet."""
    for name in names:
        if name in sys.modules:
            continue
        stand_in = _Deferred(name)
        stand_in.__spec__ = None  # read by the import statement: must not load the module
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:
            __import__(parent)
            setattr(sys.modules[parent], child, stand_in)


def is_deferred(name: str) -> bool:
    """True while `name` is still a stand-in (nothing has used it yet)."""
    return isinstance(sys.modules.get(name), _Deferred)
