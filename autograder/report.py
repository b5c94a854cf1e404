"""Readable terminal reports of a grading result (rich tables).  Texts are shown as they are
(never read as rich markup: feedback quotes student code and errors) and made safe to print."""
from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .results import GradingResult, clean_text

# what the self-check says under its table, in a terminal and in a notebook alike
FORM_ONLY = ("These checks say whether each answer is present and readable. Whether it is "
             "correct is decided when you submit.")
MARKS = {"passed": "[green]✔[/]", "failed": "[red]✘[/]", "error": "[magenta]![/]",
         "undecided": "[yellow]?[/]", "skipped": "[yellow]–[/]"}


def print_report(result: GradingResult, *, title: str, console: Console | None = None,
                 show_scores: bool = True, for_instructor: bool = False) -> None:
    """The result as a table; ``for_instructor`` adds what only an instructor may read (why a
    question is undecided, engine errors)."""
    console = console or Console()
    table = Table(title=Text(clean_text(title)), show_lines=True, expand=False)
    table.add_column("", width=2)
    table.add_column("Question", overflow="fold", max_width=40)
    if show_scores:
        table.add_column("Points", justify="right")
    table.add_column("Feedback", overflow="fold", max_width=80)
    for test in result.tests:
        mark = MARKS["passed"] if test.passed else MARKS[test.kind]
        row = [mark, Text(clean_text(test.name))]
        if show_scores:
            row.append(f"{test.score:g}/{test.max_score:g}")
        row.append(Text(clean_text(test.output).strip()))
        table.add_row(*row)
    console.print(table)
    console.print(Markdown(clean_text(result.output)))
    if for_instructor:
        console.print(f"[bold]Total: {result.score:g} / {result.max_score:g} points[/] "
                      f"(all tests, hidden ones included)", highlight=False)
        for test in result.undecided:
            console.print("[yellow]Flagged, could not be decided automatically:[/] "
                          + escape(clean_text(f"{test.number or test.name}: "
                                              f"{test.detail or test.output}")), highlight=False)
        for note in result.notes:
            console.print("[magenta]For the instructor:[/] " + escape(clean_text(note)),
                          highlight=False)
