"""What every field module of the HTML source reads: the parsed page and its context."""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from ...model import Problem
from .. import SourceContext
from ..metadata import PageMeta
from ..rules import SiteRule


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One parsed page. ``problems`` is the one list every module appends to."""

    root: HtmlElement
    ctx: SourceContext
    rule: SiteRule | None
    problems: list[Problem]
    meta: PageMeta
    base_url: str | None
    site_names: tuple[str, ...]

    def warn(self, line: int, message: str) -> None:
        self.problems.append(
            Problem(path=self.ctx.path, line=line, severity="warning", message=message)
        )
