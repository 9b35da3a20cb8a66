"""The recipes in scripts/ are files, not a package: tests load them by name."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())


def load_script(name: str) -> ModuleType:
    """``scripts/NAME.py`` as a module, e.g. ``load_script("train").news_labelset("LOADED_LANGUAGE")``.

    ``scripts/`` goes on ``sys.path``, as ``python scripts/NAME.py`` puts it, for scripts that import each other."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.append(str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
