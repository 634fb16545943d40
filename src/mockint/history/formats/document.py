"""Reports as documents: the format a file name or option asks for, and the rendering in it."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING

from mockint.history.formats.markdown import report_markdown
from mockint.safetext import json_inert

if TYPE_CHECKING:
    from mockint.models.reports import Report


class DocumentFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"

    @property
    def suffix(self) -> str:
        return {"markdown": ".md", "html": ".html", "json": ".json"}[self.value]

    @classmethod
    def from_suffix(cls, suffix: str) -> DocumentFormat | None:
        """The format a file name's suffix asks for (".md", ".markdown", ".html", ".htm",
        ".json", in any case), or None for any other."""
        return _SUFFIXES.get(suffix.lower())


_SUFFIXES = {
    ".md": DocumentFormat.MARKDOWN,
    ".markdown": DocumentFormat.MARKDOWN,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".json": DocumentFormat.JSON,
}


def render(report: Report, fmt: DocumentFormat) -> str:
    """``report`` as a document in ``fmt``."""
    if fmt == DocumentFormat.JSON:
        return json_inert(json.dumps(report.dump(), indent=2, ensure_ascii=False)) + "\n"
    if fmt == DocumentFormat.HTML:
        from mockint.history.formats.html import report_html  # lazy: jinja2 only for HTML

        return report_html(report)

    return report_markdown(report)
