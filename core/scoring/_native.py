"""Choose, per scorer module, the Cython-compiled build or its ``.py`` source.

``setup.py`` compiles the hot scorer modules from their unchanged sources (about twice the
throughput) and stamps each build with its source's SHA-256. Python would otherwise always
prefer a compiled module next to its ``.py``, even one built from an older version of the
file, so an edited scorer would silently run stale code until someone rebuilt it. Here a
stale build is skipped, with a warning that says how to rebuild, and the source runs instead.
``TGE_MONITOR_PURE_PYTHON=1`` forces the sources (to compare both, or to debug).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

log = logging.getLogger(__name__)

# In dependency order: a module is settled before the modules that import it are loaded.
ACCELERATED = ("text", "urgency", "language", "history", "engine", "model")
PURE_ENV = "TGE_MONITOR_PURE_PYTHON"

# module name -> "compiled" | "source" (and why, for the source); the bench reports it.
status: dict[str, str] = {}


def _as_is(f: Any) -> Any:
    return f


# What ``import cython`` gives the scorer's sources where Cython is not installed: the names
# of its pure-Python mode they use at run time, as Cython's own shadow module has them (no-op
# decorators, plain values). Here, not in a scorer module: a compiled module has no
# ``cython`` to lend a source one that runs beside it.
CYTHON_STAND_IN = SimpleNamespace(
    compiled=False,
    cfunc=_as_is,
    inline=_as_is,
    exceptval=lambda *_a, **_k: _as_is,
    declare=lambda _type, value: value,
    longlong=int,
    ulonglong=int,
    Py_ssize_t=int,
)


def _want_pure() -> bool:
    return os.environ.get(PURE_ENV, "").strip().lower() in ("1", "true", "yes")


def _load_source(fullname: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(fullname, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py always has a loader
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[fullname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[fullname]
        raise
    # ``import package.name`` binds the parent's attribute, not sys.modules: replace both.
    package, _, name = fullname.rpartition(".")
    setattr(sys.modules[package], name, module)
    return module


def settle(package: str, package_dir: Path) -> None:
    """Import each accelerated module of ``package`` from a fresh build or from source,
    recording which in ``status``."""
    pure = _want_pure()
    for name in ACCELERATED:
        fullname = f"{package}.{name}"
        source = package_dir / f"{name}.py"
        if fullname in sys.modules:  # already settled (re-import of the package)
            continue
        spec = importlib.util.find_spec(fullname)
        compiled = spec is not None and spec.origin is not None and not spec.origin.endswith(".py")
        if not compiled:
            status[name] = "source"
            continue
        if pure:
            _load_source(fullname, source)
            status[name] = f"source ({PURE_ENV} is set)"
            continue
        module = importlib.import_module(fullname)
        want = hashlib.sha256(source.read_bytes()).hexdigest()
        if getattr(module, "__source_sha256__", None) == want:
            status[name] = "compiled"
            continue
        # INFO, not WARNING: the source gives the same scores, only slower; a CLI whose
        # errors are one line (and every command after `git pull`) stays quiet, and
        # `bench scoring` reports the build that ran
        log.info(
            "%s: the compiled build is older than %s; running the sources of every scorer "
            "module instead (rebuild with: pip install -e .)",
            fullname,
            source.name,
        )
        _all_from_source(package, package_dir, stale=name)
        return


def _all_from_source(package: str, package_dir: Path, stale: str) -> None:
    """Load every accelerated module from its source, those already loaded compiled too.

    Why all of them: compiled modules check the types they are handed, and a source module
    passes its own Python classes (engine.py's ``_Tickers`` to the compiled ``language``
    raised ``TypeError: expected dict``), so a mix of fresh builds and sources fails where
    either alone works."""
    for name in ACCELERATED:
        fullname = f"{package}.{name}"
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.origin is None or spec.origin.endswith(".py"):
            status[name] = "source"  # no build of it at all
            continue
        _load_source(fullname, package_dir / f"{name}.py")
        status[name] = (
            "source (compiled build is stale)"
            if name == stale
            else f"source (the build of {stale} is stale)"
        )
