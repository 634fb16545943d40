"""Reading Markdown as a renderer would: fenced code blocks apart from the prose."""

from __future__ import annotations

import re

FENCE = re.compile(r"^(`{3,})[^`]*$")


def split_fences(markdown: str) -> tuple[list[str], str]:
    """The contents of the fenced code blocks, and the prose outside them."""
    blocks: list[str] = []
    prose: list[str] = []
    lines = iter(markdown.split("\n"))
    for line in lines:
        opened = FENCE.match(line)
        if not opened:
            prose.append(line)
            continue
        body = []
        for inner in lines:
            if re.fullmatch(rf"`{{{len(opened.group(1))},}}\s*", inner):
                break
            body.append(inner)
        blocks.append("\n".join(body))
    return blocks, "\n".join(prose)


def render(markdown: str) -> str:
    """``markdown`` as HTML, as a CommonMark renderer (markdown-it-py) makes it: what a
    reader of the document sees, code blocks escaped."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(markdown)
