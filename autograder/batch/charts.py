"""A batch's charts as PNG (matplotlib, the ``instructor`` extra): the totals' histogram on
integer scores with the mean and median marked, and a stacked bar per question splitting the
class into full / partial / wrong / not answered / flagged."""
from __future__ import annotations

import importlib.util
import math
import statistics
from pathlib import Path

COLORS = {"full": "#55a868", "partial": "#dd8452", "wrong": "#c44e52",
          "not answered": "#b0b0b0", "flagged": "#8172b3"}


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def totals_histogram(totals: list[float], points: float, path: Path, title: str) -> None:
    """One bar per integer score (a half point falls in the bar of its integer part)."""
    plt, ticker = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4))
    top = int(math.ceil(points))
    axes.hist(totals, bins=[x - 0.5 for x in range(top + 2)], color="#4c72b0",
              edgecolor="white")
    mean, median = statistics.mean(totals), statistics.median(totals)
    axes.axvline(mean, color="#c44e52", linestyle="-", label=f"mean {mean:.2f}")
    axes.axvline(median, color="#333333", linestyle="--", label=f"median {median:g}")
    axes.set_xlim(-0.5, top + 0.5)
    axes.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    axes.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    axes.set_xlabel(f"total (out of {points:g})")
    axes.set_ylabel("submissions")
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, frameon=False)
    _save(figure, path)


def question_chart(split: list[tuple[str, dict[str, int]]], path: Path, title: str) -> None:
    """``split``: (question, submissions in each part: full, partial, wrong, not answered,
    flagged), one stacked bar each."""
    plt, ticker = _pyplot()
    figure, axes = plt.subplots(figsize=(8, max(2.5, 0.4 * len(split) + 1.2)))
    y = list(range(len(split)))
    left = [0] * len(split)
    for part, color in COLORS.items():
        counts = [parts.get(part, 0) for _, parts in split]
        axes.barh(y, counts, left=left, color=color, label=part, height=0.7)
        left = [a + b for a, b in zip(left, counts)]
    axes.set_yticks(y, [f"Q{name}" for name, _ in split])
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    axes.set_xlabel("submissions")
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, frameon=False)
    _save(figure, path)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker
    return plt, ticker


def _save(figure, path: Path) -> None:
    """Written to a temporary name, then renamed: never half a PNG."""
    tmp = path.with_name(f".{path.name}.tmp")
    figure.tight_layout()
    figure.savefig(tmp, format="png", dpi=100)
    _pyplot()[0].close(figure)
    tmp.replace(path)
