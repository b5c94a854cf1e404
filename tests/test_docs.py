"""The repository stands on its own: no committed file outside tests/ cites a document that is
not in it (the team's shared folder, ARCHITECTURE.md, COURSE.md), and every relative link of
README.md and docs/*.md leads to a file that exists (and to a heading of it, for an anchor)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT

OUTSIDE = ("../shared", "ARCHITECTURE.md", "COURSE.md")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)\)")


def _committed() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.stdout.decode().split("\0") if name]


def test_no_committed_file_cites_what_is_not_in_the_repository():
    cited = [(path.relative_to(ROOT).as_posix(), name) for path in _committed()
             if path.parts[len(ROOT.parts)] != "tests" and path.is_file()
             for name in OUTSIDE if name in path.read_text(encoding="utf-8", errors="replace")]
    assert not cited


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m) for m in re.findall(r"^#+ (.+)$", text, flags=re.M)}


def broken_links(page: Path) -> list[str]:
    """The relative links of ``page`` that lead nowhere: no such file, or no such heading."""
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue            # a web address
        name, _, anchor = target.partition("#")
        path = (page.parent / name).resolve() if name else page
        if not path.exists() or anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(target)
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page):
    assert not broken_links(page)


def test_the_link_check_finds_a_broken_link(tmp_path):
    (tmp_path / "other.md").write_text("## Design, in `short`\n")
    page = tmp_path / "page.md"
    page.write_text("# A title\n[ok](#a-title) [gone](missing.md) [no heading](#nowhere) "
                    "[there](other.md#design-in-short) [web](https://example.org/x)\n")
    assert broken_links(page) == ["missing.md", "#nowhere"]


def test_the_readmes_figures_say_under_what_load_they_were_measured():
    """A time or a rate in the README is true only with its conditions: each paragraph that
    gives the suite's time or a regrading rate says on what machine, idle or loaded; and the
    README says that slow tests are deselected when pyproject.toml deselects them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraphs = re.split(r"\n\s*\n", readme)
    figures = [p for p in paragraphs if re.search(r"\d+/min|(?:\d½?|\ba) minutes?\b", p)]
    assert figures
    for paragraph in figures:
        assert "2-core" in paragraph and "idle" in paragraph, paragraph
        assert re.search(r"other (work|test suites)", paragraph), paragraph
    if "not slow" in (ROOT / "pyproject.toml").read_text():
        assert re.search(r"marked `slow` are deselected by default", readme)
