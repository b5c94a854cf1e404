"""Grade a fixed corpus and write every verdict, to show that a refactoring changed no grade.

    .venv/bin/python bench/grade_snapshot.py before.jsonl
    ... change the code ...
    .venv/bin/python bench/grade_snapshot.py after.jsonl && diff before.jsonl after.jsonl

The corpus: every assignment's reference and template, the demo class (demo/gd-export/), every
hostile case of tests/sandbox/test_hostile*.py, and the backprop mutants and rewrites of
tests/assignments/mlp_mutants.py. Each line is one submission's per-question score, status and output as
`python -m autograder grade --json` reports them (its own folder's path replaced by `<dir>`).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # the tests package
ASSIGNMENTS = ("gd", "calculus", "backprop", "mnist", "optim_cnn")
if (ROOT.parent / "shared" / "mnist").is_dir():   # as the tests read MNIST
    os.environ.setdefault("AUTOGRADER_MNIST", str(ROOT.parent / "shared" / "mnist"))


def _corpus(scratch: Path) -> list[tuple[str, str, Path, dict]]:
    """(name, assignment, folder, environment) for every submission of the corpus."""
    from tests.assignments import mlp_mutants
    from tests.sandbox import (hostile, test_hostile, test_hostile_grading, test_hostile_input,
                               test_hostile_isolation)

    corpus = [(f"{kind}/{a}", a, ROOT / kind / a, {}) for kind in ("reference", "student_template")
              for a in ASSIGNMENTS]
    export = ROOT / "demo" / "gd-export"
    corpus += [(f"demo/{s.name}", "gd", s, {}) for s in sorted(export.iterdir()) if s.is_dir()]
    fast = {"AUTOGRADER_GRADERS": str(hostile.fast_graders(scratch / "graders"))}
    for module in (test_hostile, test_hostile_grading, test_hostile_input, test_hostile_isolation):
        for case in getattr(module, "CASES", []) + getattr(module, "PRIVATE_TMP_CASES", []):
            folder = scratch / "hostile" / module.__name__.rsplit('.', 1)[-1] / case.id
            hostile._submission(case, folder, scratch / "results" / case.id / "results.json")
            corpus.append((f"hostile/{module.__name__.rsplit('.', 1)[-1]}/{case.id}", "gd", folder, fast))
    mlp = (ROOT / "reference" / "backprop" / "mlp.py").read_text()
    for group, entries in (("mutant", mlp_mutants.MUTANTS), ("rewrite", mlp_mutants.REWRITES)):
        for number, (_, old, new) in enumerate(entries):
            folder = scratch / group / str(number)
            folder.mkdir(parents=True)
            (folder / "answers.py").write_text((ROOT / "reference/backprop/answers.py").read_text())
            (folder / "mlp.py").write_text(mlp.replace(old, new, 1))
            corpus.append((f"backprop-{group}/{number}", "backprop", folder, {}))
    return corpus


def _grade(entry: tuple[str, str, Path, dict]) -> dict:
    name, assignment, folder, environment = entry
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, str(folder),
                           "--json"], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **environment})
    try:
        data = json.loads(done.stdout.replace(str(folder), "<dir>"))
    except json.JSONDecodeError:
        return {"case": name, "exit": done.returncode, "stderr": done.stderr[-500:]}
    tests = [{key: test.get(key) for key in ("number", "score", "max_score", "status", "output")}
             for test in data.get("tests", [])]
    return {"case": name, "exit": done.returncode, "score": data.get("score"),
            "undecided": data.get("extra_data", {}).get("undecided"), "tests": tests}


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        corpus = _corpus(Path(scratch))
        with ThreadPoolExecutor(2) as pool:
            lines = [json.dumps(record, sort_keys=True) for record in pool.map(_grade, corpus)]
    Path(out).write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} submissions graded into {out}")


if __name__ == "__main__":
    main(sys.argv[1])
