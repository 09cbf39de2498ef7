"""The title policy between the visible h1 and the declared titles (issue 9): the cases
beyond typography — site suffixes without a known site name, full-width and glued
separators, brand h1s, label h1s — each on a small page of our own writing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml.html import fragment_fromstring

from syndicate.sources import SourceContext
from syndicate.sources.html import parse
from syndicate.sources.html.title import (
    choose_title,
    heading_text,
    strip_unknown_site,
    word_count,
)

CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
PROSE = "".join(
    f"<p>Sentence {i} of a story long enough to be an article and not a listing card.</p>"
    for i in range(10)
)


def _title(head: str, body: str) -> str:
    page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    ctx = SourceContext(
        path="page.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url="https://paper.example/2026/11/story",
    )
    result: Any = parse(page, ctx)
    assert len(result.articles) == 1
    return str(result.articles[0].title)


@pytest.mark.parametrize(
    ("page_title", "site", "want"),
    [
        ("港の防波堤、春に修理開始｜ハーバー新聞", "ハーバー新聞", "港の防波堤、春に修理開始"),
        ("港の防波堤、春に修理開始：ハーバー新聞", "ハーバー新聞", "港の防波堤、春に修理開始"),
        ("港湾防波堤春季开始修理_本地_港湾日报", "港湾日报", "港湾防波堤春季开始修理"),
    ],
)
def test_full_width_and_underscore_separators_lose_the_declared_site(
    page_title: str, site: str, want: str
) -> None:
    head = f'<title>{page_title}</title><meta property="og:site_name" content="{site}">'
    assert _title(head, f"<article>{PROSE}</article>") == want


def test_an_h1_that_the_declared_title_repeats_before_a_site_suffix_is_kept() -> None:
    head = (
        "<title>港の防波堤、春に修理開始 ｜ ハーバー新聞 ローカル</title>"
        '<meta property="og:title" content="港の防波堤、春に修理開始 ｜ ハーバー新聞 ローカル">'
    )
    got = _title(head, f"<article><h1>港の防波堤、春に修理開始</h1>{PROSE}</article>")
    assert got == "港の防波堤、春に修理開始"


def test_a_title_with_a_colon_glued_to_the_script_loses_an_unknown_blog_name() -> None:
    assert (
        strip_unknown_site("ツリーを描画できる新しいライブラリ「Leafy」:ハーバー開発日誌")
        == "ツリーを描画できる新しいライブラリ「Leafy」"
    )
    assert (
        strip_unknown_site("Ratio 10:30 in the final match of the season - Harbour")
        == "Ratio 10:30 in the final match of the season"
    )


def test_a_brand_h1_that_is_the_short_segment_of_the_page_title_is_not_the_headline() -> None:
    head = "<title>The Quayside Notebook - Ferry timetable changes for the winter months</title>"
    body = (
        f'<h1>The Quayside Notebook</h1><div class="entry"><h2>Ferry timetable changes for the winter months</h2>'
        f"{PROSE}</div>"
    )
    assert _title(head, body) == "Ferry timetable changes for the winter months"


def test_a_one_word_label_h1_yields_to_a_page_title_that_says_more() -> None:
    head = "<title>Ferry timetable changes for the winter - Harbour Paper</title>"
    body = f"<article><h1>Transport</h1>{PROSE}</article>"
    assert _title(head, body) == "Ferry timetable changes for the winter"


def test_a_short_h1_that_the_page_title_contains_stays() -> None:
    assert choose_title("Hermit crabs", [], "Hermit crabs", "Hermit crabs") == "Hermit crabs"
    assert (
        choose_title(
            "Transport", [], "Transport news and timetables", "Transport news and timetables"
        )
        == "Transport"
    )


def test_the_h1_still_wins_over_a_declared_teaser_that_is_not_a_site_suffix() -> None:
    assert (
        choose_title(
            "Council approves harbour wall repairs", ["Why the wall matters: a long read"], "", ""
        )
        == "Council approves harbour wall repairs"
    )


def test_words_in_chinese_japanese_and_korean_count_two_characters_each() -> None:
    assert word_count("Harbour wall repairs") == 3
    assert word_count("港の防波堤") == 2
    assert word_count("Leafy 港の防波堤、春") == 1 + 3


def test_a_one_word_declared_label_does_not_outrank_the_headline_that_contains_it() -> None:
    assert (
        choose_title("We are fighting for fair work", ["Work"], "Work", "Work - Harbour Party")
        == "We are fighting for fair work"
    )


def test_a_short_section_before_the_site_suffix_goes_with_it() -> None:
    head = (
        "<title>这个约会软件想用相似的好恶帮你找对象_智能_好奇心港报</title>"
        '<meta property="og:site_name" content="好奇心港报">'
    )
    assert _title(head, f"<article>{PROSE}</article>") == "这个约会软件想用相似的好恶帮你找对象"


def test_an_h1_that_loses_to_the_declared_title_stays_in_the_body_and_gives_no_date() -> None:
    head = (
        "<title>Quay traders ask for a covered market - Harbour Paper</title>"
        '<meta property="og:title" content="Quay traders ask for a covered market">'
    )
    body = (
        '<div class="post"><h2 class="postitle">Quay traders ask for a covered market</h2>'
        '<span class="date">24.11.2026 09:30</span>'
        f"<h1>Why the market matters</h1>{PROSE}</div>"
    )
    page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    ctx = SourceContext(
        path="page.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url="https://paper.example/2026/11/market",
    )
    article = parse(page, ctx).articles[0]
    assert article.title == "Quay traders ask for a covered market"
    assert article.published == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert "Why the market matters" in article.body[0].html


def test_an_h1_that_loses_to_a_declared_title_shown_nowhere_still_anchors_the_date() -> None:
    # The declared title, repeated in <title>, is printed nowhere on the page; the h1 is
    # where the story begins, and the byline under it holds the only time of day.
    head = (
        "<title>Covered market plan for the quay - Harbour Paper</title>"
        '<meta property="og:title" content="Covered market plan for the quay">'
        '<meta property="article:published_time" content="2026-11-24">'
    )
    body = (
        '<div class="more"><span class="date">23.11.2026 18:00</span></div>'
        '<div class="story"><h1>Quay traders want a roof over the Saturday market</h1>'
        '<p class="byline">By A. Writer, <span class="stamp">24.11.2026 09:30</span></p>'
        f"{PROSE}</div>"
    )
    page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    ctx = SourceContext(
        path="page.html",
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url="https://paper.example/2026/11/market",
    )
    article = parse(page, ctx).articles[0]
    assert article.title == "Covered market plan for the quay"
    assert article.published == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_a_declared_title_that_is_a_section_prefix_and_the_h1_gives_the_h1() -> None:
    # A separator other than a colon sets off a site or section name, not a kicker.
    assert (
        choose_title(
            "Ferry timetable changes for the winter",
            ["r/harbour - Ferry timetable changes for the winter"],
            "",
            "",
        )
        == "Ferry timetable changes for the winter"
    )
    assert (
        choose_title("Wall reopens to walkers", ["Harbour: Wall reopens to walkers"], "", "")
        == "Harbour: Wall reopens to walkers"
    )


def test_an_h1_microdata_marks_as_the_alternative_headline_is_not_the_headline() -> None:
    head = '<meta property="og:title" content="Five ways to keep the quay dry this winter">'
    body = (
        '<article><h1 itemprop="alternativeHeadline">Our quay tips</h1>'
        '<h2 itemprop="headline">Five ways to keep the quay dry this winter</h2>'
        f"{PROSE}</article>"
    )
    assert _title(head, body) == "Five ways to keep the quay dry this winter"


def test_a_short_h1_that_the_page_title_repeats_beats_a_declared_description() -> None:
    head = (
        "<title>Harbour seal - Quaypedia</title>"
        '<script type="application/ld+json">{"@type": "Article", '
        '"headline": "marine mammal found along the harbour coast"}</script>'
    )
    assert _title(head, f"<article><h1>Harbour seal</h1>{PROSE}</article>") == "Harbour seal"


def test_a_section_h1_gives_way_to_the_page_title_shown_in_an_h2() -> None:
    head = "<title>Babies who swim early may sleep better</title>"
    body = (
        '<div class="center"><h1>Sleep Health Center</h1></div>'
        f"<div class='story'><h2>Babies who swim early may sleep better</h2>{PROSE}</div>"
    )
    assert _title(head, body) == "Babies who swim early may sleep better"


def test_an_h1_the_page_title_does_not_repeat_stays_when_no_h2_shows_the_page_title() -> None:
    head = "<title>Seo words about babies and sleep</title>"
    body = f"<article><h1>Babies who swim early may sleep better</h1>{PROSE}</article>"
    assert _title(head, body) == "Babies who swim early may sleep better"


# (no <title> repeating the declared headline, which would decide by itself)
LIVE_HEAD = (
    '<script type="application/ld+json">{"@type": "LiveBlogPosting", '
    '"headline": "Live: storm closes the harbour"}</script>'
)


def test_a_live_tickers_first_h1_that_is_the_latest_entry_is_not_the_title() -> None:
    body = (
        '<div class="ticker"><div class="live-entry"><h1>Ferries stay in port until noon</h1>'
        "<p>The first ferry is now due at noon.</p></div>"
        '<div class="live-entry"><h2>Wind at 90 km/h on the quay</h2><p>Gusts.</p></div></div>'
        f"{PROSE}"
    )
    assert _title(LIVE_HEAD, body) == "Live: storm closes the harbour"


def test_a_live_page_whose_entries_are_unmarked_takes_the_declared_headline() -> None:
    body = f"<div><h1>Ferries stay in port until noon</h1>{PROSE}</div>"
    assert _title(LIVE_HEAD, body) == "Live: storm closes the harbour"


def test_a_live_page_whose_h1_is_the_declared_headline_less_the_badge_takes_the_declared() -> None:
    body = f"<div><h1>Storm closes the harbour</h1>{PROSE}</div>"
    assert _title(LIVE_HEAD, body) == "Live: storm closes the harbour"


def test_the_declared_title_the_page_title_repeats_beats_an_h1_another_one_repeats() -> None:
    # Two declarations disagree: og:title is the h1, the JSON-LD headline is <title>.
    head = (
        "<title>Where to see the harbour festivals of 2026 at their best - Harbour Paper</title>"
        '<meta property="og:site_name" content="Harbour Paper">'
        '<meta property="og:title" content="The best harbour festivals of 2026">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Where to see the harbour festivals of 2026 at their best"}</script>'
    )
    body = f"<article><h1>The best harbour festivals of 2026</h1>{PROSE}</article>"
    assert _title(head, body) == "Where to see the harbour festivals of 2026 at their best"


def test_an_h1_that_says_the_declared_title_at_more_length_beats_it() -> None:
    # og:title and <title> are a shortened copy: nearly every word of theirs is in the h1.
    head = (
        "<title>Ferry company drops plan for night crossings</title>"
        '<meta property="og:title" content="Ferry company drops plan for night crossings">'
    )
    body = (
        "<article><h1>Ferry company drops its plan for night crossings after the port "
        f"objects</h1>{PROSE}</article>"
    )
    assert _title(head, body) == (
        "Ferry company drops its plan for night crossings after the port objects"
    )


def test_an_h1_that_shares_little_with_the_declared_title_in_page_title_gives_way() -> None:
    head = (
        "<title>Ferry company drops plan for night crossings</title>"
        '<meta property="og:title" content="Ferry company drops plan for night crossings">'
    )
    body = f"<article><h1>What the port said on Monday evening</h1>{PROSE}</article>"
    assert _title(head, body) == "Ferry company drops plan for night crossings"


def test_with_nothing_declared_an_h1_sharing_no_word_with_the_page_title_is_a_label() -> None:
    body = f"<article><h1>Notes</h1>{PROSE}</article>"
    assert _title("<title>Quay Diary</title>", body) == "Quay Diary"
    body = f"<article><h1>Information and resources</h1>{PROSE}</article>"
    head = "<title>Why the harbour wall cracked</title>"
    assert _title(head, body) == "Why the harbour wall cracked"


def test_with_nothing_declared_an_h1_longer_than_an_unrelated_page_title_stays() -> None:
    body = f"<article><h1>Why the harbour wall cracked</h1>{PROSE}</article>"
    assert _title("<title>Quay Diary</title>", body) == "Why the harbour wall cracked"


def test_with_nothing_declared_an_h1_the_page_title_shares_words_with_stays() -> None:
    head = "<title>Harbour wall: what the engineers found</title>"
    body = f"<article><h1>Harbour wall cracked in the storm</h1>{PROSE}</article>"
    assert _title(head, body) == "Harbour wall cracked in the storm"


def test_a_headings_permalink_mark_is_not_part_of_the_title() -> None:
    head = "<title>Tide tables explained - Harbour handbook</title>"
    body = (
        '<div class="section"><h1>Tide tables explained<a class="headerlink" href="#tides" '
        f'title="Permalink to this heading">¶</a></h1>{PROSE}</div>'
    )
    assert _title(head, body) == "Tide tables explained"


LOGO_PAGE = (
    "<title>Ferrybook — Book the crossing your way — Harbour Group</title>{site}"
    '<meta property="og:title" content="Ferrybook — Book the crossing your way">'
)
LOGO_BODY = (
    f'<div class="logo">Ferrybook</div><article><h1>Make the crossing yours</h1>{PROSE}</article>'
)


def test_a_logo_beside_a_declared_site_name_names_a_product_the_title_keeps() -> None:
    head = LOGO_PAGE.format(site='<meta property="og:site_name" content="Harbour Group">')
    assert _title(head, LOGO_BODY) == "Ferrybook — Book the crossing your way"


def test_a_logo_with_no_site_name_declared_is_the_site_name() -> None:
    assert _title(LOGO_PAGE.format(site=""), LOGO_BODY) == "Book the crossing your way"


def test_of_two_h1s_that_are_the_ends_of_the_page_title_the_later_end_is_the_site() -> None:
    head = "<title>Tide tables explained — Harbour keepers handbook</title>"
    body = (
        '<div class="top"><h1>Harbour keepers handbook</h1></div>'
        f'<div class="section"><h1>Tide tables explained</h1>{PROSE}</div>'
    )
    assert _title(head, body) == "Tide tables explained"


def test_with_nothing_declared_a_kicker_in_front_of_the_page_title_in_the_h1_goes() -> None:
    head = "<title>Storm closes the harbour to ferries - Harbour Paper</title>"
    body = (
        f"<article><h1><span>Live</span> Storm closes the harbour to ferries</h1>{PROSE}</article>"
    )
    assert _title(head, body) == "Storm closes the harbour to ferries"


def test_with_nothing_declared_words_behind_the_page_title_in_the_h1_stay() -> None:
    head = "<title>Storm closes the harbour - Harbour Paper</title>"
    body = f"<article><h1>Storm closes the harbour to ferries</h1>{PROSE}</article>"
    assert _title(head, body) == "Storm closes the harbour to ferries"


@pytest.mark.parametrize(
    ("markup", "want"),
    [
        ("<span>LIVE</span>Storm closes the harbour", "LIVE Storm closes the harbour"),
        ("<b>NA</b>SA probe lands", "NASA probe lands"),
        ("<div>Harbour</div><div>storm closes the quay</div>", "Harbour storm closes the quay"),
        ("<span>Kicker</span>Title", "Kicker Title"),
    ],
)
def test_a_headings_children_are_joined_with_a_space_where_words_meet(
    markup: str, want: str
) -> None:
    assert heading_text(fragment_fromstring(f"<h1>{markup}</h1>")) == want


def test_with_no_page_title_at_all_a_one_character_h1_stays() -> None:
    assert choose_title("港", [], "", "") == "港"
