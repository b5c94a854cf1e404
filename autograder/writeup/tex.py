"""A LaTeX write-up as the same blocks as a Markdown one (see :mod:`.document`): pylatexenc's
LaTeX walker parses it; no TeX is ever run.

Before the walk, ``\\input``/``\\include`` of files inside the submission are put in place
(anything else, ``\\input{/etc/passwd}`` or ``../x``, is refused with a message) and macros of
``\\newcommand``/``\\renewcommand``/``\\def``, without or with simple arguments, are expanded:
bounded in depth, count and size, so recursive macros and 10 MB of braces are refused with a
message and cost only this write-up.  Lines keep their numbers: each line of the combined
text knows its file and its line there (:class:`Source`).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pylatexenc.latexwalker import (LatexCharsNode, LatexCommentNode, LatexEnvironmentNode,
                                    LatexGroupNode, LatexMacroNode, LatexMathNode,
                                    LatexSpecialsNode, LatexWalker, get_default_latex_context_db)
from pylatexenc.macrospec import LatexContextDb

from .document import MAX_WRITEUP_BYTES, Block, Math

MAX_INPUT_DEPTH = 5
MAX_EXPANSIONS = 5_000
MAX_PASSES = 20
MAX_NESTING = 200    # braces: deeper than this is no write-up
MATH_ENVIRONMENTS = {"equation", "equation*", "align", "align*", "gather", "gather*",
                     "multline", "multline*", "eqnarray", "eqnarray*", "displaymath", "flalign",
                     "flalign*"}
SECTIONS = {"part", "section", "subsection", "subsubsection", "paragraph", "subparagraph"}
LISTS = {"enumerate", "itemize", "description"}
TEXT_MACROS = {"textbf", "textit", "emph", "underline", "text", "textrm", "textsf", "mbox"}
_INPUT = re.compile(r"\\(?:input|include)\s*\{([^{}]*)\}")
_COMMENT = re.compile(r"(?<!\\)%.*")


class Refused(ValueError):
    """The write-up cannot be read safely: the message says why."""


@dataclass
class Source:
    """The combined text, and where each of its lines comes from."""
    text: str
    places: list[tuple[int, str, int]] = field(default_factory=list)  # (from line, file, line)
    macros: dict[str, tuple[int, str]] = field(default_factory=dict)
    expanded: str = ""   # the text as read: macros expanded (its lines are the text's)
    within: str = ""     # which part of the file was read, if not all ("in its Markdown cells")

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def read_lines(self) -> list[str]:
        return self.expanded.splitlines()

    def place(self, line: int) -> tuple[str, int]:
        start, file, first = max((p for p in self.places if p[0] <= line), default=(1, "", 1))
        return file, first + line - start

    def own(self, piece: str, line: int) -> str:
        """The student's text that reads as ``piece`` on ``line`` (macros expanded)."""
        lines = self.lines
        return own_text(lines[line - 1], piece, self.macros) if 0 < line <= len(lines) else piece


def combined(path: Path, root: Path) -> Source:
    """The root file with its ``\\input``s in place (files inside ``root`` only)."""
    source = Source("")
    lines: list[str] = []
    _append(path.resolve(), root.resolve(), lines, source, depth=0)
    source.text = "\n".join(lines)
    if len(source.text) > 2 * MAX_WRITEUP_BYTES:
        raise Refused(f"the write-up and its \\input files are {len(source.text) // 2**20} MB;"
                         f" at most {2 * MAX_WRITEUP_BYTES // 2**20} MB are read")
    return source


def _append(path: Path, root: Path, lines: list[str], source: Source, depth: int) -> None:
    shown = path.relative_to(root).as_posix()
    with path.open("rb") as file:   # a huge input costs only what the limit reads
        text = file.read(2 * MAX_WRITEUP_BYTES + 1).decode("utf-8-sig", errors="replace")
    source.places.append((len(lines) + 1, shown, 1))
    for number, line in enumerate(_COMMENT.sub("", text).splitlines(), 1):
        match = _INPUT.search(line)
        if not match:
            lines.append(line)
            continue
        lines.append(line[:match.start()])
        included = _inside(match.group(1), path.parent, root, depth)
        if included is not None:   # a file not handed in (a figure's source) reads nothing
            _append(included, root, lines, source, depth + 1)
            source.places.append((len(lines) + 1, shown, number + 1))
        else:
            lines[-1] += line[match.end():]


