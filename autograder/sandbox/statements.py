"""Split Python source into its top-level statements, so that one that does not compile costs
only itself and the names it would define, never the statements around it.

A source that parses is split by :mod:`ast` as it is.  One that does not is cut with the
tokenizer where a new top-level statement starts: a line at the left margin, outside any
bracket, string or indented block (``else:``, ``except:`` … and a decorated ``def`` stay with
what they belong to).  A bracket or string that is never closed would take every line after
it; it reaches only to the next line at the left margin that starts with a name or ``@`` (or
further, if the lines up to a later such line make a statement that parses), and the rest is
split again from there.

Standard library only, and nothing of the grader: the harness loads this file by path.
"""
import ast
import io
import itertools
import keyword
import re
import tokenize

CONTINUATIONS = {"else", "elif", "except", "finally"}   # clauses of the statement above
MAX_REACH = 10        # later margin lines tried as the end of an unclosed statement
MAX_RESTARTS = 100    # tokenizer restarts after unclosed statements; then the rest is one
_MARGIN = re.compile(r"[^\W\d]|@")   # a line at the margin that may start a statement
_OPEN, _CLOSE = "([{", ")]}"


class Broken:
    """A top-level statement that does not compile: its error (line numbers in the whole
    source) and the names it would have defined."""

    def __init__(self, error, names):
        self.error = error
        self.names = names


def split(source, filename):
    """The top-level statements of ``source``: an :mod:`ast` node for each that parses, a
    :class:`Broken` for each that does not, in the order of the source."""
    try:
        return list(ast.parse(source, filename).body)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    parts = []
    for first, end in _spans(lines):
        parts += _parse("".join(lines[first:end]), first, filename)
    return parts


def _spans(lines):
    """(first, end) line indices of each top-level statement of ``lines``."""
    spans, first, restarts = [], 0, 0
    while first < len(lines):
        starts, complete = _starts(lines, first)
        if complete or restarts >= MAX_RESTARTS:
            bounds = starts + [len(lines)]
            return spans + list(zip(bounds, bounds[1:]))
        restarts += 1
        last = starts[-1]   # the statement the tokenizer could not finish
        spans += list(zip(starts, starts[1:]))
        end = _reach(lines, last)
        spans.append((last, end))
        first = end
    return spans


