"""Load an assignment's reference solution (instructor-only, trusted code) for the graders."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

_cache: dict[str, ModuleType] = {}


def reference_root() -> Path:
    """``reference/`` beside the package, or ``$AUTOGRADER_REFERENCE``."""
    override = os.environ.get("AUTOGRADER_REFERENCE")
    return Path(override) if override else Path(__file__).resolve().parents[1] / "reference"


def reference_dir(assignment_id: str) -> Path:
    return reference_root() / assignment_id


def template_dir(assignment_id: str) -> Path:
    """What students start from: ``student_template/<id>`` beside ``reference/``."""
    return reference_root().parent / "student_template" / assignment_id


def load_reference(assignment_id: str, module: str = "answers") -> ModuleType:
    key = f"{assignment_id}.{module}"
    if key not in _cache:
        path = reference_dir(assignment_id) / f"{module}.py"
        if not path.is_file():
            raise FileNotFoundError(f"the reference solution {path} is missing: correctness "
                                    f"checks need the instructor's reference/ folder")
        spec = importlib.util.spec_from_file_location(f"reference_{assignment_id}_{module}", path)
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        _cache[key] = loaded
    return _cache[key]