def _inside(name: str, folder: Path, root: Path, depth: int) -> Path | None:
    """The file ``\\input{name}`` names, if it is inside the submission (None: not there)."""
    if depth >= MAX_INPUT_DEPTH:
        raise Refused(f"\\input{{{name}}}: inputs nest deeper than {MAX_INPUT_DEPTH}")
    candidate = (folder / name.strip())
    if candidate.suffix != ".tex":
        candidate = candidate.with_name(candidate.name + ".tex")
    resolved = candidate.resolve()
    if Path(name).is_absolute() or ".." in Path(name).parts or \
            not resolved.is_relative_to(root.resolve()):
        raise Refused(f"\\input{{{name}}} is outside your submission: only files you "
                         f"hand in are read")
    return resolved if resolved.is_file() else None


# \newcommand{\R}{\mathbb{R}}, \newcommand\R[1]{…}, \renewcommand, \def\R#1{…}
_DEFINITION = re.compile(r"\\(?:re)?newcommand\*?\s*\{?\\([A-Za-z]+)\}?\s*(?:\[(\d)\])?\s*\{"
                         r"|\\def\s*\\([A-Za-z]+)((?:#\d)*)\s*\{")


def expanded(text: str) -> tuple[str, dict[str, tuple[int, str]]]:
    """``text`` with its macros' definitions removed (their lines kept) and uses expanded; and
    the macros (name -> (number of arguments, body))."""
    _check_nesting(text)
    macros: dict[str, tuple[int, str]] = {}
    pieces, at = [], 0
    for match in _DEFINITION.finditer(text):
        if match.start() < at:
            continue
        body, end = _group(text, match.end() - 1)
        name = match.group(1) or match.group(3)
        count = int(match.group(2) or 0) if match.group(1) else len(match.group(4) or "") // 2
        macros[name] = (count, body.replace("\n", " "))
        pieces += [text[at:match.start()], "\n" * text.count("\n", match.start(), end)]
        at = end
    text = "".join(pieces) + text[at:]
    return expand(text, macros), macros


def _pattern(macros: dict) -> re.Pattern:
    return re.compile(r"\\(" + "|".join(map(re.escape, sorted(macros, key=len, reverse=True)))
                      + r")(?![A-Za-z])")


def _uses(text: str, pattern: re.Pattern, macros: dict):
    """Each use of a macro in ``text``: (start, end, its body with its arguments in place,
    the lines it spanned kept)."""
    at = 0
    for match in pattern.finditer(text):
        if match.start() < at:
            continue
        count, body = macros[match.group(1)]
        end, arguments = match.end(), []
        for _ in range(count):
            while end < len(text) and text[end] == " ":
                end += 1
            if end >= len(text) or text[end] != "{":
                arguments.append(text[end] if end < len(text) else "")
                end += 1
                continue
            argument, end = _group(text, end)
            arguments.append(argument)
        value = re.sub(r"#(\d)", lambda m: arguments[int(m.group(1)) - 1]
                       if 0 < int(m.group(1)) <= len(arguments) else "", body)
        at = end
        lines = "\n" * text.count("\n", match.start(), end)
        yield match.start(), end, value.replace("\n", " ") + lines


def expand(text: str, macros: dict) -> str:
    """``text`` with every use of ``macros`` expanded, bounded in passes, count and size."""
    if not macros:
        return text
    pattern, expansions = _pattern(macros), 0
    for _ in range(MAX_PASSES):
        out, at, size = [], 0, 0
        for start, end, value in _uses(text, pattern, macros):
            out += [text[at:start], value]
            size += start - at + len(value)
            at, expansions = end, expansions + 1
            if expansions > MAX_EXPANSIONS or size > 2 * MAX_WRITEUP_BYTES:
                raise Refused("its macros expand without end (a macro that uses itself?): "
                                 "not read")
        if not out:
            return text
        text = "".join(out) + text[at:]
    raise Refused(f"its macros are nested deeper than {MAX_PASSES} (a macro that uses "
                     f"itself?): not read")


