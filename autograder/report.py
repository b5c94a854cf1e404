"""Readable terminal reports of a grading result (rich tables)."""
from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from .results import GradingResult

MARKS = {"passed": "[green]✔[/]", "failed": "[red]✘[/]", "error": "[magenta]![/]",
         "timeout": "[red]⏱[/]", "skipped": "[yellow]–[/]", "not run": "[yellow]–[/]"}


def print_report(result: GradingResult, *, title: str, console: Console | None = None,
                 show_scores: bool = True) -> None:
    console = console or Console()
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column("", width=2)
    table.add_column("Question", overflow="fold", max_width=40)
    if show_scores:
        table.add_column("Points", justify="right")
    table.add_column("Feedback", overflow="fold", max_width=80)
    for test in result.tests:
        mark = MARKS["passed"] if test.passed else MARKS.get(test.outcome, MARKS["failed"])
        row = [mark, test.name]
        if show_scores:
            row.append(f"{test.score:g}/{test.max_score:g}")
        row.append(test.output.strip())
        table.add_row(*row)
    console.print(table)
    console.print(Markdown(result.output))
