"""A Markdown write-up as a list of blocks with their lines: markdown-it-py parses it (with
mdit-py-plugins' dollarmath for ``$…$`` and ``$$…$$``), nothing here tokenizes Markdown.

A block is a heading, a paragraph, a table cell, a list item's paragraph or a display; its
``text`` is the prose with each math span as ``$…$``, its ``maths`` the math spans with the
line each starts on.  Code blocks are no part of a written answer and are left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

MAX_WRITEUP_BYTES = 2 * 1024 * 1024   # a write-up of 30 pages is about 100 KB
MAX_NESTING = 50                      # markdown-it's own nesting limit for lists and quotes


@dataclass(frozen=True)
class Math:
    text: str      # the LaTeX between the dollars
    line: int      # 1-based line of the file where it starts
    display: bool


@dataclass
class Block:
    kind: str      # "heading", "paragraph", "cell" or "display"
    line: int      # 1-based
    text: str = ""
    maths: list[Math] = field(default_factory=list)
    bold_start: bool = False   # the block opens with bold text (**1.d**)
    item: str = ""             # the number of the ordered-list item it opens ("2" of "2. …")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    return md.use(dollarmath_plugin, double_inline=True).enable("table")


def read_markdown(text: str) -> list[Block]:
    """The blocks of a Markdown write-up, in document order."""
    blocks: list[Block] = []
    kind, item = "paragraph", ""
    source = text.splitlines()
    for token in _parser().parse(text):
        if token.type == "list_item_open" and token.info.isdigit():
            item = token.info
        elif token.type in ("heading_open", "paragraph_open"):
            kind = "heading" if token.type == "heading_open" else "paragraph"
        elif token.type in ("td_open", "th_open"):
            kind = "cell"
        elif token.type in ("math_block", "math_block_label"):
            line = token.map[0] + 1 if token.map else 0
            if line and source[line - 1].strip() == "$$":   # the math starts below "$$"
                line += 1
            content = token.content.strip()
            if content.startswith("=") and blocks and blocks[-1].kind == "display":
                last = blocks[-1].maths[-1]   # "$$= …$$" goes on with the display before
                blocks[-1].maths[-1] = Math(f"{last.text} {content}", last.line, True)
                continue
            blocks.append(Block("display", line, f"$${content}$$", [Math(content, line, True)]))
        elif token.type == "inline":
            blocks.append(_inline_block(token, kind))
            blocks[-1].item, item = item, ""
    return blocks


def _inline_block(token, kind: str) -> Block:
    line = token.map[0] + 1 if token.map else 0
    block = Block(kind, line)
    parts, offset = [], 0
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            offset += 1
            parts.append("\n")
        elif child.type in ("math_inline", "math_inline_double"):
            display = child.type == "math_inline_double"
            block.maths.append(Math(child.content.strip(), line + offset, display))
            parts.append(f"${child.content}$")
        elif child.type == "strong_open" and not "".join(parts).strip():
            block.bold_start = True
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    block.text = "".join(parts).strip()
    return block