def own_text(raw: str, piece: str, macros: dict) -> str:
    """The student's own text of the line ``raw`` that reads as ``piece`` once its macros are
    expanded (``raw`` itself, stripped, when that cannot be told)."""
    if not macros or "\\" not in raw:
        return piece
    try:
        out, origin, at = [], [], 0
        for start, end, value in _uses(raw, _pattern(macros), macros):
            out += list(raw[at:start])
            origin += [(i, i + 1) for i in range(at, start)]
            full = expand(value, macros)
            out.append(full)
            origin += [(start, end)] * len(full)
            at = end
        out += list(raw[at:])
        origin += [(i, i + 1) for i in range(at, len(raw))]
        text = "".join(out)
        found = text.find(piece) if piece and text == expand(raw, macros) else -1
    except Refused:
        text, found = "", -1
    if found < 0:   # the walker's prose of a line with a macro: the whole line, as written
        return piece if text == raw else raw.strip()
    return raw[origin[found][0]:origin[found + len(piece) - 1][1]].strip()


def _check_nesting(text: str) -> None:
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if match.group() == "{" else -1
        if depth > MAX_NESTING:
            raise Refused(f"its braces nest deeper than {MAX_NESTING}: not read")


def _group(text: str, start: int) -> tuple[str, int]:
    """The contents of the brace group opening at ``start``, and the index after it."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{" and text[i - 1:i] != "\\":
            depth += 1
        elif text[i] == "}" and text[i - 1:i] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    raise Refused("a macro's braces are never closed: not read")


_ESCAPE = r"(?<!\\)"
_MATH_SPAN = re.compile(
    rf"{_ESCAPE}\$\$.*?{_ESCAPE}\$\$|{_ESCAPE}\\\[.*?\\\]|{_ESCAPE}\\\(.*?\\\)"
    rf"|\\begin\{{({'|'.join(map(re.escape, sorted(MATH_ENVIRONMENTS)))})\}}.*?\\end\{{\1\}}"
    rf"|{_ESCAPE}\$(?:[^$\\]|\\.)+\$", re.DOTALL)
_INLINE = re.compile(rf"{_ESCAPE}\\\(.*?\\\)|{_ESCAPE}\$(?:[^$\\]|\\.)+\$", re.DOTALL)


# a run of prose with nothing in it the walker reads as structure (not after a macro's name)
_PLAIN = re.compile(r"(?<![\\A-Za-z@*{])[^\\{}$%&~#^_\[\]\n]{8,}")


@dataclass
class _Cuts:
    """Where pieces of a text were cut out: after position ``cuts[k]`` of the cut text,
    ``shifts[k]`` more characters of the text come before."""
    cuts: list[int] = field(default_factory=list)
    shifts: list[int] = field(default_factory=list)

    def original(self, pos: int) -> int:
        k = bisect_right(self.cuts, pos)
        return pos + self.shifts[k - 1] if k else pos


def _cut(text: str, spans) -> tuple[str, _Cuts]:
    """``text`` with each (start, end, filler) of ``spans`` (in order) cut to its filler."""
    pieces, cuts, at, shift = [], _Cuts(), 0, 0
    for start, end, filler in spans:
        if end - start <= 1:
            continue
        pieces += [text[at:start], filler]
        at = end
        cuts.cuts.append(start + 1 - shift)   # what follows the filler, in the cut text
        shift += end - start - 1
        cuts.shifts.append(shift)
    return "".join(pieces) + text[at:], cuts


def _maths(text: str):
    """Each math span of ``text`` as it is cut: a display's inside to a space (the walker
    still sees the display), an inline span whole to a letter (read from the prose)."""
    for match in _MATH_SPAN.finditer(text):
        span = match.group()
        if match.group(1):
            opening = len(f"\\begin{{{match.group(1)}}}")
            closing = len(f"\\end{{{match.group(1)}}}")
        elif span[:2] in ("$$", "\\["):
            opening = closing = 2
        else:
            yield match.start(), match.end(), "x"
            continue
        yield match.start() + opening, match.end() - closing, " "


def _masked(text: str) -> tuple[str, list[_Cuts]]:
    """``text`` as the walker reads it: each math span, and each run of plain prose, cut to
    one character.  The walker reads the document's structure character by character; the
    math and the prose are taken from ``text`` as they are (``_Cuts`` say where), so nothing
    of what it would read there is needed."""
    masked, maths = _cut(text, _maths(text))
    masked, prose = _cut(masked, ((*m.span(), "x") for m in _PLAIN.finditer(masked)))
    return masked, [prose, maths]


def _context():
    """pylatexenc's macros and environments, with the only specials a write-up's structure
    needs (``&`` of a table, ``~`` a space): each special is tried at every character."""
    default = get_default_latex_context_db()
    db = LatexContextDb()
    db.add_context_category("write-up", macros=list(default.iter_macro_specs()),
                            environments=list(default.iter_environment_specs()),
                            specials=[s for s in default.iter_specials_specs()
                                      if s.specials_chars in ("&", "~")])
    return db


_CONTEXT = _context()


def read_tex(text: str) -> list[Block]:
    """The blocks of a LaTeX write-up (macros expanded), in document order."""
    masked, cuts = _masked(text)
    walker = LatexWalker(masked, latex_context=_CONTEXT, tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    walk = _Walk(text, cuts)
    walk.nodes(nodes or [])
    walk.flush()
    return walk.blocks


class _Walk:
    """Blocks from the walker's nodes: a paragraph's prose and inline math, displays,
    section titles (headings), list items (a numbered one opens a part), table cells."""

    def __init__(self, text: str, cuts: list[_Cuts]):
        self.text, self.blocks, self.cuts = text, [], cuts
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.current: Block | None = None
        self.parts: list[str] = []
        self.lists: list[list] = []   # per open list: [kind, count, letters]

    def original(self, pos: int) -> int:
        """The position in the text of a position in the masked text the walker read."""
        for cuts in self.cuts:
            pos = cuts.original(pos)
        return pos

    def verbatim(self, node) -> str:
        """A node's text as written (math and prose included: the walker saw them cut)."""
        return self.text[self.original(node.pos):self.original(node.pos + node.len)]

    def line(self, pos: int) -> int:
        """The line of a position in the text."""
        return bisect_left(self.newlines, pos) + 1

    def flush(self) -> None:
        if self.current is not None:
            self.current.text = "".join(self.parts).strip()
            if self.current.text or self.current.maths:
                self.blocks.append(self.current)
        self.current, self.parts = None, []

    def start(self, pos: int, kind: str = "paragraph", text: str = "") -> Block:
        """A new block from position ``pos`` of the masked text."""
        return self._start(self.original(pos), kind, text)

    def _start(self, at: int, kind: str = "paragraph", text: str = "") -> Block:
        self.flush()
        self.current, self.parts = Block(kind, self.line(at)), [text]
        return self.current

    def prose(self, text: str, pos: int) -> None:
        """Prose ``text`` (with its inline math) at position ``pos`` of the text."""
        at = 0
        for i, piece in enumerate(re.split(r"(\n[ \t]*\n)", text)):
            if i % 2:   # a blank line ends the paragraph
                self.flush()
            elif piece.strip():
                if self.current is None:
                    self._start(pos + at + piece.find(piece.strip()))
                self.inline(piece, pos + at)
            at += len(piece)

    def inline(self, text: str, pos: int) -> None:
        """Text of a paragraph at ``pos``: its inline math spans as math, ``$…$`` in its text."""
        at = 0
        for match in _INLINE.finditer(text):
            opening = 1 if match.group().startswith("$") else 2
            content = match.group()[opening:len(match.group()) - opening]
            self.parts += [text[at:match.start()], f"${content}$"]
            self.current.maths.append(Math(content.strip(), self.line(pos + match.start()),
                                           False))
            at = match.end()
        self.parts.append(text[at:])

    def nodes(self, nodes) -> None:
        for node in nodes:
            if node is None or isinstance(node, LatexCommentNode):
                continue
            if isinstance(node, LatexCharsNode):
                self.prose(self.verbatim(node), self.original(node.pos))
            elif isinstance(node, LatexMathNode):
                self.math(node)
            elif isinstance(node, LatexEnvironmentNode):
                self.environment(node)
            elif isinstance(node, LatexMacroNode):
                self.macro(node)
            elif isinstance(node, LatexGroupNode):
                self.nodes(node.nodelist or [])
            elif isinstance(node, LatexSpecialsNode):
                if node.specials_chars == "&" and self.lists and self.lists[-1][0] == "tabular":
                    self.start(node.pos, "cell")
                else:
                    self.prose(" ", self.original(node.pos))

    def math(self, node) -> None:
        verbatim = self.verbatim(node)
        opening = len(node.delimiters[0]) if node.delimiters else 1
        content = verbatim[opening:len(verbatim) - opening]
        line = self.line(self.original(node.pos))
        if node.displaytype == "display":
            self.display(content, line)
            return
        if self.current is None:
            self.start(node.pos)
        self.current.maths.append(Math(content.strip(), line, False))
        self.parts.append(f"${content}$")

    def display(self, content: str, line: int) -> None:
        self.flush()
        if content.startswith("\n"):   # the math starts below its delimiter
            content, line = content[1:], line + 1
        content = content.lstrip(" \t").rstrip()
        self.blocks.append(Block("display", line, f"$${content}$$", [Math(content, line, True)]))

    def environment(self, node) -> None:
        name = node.environmentname
        if name in MATH_ENVIRONMENTS:
            self.display(self.verbatim(node), self.line(self.original(node.pos)))
        elif name in LISTS or name == "tabular":
            spec = node.nodeargd.argnlist[0] if name != "tabular" and node.nodeargd and \
                node.nodeargd.argnlist else None
            letters = spec is not None and "a" in self.verbatim(spec).lower()
            self.flush()
            self.lists.append([name, 0, letters])
            if name == "tabular":
                self.start(node.pos, "cell")
            self.nodes(node.nodelist or [])
            self.flush()
            self.lists.pop()
        else:
            self.nodes(node.nodelist or [])

    def macro(self, node) -> None:
        name = node.macroname
        arguments = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
        if name in SECTIONS:
            title = self.verbatim(arguments[-1]).strip("{}") if arguments else ""
            self.start(node.pos, "heading", title)
            self.flush()
        elif name == "item":
            self.item(node, arguments)
        elif name in TEXT_MACROS and arguments:
            bold = name == "textbf" and self.current is None
            if self.current is None:
                self.start(node.pos)
            self.current.bold_start = self.current.bold_start or bold
            self.nodes(arguments[-1].nodelist if isinstance(arguments[-1], LatexGroupNode)
                       else [arguments[-1]])
        elif name == "\\" and self.lists and self.lists[-1][0] == "tabular":
            self.start(node.pos, "cell")
        elif name in ("boxed", "fbox") and arguments:   # \boxed{$x = 1$} outside math
            self.display(f"\\boxed{{{self.verbatim(arguments[-1]).strip('{}$')}}}",
                         self.line(self.original(node.pos)))
        elif name in ("par", "newline", "\\"):
            self.prose(" ", self.original(node.pos))

    def item(self, node, arguments) -> None:
        if not self.lists:
            return
        state = self.lists[-1]
        state[1] += 1
        if arguments:   # \item[(b)]
            label = self.verbatim(arguments[0]).strip("[]")
        elif state[0] != "enumerate":
            label = ""
        elif state[2] or sum(s[0] == "enumerate" for s in self.lists) > 1:
            label = f"({'abcdefghijklmnopqrstuvwxyz'[(state[1] - 1) % 26]})"
        else:
            label = f"{state[1]}."
        block = self.start(node.pos, text=f"{label} " if label else "")
        block.bold_start = bool(re.fullmatch(r"\d+\.", label))   # "1." opens question 1
        block.item = str(state[1]) if label.endswith(".") else ""
