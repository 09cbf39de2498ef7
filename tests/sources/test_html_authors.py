"""The authors of an article page: one source, the first that names anyone, and from
the visible byline only the names (issue 9)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from syndicate.sources import SourceContext
from syndicate.sources.html import parse

PROSE = "".join(
    f"<p>Paragraph {i} of a report on the canal towpath and its new surface.</p>" for i in range(12)
)


def _authors(head: str, byline: str, after: str = "") -> list[str]:
    page = (
        f"<html><head><title>Towpath resurfaced</title>{head}</head><body><article>"
        f"<h1>Towpath resurfaced</h1>{byline}{PROSE}{after}</article></body></html>"
    )
    ctx = SourceContext(
        path="p.html",
        captured_at=datetime(2026, 11, 25, tzinfo=UTC),
        tz=ZoneInfo("UTC"),
        base_url="https://a.example/s",
    )
    return [a.name for a in parse(page, ctx).articles[0].authors]


def test_a_publisher_in_meta_author_is_not_added_to_the_declared_author() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline":'
        ' "Towpath resurfaced", "author": {"@type": "Person", "name": "Ann Quay"}}</script>'
        '<meta name="author" content="Canal Press Group">'
    )
    assert _authors(head, "") == ["Ann Quay"]


def test_meta_author_is_used_when_nothing_else_is_declared() -> None:
    assert _authors('<meta name="author" content="Ann Quay">', "") == ["Ann Quay"]


def test_bylines_of_related_stories_do_not_join_the_article_s() -> None:
    byline = '<p class="byline" itemprop="author">By Ann Quay</p>'
    related = (
        "<ul class='related'>"
        + "".join(
            f"<li><h3><a href='/s{i}'>Story {i}</a></h3>"
            f"<span itemprop='author'>Writer {i} Name</span></li>"
            for i in range(3)
        )
        + "</ul>"
    )
    assert _authors("", byline, related) == ["Ann Quay"]


def test_a_byline_link_to_an_author_page_gives_the_name() -> None:
    byline = (
        "<div class='article-byline'>By <a href='/authors/ann-quay'>Ann Quay</a>"
        " <a href='/topics/canals'>Canals</a> 3 March 2021</div>"
    )
    assert _authors("", byline) == ["Ann Quay"]


def test_a_byline_s_role_date_and_follow_button_are_left_out() -> None:
    byline = (
        "<div class='byline'><span class='byline-prefix'>By</span>"
        "<span class='author-name'>Ann Quay<span class='author-title'>Staff Writer</span>"
        "</span><time>March 3, 2021 9:15 AM</time>"
        "<button class='follow'>Follow</button></div>"
    )
    assert _authors("", byline) == ["Ann Quay"]


def test_a_short_byline_text_is_the_name() -> None:
    assert _authors("", "<div class='post-author'>by Ann Quay</div>") == ["Ann Quay"]


def test_two_people_in_one_byline_are_two_authors_and_a_surname_first_name_is_one() -> None:
    assert _authors("", "<p class='byline'>By Ann Quay and Ben Rhee</p>") == [
        "Ann Quay",
        "Ben Rhee",
    ]
    assert _authors('<meta name="author" content="Quay, Ann">', "") == ["Quay, Ann"]


def test_a_bare_by_is_no_author() -> None:
    byline = "<div class='byline'><a href='/authors/x'>By</a></div>"
    assert _authors("", byline) == []


def test_a_comment_s_author_is_not_the_article_s() -> None:
    comments = (
        "<div class='comments'><div class='comment-author'>"
        "<a href='/people/reader'>Some Reader</a></div></div>"
    )
    assert _authors("", "", comments) == []