def _starts(lines, first):
    """The lines from index ``first`` on where a top-level statement starts, by the tokenizer,
    and whether it read to the end (False: it stopped, e.g. in an unclosed bracket)."""
    starts, depth, line_start, started = [first], 0, True, False
    header, last, lead = True, "", ""       # the statement's first line, its last token, first
    compound = decorated = False
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(lines[first:])).readline):
            kind, text = token.type, token.string
            if kind in (tokenize.NL, tokenize.NEWLINE):
                if depth == 0:
                    if header and started:   # the statement's first line ends here
                        compound, decorated, header = last == ":", lead == "@", False
                    line_start = True
                continue
            if kind in (tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            if line_start and depth == 0:
                margin = token.start[1] == 0
                if decorated:      # the decorated def or class: the same statement
                    header = True
                elif started and (margin and text not in CONTINUATIONS
                                  or not (margin or compound)):   # an unexpected indent too
                    starts.append(token.start[0] - 1 + first)
                    header = True
                if header:
                    lead = text
                line_start, started = False, True
            if header:
                last = text
            if kind == tokenize.OP and text in _OPEN:
                depth += 1
            elif kind == tokenize.OP and text in _CLOSE:
                depth = max(depth - 1, 0)
    except (tokenize.TokenError, SyntaxError):
        return starts, False
    return starts, depth == 0   # the tokenizer's own count goes wrong after a stray ")"


def _reach(lines, first):
    """Where the unclosed statement starting at line ``first`` ends: at the first of the next
    MAX_REACH margin lines up to which it parses, or else at the next one."""
    margins = list(itertools.islice(
        (i for i in range(first + 1, len(lines)) if _MARGIN.match(lines[i])
         and lines[i].split(None, 1)[0].rstrip(":") not in CONTINUATIONS), MAX_REACH))
    for end in margins:
        try:
            ast.parse("".join(lines[first:end]))
            return end
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return margins[0] if margins else len(lines)


def _parse(text, first, filename):
    """The statements of ``text`` (lines from index ``first`` on), or one Broken."""
    try:
        tree = ast.parse(text, filename)
    except BaseException as exc:  # SyntaxError, ValueError (a null byte), RecursionError …
        if isinstance(exc, SyntaxError) and exc.lineno is not None:
            exc.lineno += first
            if getattr(exc, "end_lineno", None) is not None:
                exc.end_lineno += first
        return [Broken(exc, sorted(_token_names(text)))]
    ast.increment_lineno(tree, first)
    return list(tree.body)


def defined_names(node):
    """The names a statement that parsed binds at top level (a function's own name, not its
    locals; an import's names; every target assigned outside functions and classes)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {a.asname or a.name.split(".")[0] for a in node.names if a.name != "*"}
    names, todo = set(), [node]
    while todo:
        item = todo.pop()
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(item.name)
        elif isinstance(item, (ast.Import, ast.ImportFrom)):
            names |= defined_names(item)
        elif isinstance(item, ast.Name) and not isinstance(item.ctx, ast.Load):
            names.add(item.id)
        elif not isinstance(item, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                                   ast.GeneratorExp)):
            todo.extend(ast.iter_child_nodes(item))
    return names


def _token_names(text):
    """The names a statement that does not parse would define, read from its tokens: what is
    assigned (``q1d = (2 / a`` → q1d), defined (def, class) or imported, outside the body of
    a function or class."""
    names, line, depth, body = set(), [], 0, None
    for token in _tokens(text):
        if token.type in (tokenize.NEWLINE, tokenize.NL) and depth == 0 or \
                token.type == tokenize.OP and token.string == ";" and depth == 0:
            body = _line_names(line, names, body)
            line = []
            continue
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                          tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        line.append((token, depth))
        if token.type == tokenize.OP and token.string in _OPEN:
            depth += 1
        elif token.type == tokenize.OP and token.string in _CLOSE:
            depth = max(depth - 1, 0)
    _line_names(line, names, body)
    return names


def _tokens(text):
    """The tokens of ``text`` as far as the tokenizer reads it."""
    try:
        yield from tokenize.generate_tokens(io.StringIO(text).readline)
    except (tokenize.TokenError, SyntaxError):
        return


def _line_names(line, names, body):
    """Add to ``names`` what one logical line (its tokens with their bracket depth) defines;
    ``body`` is the column of a def or class whose body is being read (skipped).  Returns the
    new ``body``."""
    if not line:
        return body
    column = line[0][0].start[1]
    if body is not None and column > body:
        return body
    words = [token.string for token, _ in line]
    if words[0] == "async":
        words = words[1:]
    if words and words[0] in ("def", "class"):
        if len(words) > 1 and words[1].isidentifier():
            names.add(words[1])
        return column
    if words and words[0] in ("import", "from"):
        imported = words[words.index("import") + 1:] if "import" in words else []
        items = " ".join(w for w in imported if w not in "()").split(",")
        for item in items:
            parts = item.split()
            if parts and parts[0] != "*":
                names.add(parts[-1] if "as" in parts else parts[0].split(".")[0])
        return None
    if words and words[0] in ("for", "with"):
        stop = "in" if words[0] == "for" else None
        targets = line[1:]
        if stop:
            targets = targets[:next((i for i, (t, _) in enumerate(targets) if t.string == stop),
                                    len(targets))]
            names |= _targets(targets)
        else:
            names |= {line[i + 1][0].string for i, (t, _) in enumerate(line[:-1])
                      if t.string == "as" and line[i + 1][0].type == tokenize.NAME}
        return None
    equals = [i for i, (t, d) in enumerate(line) if d == 0 and t.type == tokenize.OP
              and (t.string == "=" or t.string.endswith("=") and t.string not in
                   ("==", "<=", ">=", "!="))]
    if not equals and len(line) > 1 and line[1][0].string == ":" \
            and not keyword.iskeyword(words[0]):
        equals = [1]   # an annotation: q1: str
    start = 0
    for i in equals:
        names |= _targets(line[start:i])
        start = i + 1
    return None


def _targets(tokens):
    """The plain names of an assignment's target tokens (``a, (b, c)``; not ``d[k]``, ``o.x``)."""
    found = set()
    for i, (token, _) in enumerate(tokens):
        after = tokens[i + 1][0].string if i + 1 < len(tokens) else ""
        before = tokens[i - 1][0].string if i else ""
        if token.type == tokenize.NAME and not keyword.iskeyword(token.string) \
                and after not in (".", "[", "(") and before != "." and token.string != "_":
            found.add(token.string)
    return found
