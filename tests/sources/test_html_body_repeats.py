"""A paragraph the page prints several times in a row is printed as many times in the
body (trafilatura keeps one copy); copies with other text between them are not runs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lxml.html import document_fromstring

from syndicate.model import Html
from syndicate.sources import SourceContext
from syndicate.sources.html import parse
from syndicate.sources.html.repeats import Repeat, find_repeats, restore_repeats

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
REFRAIN = (
    "And the tide came in over the sand, and the tide went out again, as it has done "
    "every day since the town was built."
)
VERSE = "The boats were drawn up on the shingle and the nets were hung out to dry in the wind."


def _body(page: str) -> str:
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"), base_url="https://paper.example/a"
    )
    article = parse(page, ctx).articles[0]
    return "".join(b.html for b in article.body if isinstance(b, Html))


def test_a_paragraph_printed_three_times_in_a_row_is_kept_three_times() -> None:
    page = (
        "<html><head><title>The tide</title></head><body><article><h1>The tide</h1>"
        f"<p>{VERSE}</p><p>{REFRAIN}</p><p>{REFRAIN}</p><p>{REFRAIN}</p>"
        f"<p>{VERSE.replace('boats', 'carts')}</p></article></body></html>"
    )
    body = _body(page)
    assert body.count("And the tide came in") == 3
    assert body.count("The boats were drawn up") == 1


def test_copies_with_a_share_bar_between_them_are_one_run() -> None:
    share = '<div class="share-bar"><a href="/s">Share</a> <a href="/t">Tweet</a></div>'
    page = (
        "<html><head><title>The tide</title></head><body><article><h1>The tide</h1>"
        f"<p>{VERSE}</p><p>{REFRAIN}</p>{share}<p>{REFRAIN}</p></article></body></html>"
    )
    assert _body(page).count("And the tide came in") == 2


def test_copies_with_a_paragraph_between_them_are_not_a_run() -> None:
    tree = document_fromstring(
        f"<html><body><p>{REFRAIN}</p><p>{VERSE}</p><p>{REFRAIN}</p></body></html>"
    )
    assert find_repeats(tree) == []


def test_short_repeats_are_left_to_the_extraction() -> None:
    tree = document_fromstring("<html><body><p>* * *</p><p>* * *</p></body></html>")
    assert find_repeats(tree) == []


def test_a_run_the_body_already_holds_in_full_is_left_alone() -> None:
    body = f"<p>{REFRAIN}</p><p>{REFRAIN}</p>"
    tree = document_fromstring(f"<html><body>{body}</body></html>")
    repeats = find_repeats(tree)
    assert [r.count for r in repeats] == [2]
    assert restore_repeats(body, repeats) == body
    assert (
        restore_repeats(f"<p>{REFRAIN}</p>", [Repeat(key=repeats[0].key, count=2)]).count(
            "And the tide"
        )
        == 2
    )
