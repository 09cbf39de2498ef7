"""Identity at the input boundary: URLs with tracking parameters or a trailing slash are
one item and publish their clean form; capped titles and cleaned URLs keep the ids of
items already in a ledger made before the change; future dates give way to the
first-seen date; base_url and mirror layouts give HTML pages their URL."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import feedparser
import pytest
from sitefactory import Site, article, make_site, page

import syndicate.inputs
import syndicate.plan
import syndicate.state.sql
from syndicate.identity import TITLE_CAP, clean_url, normalize_url
from syndicate.model import Article, Problem
from syndicate.publish import publish
from syndicate.text import title_key

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


# --- the rules before this change, copied from syndicate/identity.py as it was --------


def old_normalize_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def old_title_base(section_slug: str, title: str) -> str:
    return f"text:{section_slug}|{title_key(title)}|"


def old_article_key(article: Article, section_slug: str) -> str:
    if article.url:
        return "url:" + old_normalize_url(article.url)
    day = article.published.date().isoformat() if article.published else ""
    return old_title_base(section_slug, article.title) + day


def no_checks(
    articles: Sequence[Article], *, now: datetime
) -> tuple[tuple[Article, ...], list[Problem]]:
    return tuple(articles), []


def publish_with_old_rules(site: Site, monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """A publish as syndicate did it before: old keys, no caps, URLs as given."""
    with monkeypatch.context() as m:
        m.setattr(syndicate.plan, "article_key", old_article_key)
        m.setattr(syndicate.plan, "title_base", old_title_base)
        m.setattr(syndicate.state.sql, "title_base", old_title_base)  # the ledger's alias column
        m.setattr(syndicate.inputs, "check_articles", no_checks)
        report = publish(site.config(), now=now)
    assert report.errors == []


# --- helpers ------------------------------------------------------------------------------


def site_with_export(root: Path) -> Site:
    site = make_site(root, extra='\n[[inputs]]\npaths = ["data/*.json"]\nformat = "json"\n')
    (root / "data").mkdir(exist_ok=True)
    return site


def export(site: Site, name: str, entries: list[dict[str, Any]], *, hours: int = 0) -> None:
    path = site.root / "data" / name
    path.write_text(json.dumps(entries), encoding="utf-8")
    when = (T0 + timedelta(hours=hours)).timestamp()
    os.utime(path, (when, when))


def entries(site: Site) -> list[Any]:
    parsed = feedparser.parse((site.output / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return list(parsed.entries)


def story(title: str, url: str, **more: Any) -> dict[str, Any]:
    return {
        "title": title,
        "url": url,
        "date": "2026-11-21T08:00:00Z",
        "section": "Harbour",
        "content": f"<p>{title}: the harbour office confirmed it on Friday.</p>",
        **more,
    }


# --- URL rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "same_as"),
    [
        (
            "https://news.example.org/harbour/berths/?utm_source=x&utm_medium=rss",
            "https://news.example.org/harbour/berths",
        ),
        (
            "https://news.example.org/harbour/berths?fbclid=IwAR0&gclid=9",
            "https://news.example.org/harbour/berths",
        ),
        (
            "https://news.example.org/harbour/berths?mc_cid=1&mc_eid=2&ref=twitter",
            "https://news.example.org/harbour/berths",
        ),
        (
            "HTTPS://NEWS.Example.ORG:443/harbour/berths#comments",
            "https://news.example.org/harbour/berths",
        ),
        ("http://news.example.org:80/harbour/berths/", "http://news.example.org/harbour/berths"),
        (
            "https://news.example.org/harbour/berths?id=4&utm_campaign=z&page=2",
            "https://news.example.org/harbour/berths?id=4&page=2",
        ),
    ],
)
def test_tracking_parameters_and_url_form_do_not_change_identity(url: str, same_as: str) -> None:
    assert normalize_url(url) == normalize_url(same_as) == same_as


@pytest.mark.parametrize(
    ("url", "apart_from"),
    [
        (
            "https://news.example.org/harbour/berths?id=4",
            "https://news.example.org/harbour/berths?id=5",
        ),
        (
            "https://news.example.org/Harbour/Berths",
            "https://news.example.org/harbour/berths",
        ),  # paths keep case
        ("https://news.example.org:8443/harbour/berths", "https://news.example.org/harbour/berths"),
        (
            "https://news.example.org/harbour/berths?source=rss",
            "https://news.example.org/harbour/berths",
        ),
    ],
)
def test_urls_that_differ_in_what_they_name_stay_apart(url: str, apart_from: str) -> None:
    assert normalize_url(url) != normalize_url(apart_from)


def test_the_published_link_is_the_clean_form_keeping_its_trailing_slash() -> None:
    assert (
        clean_url("https://News.example.org:443/a/b/?utm_source=x&id=3#top")
        == "https://news.example.org/a/b/?id=3"
    )
    assert clean_url("urn:isbn:0451450523") == "urn:isbn:0451450523"


def test_one_article_under_tracked_and_clean_urls_is_one_item_with_the_clean_link(
    tmp_path: Path,
) -> None:
    site = site_with_export(tmp_path)
    export(site, "a.json", [story("Berths renumbered", "https://news.example.org/harbour/berths/")])
    export(
        site,
        "b.json",
        [
            story(
                "Berths renumbered",
                "https://news.example.org/harbour/berths/?utm_source=newsletter&fbclid=x#top",
            )
        ],
    )
    publish(site.config(), now=T0)
    [e] = [e for e in entries(site) if e.title == "Berths renumbered"]
    assert e.link == "https://news.example.org/harbour/berths/"


def test_a_ledger_keyed_by_the_old_url_rule_keeps_its_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_with_export(tmp_path)
    tracked = "https://news.example.org/harbour/pier/?utm_source=newsletter"
    export(
        site,
        "a.json",
        [
            story("Pier lights replaced", tracked),
            story("Quay wall surveyed", "https://news.example.org/harbour/quay/"),
        ],
    )
    publish_with_old_rules(site, monkeypatch, T0)
    before = {e.title: e.id for e in entries(site)}
    assert [e.link for e in entries(site) if e.title == "Pier lights replaced"] == [tracked]

    # the same articles again, now linked without tracking and without the slash
    export(
        site,
        "a.json",
        [
            story("Pier lights replaced", "https://news.example.org/harbour/pier"),
            story("Quay wall surveyed", "https://news.example.org/harbour/quay"),
        ],
        hours=1,
    )
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert report.new == 0
    after = {e.title: e.id for e in entries(site)}
    assert after == before
    assert {e.link for e in entries(site) if e.title == "Pier lights replaced"} == {
        "https://news.example.org/harbour/pier"
    }


# --- long titles ----------------------------------------------------------------------------

LONG = " ".join(f"The harbour board heard item {i} of the breakwater plan" for i in range(3000))


def test_a_long_title_is_capped_and_its_id_stays_across_runs(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article(LONG, date="November 21, 2026")))
    report = publish(site.config(), now=T0)
    assert [p.message for p in report.problems if "cut to" in p.message]
    [e] = entries(site)
    assert len(e.title) <= TITLE_CAP and e.title.endswith("\u2026")
    assert e.title.startswith("The harbour board heard item 0 of the breakwater plan")
    site.write_page(
        "a.txt",
        page(article(LONG, "Now with a second paragraph.", date="November 21, 2026")),
        mtime=T0 + timedelta(hours=1),
    )
    assert publish(site.config(), now=T0 + timedelta(hours=1)).new == 0
    assert [x.id for x in entries(site)] == [e.id]


def test_an_item_first_seen_with_its_whole_long_title_keeps_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt",
        page(
            article(LONG, date="November 21, 2026"),
            article("Short neighbour story", date="November 21, 2026"),
        ),
    )
    publish_with_old_rules(site, monkeypatch, T0)
    before = {e.title[:50]: e.id for e in entries(site)}
    assert (
        max(len(t) for t in before) == 50
        and len(entries(site)[0].title) + len(entries(site)[1].title) > 100_000
    )

    site.write_page(
        "a.txt",
        page(
            article(LONG, "Edited body.", date="November 21, 2026"),
            article("Short neighbour story", date="November 21, 2026"),
        ),
        mtime=T0 + timedelta(hours=1),
    )
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert report.new == 0
    after = {e.title[:50]: e.id for e in entries(site)}
    assert after == before
    assert all(len(e.title) <= TITLE_CAP for e in entries(site))


# --- future dates ---------------------------------------------------------------------------


def test_a_date_far_in_the_future_gives_way_to_the_first_seen_date(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt",
        page(
            article("Regatta route announced", date="December 24, 2031"),
            article("Buoys repainted", date="November 26, 2026"),
        ),
    )
    report = publish(site.config(), now=T0)
    assert [p.line for p in report.problems if "in the future" in p.message] == [3]
    dates = {e.title: datetime(*e.published_parsed[:6]).replace(tzinfo=UTC) for e in entries(site)}
    assert dates["Regatta route announced"].year == 2026
    assert abs(dates["Regatta route announced"] - T0) < timedelta(minutes=1)


def test_a_date_within_a_day_ahead_is_kept(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Evening tide table", date="November 28, 2026")))
    report = publish(site.config(), now=T0)  # 12 hours ahead in UTC
    assert not [p for p in report.problems if "future" in p.message]
    [e] = entries(site)
    assert e.published_parsed[:3] == (2026, 11, 28)


# --- page URLs: base_url and mirror layouts ---------------------------------------------------

HTML = (
    "<!DOCTYPE html><html><head><title>{title}</title>"
    '<meta property="article:published_time" content="2026-11-21T10:00:00Z"></head><body><article>'
    '<h1>{title}</h1><p>The council said the works end in spring. <a href="../map.html">Map</a></p>'
    "<p>Traffic will use the old road until then, with a bus every ten minutes.</p></article></body></html>"
)


def html_site(root: Path, keys: str) -> Site:
    site = make_site(root)
    text = site.config_path.read_text(encoding="utf-8").replace(
        'paths = ["pages/*.txt"]\nformat = "scraped"',
        f'paths = ["mirror/**/*.html"]\nformat = "html"\n{keys}',
    )
    site.config_path.write_text(text, encoding="utf-8")
    return site


def write_html(root: Path, rel: str, title: str) -> None:
    path = root / "mirror" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HTML.format(title=title), encoding="utf-8")


def test_base_url_gives_pages_without_a_canonical_link_their_own_url(tmp_path: Path) -> None:
    site = html_site(tmp_path, 'base_url = "https://city.example.net/news/"')
    write_html(tmp_path, "roads/bridge.html", "Bridge works end in spring")
    write_html(tmp_path, "roads/tram.html", "Tram stop moves")
    report = publish(site.config(), now=T0)
    assert report.errors == []
    links = {e.title: e.link for e in entries(site)}
    assert links == {
        "Bridge works end in spring": "https://city.example.net/news/roads/bridge.html",
        "Tram stop moves": "https://city.example.net/news/roads/tram.html",
    }
    body = (site.output / "feed.xml").read_text(encoding="utf-8")
    # the relative link is made absolute on the page's host (the HTML source resolves
    # it against the site root, not the page folder: its own concern)
    assert 'href="https://city.example.net/' in body and 'href="../map.html"' not in body


def test_a_mirror_layout_names_the_host_and_path(tmp_path: Path) -> None:
    site = html_site(tmp_path, "mirror = true")
    write_html(
        tmp_path, "city.example.net/news/roads/bridge/index.html", "Bridge works end in spring"
    )
    write_html(tmp_path, "City.Example.net/news/tram.html", "Tram stop moves")
    report = publish(site.config(), now=T0)
    assert report.errors == []
    links = {e.title: e.link for e in entries(site)}
    assert links == {
        "Bridge works end in spring": "https://city.example.net/news/roads/bridge/",
        "Tram stop moves": "https://city.example.net/news/tram.html",
    }


def test_without_base_url_two_pages_without_canonical_links_stay_two_items(tmp_path: Path) -> None:
    site = html_site(tmp_path, "")
    write_html(tmp_path, "a.html", "Bridge works end in spring")
    write_html(tmp_path, "b.html", "Tram stop moves")
    publish(site.config(), now=T0)
    assert sorted(e.title for e in entries(site)) == [
        "Bridge works end in spring",
        "Tram stop moves",
    ]


def test_base_url_builds_markdown_urls_from_their_slug_not_the_file_name(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    text = site.config_path.read_text(encoding="utf-8").replace(
        'paths = ["pages/*.txt"]\nformat = "scraped"',
        'paths = ["posts/*.md"]\nbase_url = "https://blog.example.net/"',
    )
    site.config_path.write_text(text, encoding="utf-8")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "ferry.md").write_text(
        "---\ntitle: Ferry timetable out\nslug: ferry-timetable\ndate: 2026-11-21T09:00:00Z\n---\n\nThe new times.\n",
        encoding="utf-8",
    )
    publish(site.config(), now=T0)
    assert [e.link for e in entries(site)] == ["https://blog.example.net/ferry-timetable/"]


def test_a_long_title_on_another_day_is_another_item_as_short_titles_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article(LONG, date="November 21, 2026")))
    publish_with_old_rules(site, monkeypatch, T0)
    site.write_page("b.txt", page(article(LONG, date="November 22, 2026")))
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert report.new == 1 and len({e.id for e in entries(site)}) == 2
