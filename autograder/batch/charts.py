"""A batch's charts as PNG (matplotlib, the ``instructor`` extra): the totals' histogram and each
question's mean score and full-marks rate."""
from __future__ import annotations

import importlib.util
from pathlib import Path


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def totals_histogram(totals: list[float], points: float, path: Path, title: str) -> None:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4))
    bins = max(1, min(30, int(points) + 1))
    axes.hist(totals, bins=bins, range=(0, points), color="#4c72b0", edgecolor="white")
    axes.set_xlabel(f"total (out of {points:g})")
    axes.set_ylabel("submissions")
    axes.set_title(title)
    _save(figure, path)


def question_chart(stats: list[tuple[str, float, float]], path: Path, title: str) -> None:
    """``stats``: (question, mean fraction of its points, fraction with full marks)."""
    plt = _pyplot()
    names = [s[0] for s in stats]
    figure, axes = plt.subplots(figsize=(7, max(2.5, 0.35 * len(stats) + 1)))
    y = range(len(stats))
    axes.barh([i + 0.2 for i in y], [s[1] for s in stats], height=0.4, label="mean score",
              color="#4c72b0")
    axes.barh([i - 0.2 for i in y], [s[2] for s in stats], height=0.4, label="full marks",
              color="#55a868")
    axes.set_yticks(list(y), names)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("fraction of the question's points / of the submissions")
    axes.set_title(title)
    axes.legend(loc="lower right")
    _save(figure, path)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(figure, path: Path) -> None:
    """Written to a temporary name, then renamed: never half a PNG."""
    tmp = path.with_name(f".{path.name}.tmp")
    figure.tight_layout()
    figure.savefig(tmp, format="png", dpi=100)
    _pyplot().close(figure)
    tmp.replace(path)
