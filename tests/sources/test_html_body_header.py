"""The article's own header is taken out of the body, but not the article with it: an
unmarked lead paragraph in the header stays, and a short post whose headline block
would grow into the post's text keeps that text."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from syndicate.model import Html
from syndicate.sources import SourceContext
from syndicate.sources.html import parse

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
PROSE = "".join(
    f"<p>Paragraph {i} tells how the ferry timetable changed, one crossing at a time, over "
    "a long winter on the quay.</p>"
    for i in range(6)
)


def body_of(page: str) -> str:
    ctx = SourceContext(
        path="p.html", captured_at=CAPTURED, tz=ZoneInfo("UTC"), base_url="https://quay.example/a"
    )
    [article] = parse(page, ctx).articles
    return "".join(b.html for b in article.body if isinstance(b, Html))


def test_an_unmarked_lead_paragraph_in_the_header_stays_in_the_body() -> None:
    lead = (
        "The ferry will run every half hour from March, the harbour board said on Monday, "
        "after two years of complaints about the queues."
    )
    page = (
        "<html><head><title>Ferry every half hour</title></head><body><main><header>"
        '<div class="intro-wrap"><h1>The ferry runs every half hour</h1>'
        f"<p>{lead}</p></div></header><section>{PROSE}</section></main></body></html>"
    )
    body = body_of(page)
    assert lead in body
    assert body.index(lead) < body.index("Paragraph 0 ")
    assert "The ferry runs every half hour" not in body


def test_a_byline_paragraph_in_the_header_stays_out() -> None:
    page = (
        "<html><head><title>Ferry every half hour</title></head><body><main><header>"
        "<h1>The ferry runs every half hour</h1>"
        '<p class="byline">By Ann Quay, harbour reporter, with additional reporting by the '
        "whole of the quay desk and our correspondents along the coast</p>"
        f"</header><section>{PROSE}</section></main></body></html>"
    )
    assert "Ann Quay" not in body_of(page)


def test_a_short_post_keeps_its_text_when_the_headline_block_has_no_prose() -> None:
    # No paragraph of 100 characters: only the named text block ("entrybody") says
    # where the headline's block ends and the post begins.
    page = (
        "<html><head><title>A tide gauge you can read from the pier | Quay notes</title>"
        '<meta property="og:site_name" content="Quay notes"></head><body>'
        '<div id="top"><h1></h1><h2>Notes from the quay, written on the day</h2></div>'
        '<div id="page"><div id="main-column"><div class="prev-next">'
        'Older: <a href="/1">The crane on the north pier gets a new coat of paint</a><br>'
        'Newer: <a href="/3">Buoys are counted again</a></div>'
        "<h3>A tide gauge you can read from the pier</h3><h4>2019-04-04</h4>"
        '<div class="entrybody"><p><a href="https://gauge.example/">Tide gauge</a><br>'
        "A gauge painted on the pier wall.<br>It shows the height of the water in metres.</p>"
        '</div></div><div id="side-column"><h3>Latest notes</h3><ul>'
        + "".join(
            f'<li><a href="/n/{i}">Another note number {i} about the quay</a></li>'
            for i in range(12)
        )
        + "</ul></div></div></body></html>"
    )
    body = body_of(page)
    assert "A gauge painted on the pier wall." in body
    assert "It shows the height of the water in metres." in body
    assert "A tide gauge you can read from the pier" not in body


@pytest.mark.parametrize(
    "crumbs",
    [
        '<table class="TableNavi"><tr><td><a href="/">Home</a> &gt; '
        '<a href="/notes/">Notes</a> &gt; Tide gauge</td></tr></table>',
        '<div class="site-breadcrumbs"><a href="/">Home</a> › <a href="/notes/">Notes</a>'
        " › Tide gauge</div>",
        '<ul class="postNav"><li><a href="/1">Older</a></li><li>Tide gauge</li></ul>',
    ],
)
def test_breadcrumbs_and_navigation_above_the_headline_do_not_start_the_body(
    crumbs: str,
) -> None:
    page = (
        "<html><head><title>The ferry runs every half hour</title></head><body>"
        f"{crumbs}<h1>The ferry runs every half hour</h1>{PROSE}</body></html>"
    )
    body = body_of(page)
    assert "Home" not in body and "Tide gauge" not in body
    assert "Paragraph 0 " in body
