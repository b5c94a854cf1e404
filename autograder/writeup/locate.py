"""The candidates for one question's answer inside its region of a write-up, best first.

Priorities (lower is better): 1 a ``\\boxed{}``/``\\fbox{}`` or an "Answer:"/"Final answer"
line; 2 an equation whose left side is one of the question's labels (the last part of a chain
``a = b = c``); 3 the math of a concluding sentence ("therefore", "so", "hence", "thus") or
of a table's answer cell; 4 the region's last display (with none, each of its math spans).
Equation tags (``\\quad (4)``, ``\\dots (1)``, ``\\tag{4}``) are document structure and are
dropped before anything is read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .document import Block, Math

BOXED, LABELLED, CONCLUDING, LAST_DISPLAY = 1, 2, 3, 4
PRIORITY_NAMES = {BOXED: "a boxed or \"Answer:\" answer", LABELLED: "an equation naming it",
                  CONCLUDING: "a concluding sentence",
                  LAST_DISPLAY: "the part's last display (or, with none, its math)"}


@dataclass(frozen=True)
class Candidate:
    priority: int
    value: str
    quote: str       # the student's math, verbatim
    line: int
    part: int | None = None   # which value of a tuple a part label names (0-based)
    steps: tuple[str, ...] = ()   # a labelled chain's values, in order (the last is ``value``)
    entry: str = ""   # the indices of an entry the value is ("ij": ∇f(A)_{ij} = v_i v_j)
    file: str = ""    # the file its line is in, once placed (a LaTeX \\input, a notebook cell)
    said: tuple[str, ...] = ()        # its steps as the student wrote them (macros unexpanded)
    step_lines: tuple[int, ...] = ()  # the line of each step, once placed
    compared: tuple[str, ...] = ()    # its steps as a matrix answer reads them ("": not told)


_TAG = re.compile(r"(?:\\quad|\\qquad|\\dots|\\ldots|\\cdots|\s)*\(\d{1,3}\)\s*$"
                  r"|\\tag\*?\{[^{}]*\}|\\label\{[^{}]*\}|\\nonumber|\\notag")
# what separates two statements in one span of math
_SEPARATORS = re.compile(r"\\text\{\s*(?:and|or|where|with|for|since|,)\s*\}|\\q?quad"
                         r"|\\(?:Rightarrow|Longrightarrow|implies|iff|therefore)|(?<!\\);|\\\\")
_APPROX = re.compile(r"\\approx|≈")
_ANNOTATION = re.compile(r"&&.*?(?=\\\\|\\end\{|$)", re.DOTALL)   # "&& \text{let } c = …"
_ENVIRONMENT = re.compile(r"\\begin\{((?:[pbBvV]?|small)matrix|cases|array)\}.*?\\end\{\1\}",
                          re.DOTALL)   # kept whole; aligned, align*, gather, split are opened
_ALIGNMENT = re.compile(r"\\(?:begin|end)\{(?:aligned|align\*?|gather\*?|split|eqnarray\*?|"
                        r"equation\*?|multline\*?)\}")
CONCLUSION = re.compile(r"\b(therefore|thus|hence|so|finally|we get|gives)\b", re.IGNORECASE)
_ANSWER_LINE = re.compile(r"^\W*(?:\(?[a-h0-9]{1,2}[.)]\s*)?(final\s+answer|answer)\s*"
                          r"(?:\([a-z0-9]+\))?\s*[:=.]", re.IGNORECASE)   # "(b) Answer: …" too
_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
          "varepsilon": "ε", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ",
          "nu": "ν", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
          "varphi": "φ", "omega": "ω", "partial": "∂", "nabla": "∇", "ell": "ℓ",
          "lambda_max": "λmax"}
_DROPPED = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg|mathbf|boldsymbol|bm|mathrm|"
                      r"operatorname|displaystyle|textstyle|,|;|!|:)|\s|[{}]|\^?\\ast|\\star")


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """A label or an equation's left side, spelled one way: ``\\rho_1``, ``ρ_1`` and ``ρ1`` are
    ``ρ1``; ``\\frac{\\partial L}{\\partial w_1}`` and ``∂L/∂w1`` are ``∂L/∂w1`` (case counts:
    ``W`` is not ``w``)."""
    text = re.sub(r"\\[dtc]?frac\s*\{(.*)\}\s*\{(.*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(0)), text)
    text = text.replace("\\ast", "*").replace("\\star", "*").replace("^*", "*")
    text = text.replace("^{*}", "*").replace("′", "'")
    text = _DROPPED.sub("", text).replace("_", "").replace("^", "")
    text = re.sub(r"\(([^()/]*)\)/\(([^()/]*)\)", r"\1/\2", text)
    return text


def _without_arguments(key: str) -> str:
    return re.sub(r"[()]", "", re.sub(r"(?<=[^\W\d_]|[*'])\([^()+\-]*\)", "", key))


def _entrywise(left: str, labels: set[str]) -> str:
    """The entry indices of a left side that is a label with them (``\\nabla f(A)_{ij}``:
    ``"ij"``, ``(\\partial z_2/\\partial z_1)_{ii}``: ``"ii"``); "" if it is none."""
    match = re.fullmatch(r"(.+?)_\{?([ijkl]{1,2}'?|[ijkl],[ijkl])\}?", left.strip())
    if not match:
        return ""
    base = re.sub(r"^\\left\s*\(|\\right\s*\)$", "", match.group(1).strip())
    key = label_key(base)
    if key.startswith("(") and key.endswith(")"):
        key = key[1:-1]
    return match.group(2).replace(",", "") if key in labels else ""


@lru_cache(maxsize=4096)
def statements(math: str) -> tuple[str, ...]:
    """The statements of a span of math, tags and alignment marks dropped."""
    kept: list[str] = []   # matrices and cases keep their & and \\

    def keep(match: re.Match) -> str:
        kept.append(match.group())
        return f"\x00{len(kept) - 1}\x00"

    math = _ANNOTATION.sub("", _ALIGNMENT.sub(r"\\\\", math))
    math = _ENVIRONMENT.sub(keep, math)
    parts = []
    for part in _SEPARATORS.split(math):
        part = _TAG.sub("", part.replace("&", "")).strip().rstrip(".,").strip()
        exact = _APPROX.split(part)[0]
        if exact != part and exact.rpartition("=")[2].strip():   # "= 1/(3+√7) ≈ 0.177"
            part = exact.strip()
        part = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], part)
        if part.startswith("=") and parts:   # an aligned chain's next line: "&= c"
            parts[-1] = f"{parts[-1]} {part}"
        elif part:
            parts.append(part)
    return tuple(parts)


_CHAIN_MARKS = re.compile(r"[({\[]|[)}\]]|\\begin(?=\{)|\\end(?=\{)|(?<![<>!\\])=")


@lru_cache(maxsize=4096)
def chain(statement: str) -> tuple[str, ...]:
    """``a = b = c`` as its parts, splitting only at top-level ``=`` (not inside brackets or
    an environment: the ``i = j`` of a ``cases`` block)."""
    parts, depth, start = [], 0, 0
    for mark in _CHAIN_MARKS.finditer(statement):
        char = mark.group()
        if char in "({[" or char == "\\begin":
            depth += 1
        elif char in ")}]" or char == "\\end":
            depth -= 1
        elif depth == 0:   # an "="
            parts.append(statement[start:mark.start()])
            start = mark.end()
    parts.append(statement[start:])
    return tuple(p.strip() for p in parts)


def _boxed(math: str) -> list[str]:
    """The contents of each ``\\boxed{…}`` / ``\\fbox{…}`` (braces balanced)."""
    found = []
    for match in re.finditer(r"\\(?:boxed|fbox)\s*\{", math):
        depth, start = 1, match.end()
        for i in range(start, len(math)):
            depth += {"{": 1, "}": -1}.get(math[i], 0)
            if depth == 0:
                found.append(math[start:i])
                break
    return found


def candidates(blocks: list[Block], region: list[int], whole: tuple[str, ...],
               parts: tuple[str, ...], aliases: tuple[tuple[str, int], ...] = ()
               ) -> list[Candidate]:
    """Every candidate of a region; ``whole`` names the quantity, ``parts[i]`` its i-th value,
    and so does each ``(label, i)`` of ``aliases`` (a handout's names of the values)."""
    named_parts = [*((label, i) for i, label in enumerate(parts)), *aliases]
    whole_keys = {label_key(label) for label in whole}
    part_keys = {label_key(label): i for label, i in named_parts if ":" not in label}
    found: list[Candidate] = []
    last_display: Math | None = None
    inline: list[Math] = []
    words = _words(named_parts, whole)
    qualifiers = {q for q in words.values() for q in q if q}
    context = None
    for index in region:
        block = blocks[index]
        if not block.maths:   # "For CNN Architecture:" qualifies the lines below it
            context = _qualifier(block.text, qualifiers) or context
        for math, prose in zip(block.maths, _prose_before(block)):
            for boxed in _boxed(math.text):
                found += _read(BOXED, boxed, math, whole_keys, part_keys, labelled_only=False)
            found += _read(LABELLED, math.text, math, whole_keys, part_keys)
            context = _qualifier(prose, qualifiers) or context
            named = _named_in_prose(prose, words, context)
            if named is not False:   # "the rate is $…$", "Number of neurons = $2 + 3 = 5$"
                steps = chain((statements(math.text) or [math.text])[-1])
                found.append(Candidate(LABELLED, steps[-1], math.text, math.line, named,
                                       tuple(steps)))
            if math.display:
                last_display = math
            inline.append(math)
        if _ANSWER_LINE.match(block.text):
            found += _answer_line(block, whole_keys, part_keys)
        elif block.kind == "cell":   # a table of answers: its cells state them
            for math in block.maths:
                found += _read(CONCLUDING, math.text, math, whole_keys, part_keys,
                               labelled_only=False)
        elif block.kind != "display" and block.maths and CONCLUSION.search(block.text):
            math = _after_last_conclusion(block)
            if math is not None:
                found += _read(CONCLUDING, math.text, math, whole_keys, part_keys,
                               labelled_only=False)
    # the part's last display; with none, each of its math spans (two readings: undecided)
    for math in [last_display] if last_display is not None else inline:
        found += _read(LAST_DISPLAY, math.text, math, whole_keys, part_keys,
                       labelled_only=False)
    return found


_IN_WORDS = re.compile(r"(?:[A-Za-z]+:\s*)?[A-Za-z ]{3,}")   # a label in words names prose


def _words(named_parts, whole) -> dict[str, dict[str | None, int | None]]:
    """Labels in words ("rate", "CNN: number of neurons": the words below a line naming CNN),
    each with the part it names per qualifier (None: the whole)."""
    words: dict[str, dict[str | None, int | None]] = {}
    for label, part in [*named_parts, *((label, None) for label in whole)]:
        if _IN_WORDS.fullmatch(label):
            qualifier, _, name = label.rpartition(":")
            words.setdefault(name.strip().lower(), {})[qualifier.strip() or None] = part
    return words


def _qualifier(prose: str, qualifiers: set[str]) -> str | None:
    """The last qualifier ("CNN") prose names as a word."""
    found = [(m.start(), q) for q in qualifiers
             for m in re.finditer(rf"(?<![A-Za-z]){re.escape(q)}(?![A-Za-z])", prose)]
    return max(found)[1] if found else None


def _named_in_prose(prose: str, words: dict, context: str | None = None) -> int | None | bool:
    """The part (None: the whole) that prose ending "… the rate is" names; False if none."""
    before = re.findall(r"[a-z]+|[=:]", prose.lower())
    if not before or before[-1] not in ("is", "equals", "=", ":"):
        return False
    for count in (1, 2, 3, 4):
        by_qualifier = words.get(" ".join(before[-1 - count:-1]), {})
        if context in by_qualifier or None in by_qualifier:
            return by_qualifier.get(context, by_qualifier.get(None))
    return False


def _prose_before(block: Block) -> list[str]:
    """For each math span of a block, the prose between it and the span before."""
    spans = list(re.finditer(r"\$+[^$]+\$+", block.text))
    starts = [0] + [span.end() for span in spans]
    prose = [block.text[start:span.start()] for start, span in zip(starts, spans)]
    return prose + [""] * (len(block.maths) - len(prose))


def _after_last_conclusion(block: Block) -> Math | None:
    """The last math span of a concluding sentence that comes after its concluding word."""
    words = list(CONCLUSION.finditer(block.text))
    spans = list(re.finditer(r"\$[^$]+\$", block.text))
    after = [i for i, span in enumerate(spans) if span.start() > words[-1].start()]
    return block.maths[after[-1]] if after and after[-1] < len(block.maths) else None


def _answer_line(block: Block, whole_keys, part_keys) -> list[Candidate]:
    if block.maths:
        return [c for math in block.maths
                for c in _read(BOXED, math.text, math, whole_keys, part_keys, labelled_only=False)]
    text = _ANSWER_LINE.sub("", block.text, count=1).strip().splitlines()
    return [Candidate(BOXED, text[0].strip().rstrip("."), block.text.splitlines()[0],
                      block.line)] if text and text[0].strip() else []


def _read(priority: int, text: str, math: Math, whole_keys, part_keys,
          labelled_only: bool = True) -> list[Candidate]:
    """The candidates of one span: its labelled statements (of a derivation in one span, the
    last line of each label: ``\\eta^* &= … \\\\ \\eta^* &= …``), or else, when ``labelled_only``
    is false, its last statement's last part."""
    entrywise, labelled = [], {}
    for statement in statements(text):
        parts = chain(statement)
        if len(parts) < 2:
            continue
        key = label_key(parts[0])
        bare = _without_arguments(key)   # L(w1, w2) names L; w1(t+1) is no w1
        key = key if key in whole_keys or key in part_keys else bare
        if entry := _entrywise(parts[0], whole_keys | set(part_keys)):
            # "∇f(A)_{ij} = v_i v_j" answers entry by entry (see .entrywise)
            entrywise.append(Candidate(priority, parts[-1], *_quoted(math, parts),
                                       steps=tuple(parts[1:]), entry=entry))
        elif key in whole_keys or key in part_keys:
            part = part_keys.get(key) if key not in whole_keys else None
            labelled[part] = Candidate(priority, parts[-1], *_quoted(math, parts), part,
                                       tuple(parts[1:]))
    found = entrywise + list(labelled.values())
    if found or labelled_only:
        return found
    last = statements(text)[-1:] or [""]
    parts = chain(last[0])
    return [Candidate(priority, parts[-1], *_quoted(math, parts))] if parts[-1] else []


def _quoted(math: Math, parts: list[str]) -> tuple[str, int]:
    """The student's lines a chain was read from, verbatim, and the line of the first: the
    whole span if it is one line, else its label's line and its value's line."""
    lines = math.text.splitlines()
    if len(lines) <= 1:
        return math.text, math.line
    def holding(text: str) -> list[int]:
        probe = text.strip()[:40]
        return [i for i, line in enumerate(lines) if probe and probe in line]
    values = holding(parts[-1]) or [len(lines) - 1]
    # the last line naming the label that a line holding the value follows, and that line
    first = next((i for i in reversed(holding(parts[0])) if i <= values[-1]), 0)
    last = next(i for i in values if i >= first)
    shown = [lines[first].strip()] + ([lines[last].strip()] if last > first else [])
    return " … ".join(shown), math.line + first
