"""HTML pages a person opens (issue 11): links work from disk (relative), dates follow
site.timezone and site.language, a date-only article shows its date alone, a withdrawn
article's page is a noindex notice, and the OPML and index tell combined from sections."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from sitefactory import Site, article, make_site, page

from syndicate.publish import publish
from syndicate.render.pages import show_date

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
BASE = "https://news.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = make_site(tmp_path_factory.mktemp("people"))
    site.write_page(
        "a.txt",
        page(
            article("Quay clock restored", "The clock strikes again.", date="November 20, 2026"),
            article(
                "Night ferry trial",
                "A late ferry runs on Fridays.",
                section="Transport",
                date="November 21, 2026 at 18:45",
            ),
            article("Choir tour announced", "The choir will tour in spring.", section="Culture"),
        ),
    )
    assert publish(site.config(), now=T0, deliver=False).new == 3
    return site


def _links(doc: lxml_html.HtmlElement) -> list[str]:
    out = [a.get("href") for a in doc.iter("a") if a.get("href")]
    out += [el.get("src") for el in doc.iter("img", "script") if el.get("src")]
    out += [
        ln.get("href")
        for ln in doc.iter("link")
        if ln.get("href") and not {"alternate", "canonical"} & set((ln.get("rel") or "").split())
    ]
    return out


def test_every_link_of_every_page_resolves_to_a_file_when_opened_from_disk(site: Site) -> None:
    pages = sorted(site.output.rglob("*.html"))
    assert len(pages) >= 6
    checked = 0
    for path in pages:
        doc = lxml_html.fromstring(path.read_bytes())
        for href in _links(doc):
            assert not href.startswith(BASE), (
                f"{path.name}: {href} points at the server, not relative"
            )
            url = urljoin(path.as_uri(), href)
            if urlparse(url).scheme != "file":
                continue  # an article's own page on another site
            target = Path(unquote(urlparse(url).path))
            assert target.is_file(), (
                f"{path.relative_to(site.output)}: {href} -> {target} is missing"
            )
            checked += 1
    assert checked > 20


def test_feeds_and_head_links_keep_absolute_urls(site: Site) -> None:
    doc = lxml_html.fromstring((site.output / "harbour" / "quay-clock-restored.html").read_bytes())
    heads = [ln.get("href") for ln in doc.iter("link")]
    assert heads and all(h.startswith(BASE) for h in heads)
    rss = etree.fromstring((site.output / "feed.xml").read_bytes())
    assert all((ln.text or "").startswith(BASE) for ln in rss.iter("link"))


def test_date_only_article_shows_the_date_alone_and_timed_one_the_time(site: Site) -> None:
    dated = lxml_html.fromstring(
        (site.output / "harbour" / "quay-clock-restored.html").read_bytes()
    )
    assert dated.findtext(".//article//time") == "November 20, 2026"
    timed = lxml_html.fromstring(
        (site.output / "transport" / "night-ferry-trial.html").read_bytes()
    )
    assert (
        timed.findtext(".//article//time") == "November 21, 2026, 6:45\u202fPM UTC"
    )  # CLDR: a narrow no-break space


def test_dates_follow_site_timezone_and_language() -> None:
    when = datetime(2026, 7, 3, 17, 5, tzinfo=UTC)
    assert show_date(when, timezone="Europe/Paris", language="fr") == "3 juillet 2026, 19:05 CEST"
    assert show_date(when, timezone="Asia/Tokyo", language="ja").startswith("2026年7月4日")
    assert (
        show_date(when, timezone="America/New_York", language="en-GB") == "3 July 2026, 13:05 EDT"
    )
    midnight_in_paris = datetime(2026, 7, 2, 22, 0, tzinfo=UTC)
    assert show_date(midnight_in_paris, timezone="Europe/Paris", language="de") == "3. Juli 2026"


def test_site_timezone_in_config_changes_pages_not_feeds(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    text = site.config_path.read_text().replace(
        'language = "en"', 'language = "en"\ntimezone = "Asia/Tokyo"'
    )
    site.config_path.write_text(text)
    site.write_page(
        "a.txt",
        page(
            article("Tide tables printed", "New tables are out.", date="November 21, 2026 at 18:45")
        ),
    )
    publish(site.config(), now=T0, deliver=False)
    shown = lxml_html.fromstring(
        (site.output / "harbour" / "tide-tables-printed.html").read_bytes()
    )
    assert shown.findtext(".//article//time") == "November 22, 2026, 3:45\u202fAM JST"
    assert (
        b"<pubDate>Sat, 21 Nov 2026 18:45:00 +0000</pubDate>"
        in (site.output / "feed.xml").read_bytes()
    )


def test_unknown_site_timezone_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    from syndicate.errors import SyndicateError

    site = make_site(tmp_path)
    site.config_path.write_text(
        site.config_path.read_text().replace(
            'language = "en"', 'language = "en"\ntimezone = "Mars/Olympus"'
        )
    )
    with pytest.raises(SyndicateError, match=r"site\.timezone.*Mars/Olympus"):
        site.config()


def test_withdrawn_article_page_becomes_a_noindex_notice(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page("a.txt", page(article("Harbour gala cancelled", "The gala will not go ahead.")))
    publish(site.config(), now=T0, deliver=False)
    path = site.output / "harbour" / "harbour-gala-cancelled.html"
    guid = etree.fromstring((site.output / "feed.xml").read_bytes()).findtext(".//guid")
    publish(site.config(), now=T0, deliver=False, withdraw=[guid])
    doc = lxml_html.fromstring(path.read_bytes())
    assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert "withdrawn" in (doc.findtext(".//h1") or "")
    assert "The gala will not go ahead." not in path.read_text("utf-8")


def test_opml_puts_combined_and_section_feeds_in_two_groups(site: Site) -> None:
    body = etree.fromstring((site.output / "feeds.opml").read_bytes()).find("body")
    groups = list(body)
    assert len(groups) == 2 and all(g.get("xmlUrl") is None for g in groups)
    assert [o.get("xmlUrl") for o in groups[0]] == [BASE + "feed.xml"]
    assert sorted(o.get("xmlUrl") for o in groups[1]) == [
        BASE + s + "/feed.xml" for s in ("culture", "harbour", "transport")
    ]
    assert "not both" in groups[0].get("text") and "not both" in groups[1].get("text")
    index = (site.output / "index.html").read_text("utf-8")
    assert "Subscribe to the combined feed or to the section feeds, not both" in index


@settings(max_examples=300, deadline=None)
@given(
    when=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
    ),
    timezone=st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"]),
    language=st.sampled_from(["en", "en-GB", "de", "fr", "ja", "ko", "pt-BR", "ar", "xx"]),
    with_time=st.booleans(),
)
def test_a_date_worded_from_its_day_and_clock_reads_as_babel_words_the_whole_moment(
    when: datetime, timezone: str, language: str, with_time: bool
) -> None:
    """show_date words the day and the clock time apart (each cached); babel given the
    whole moment, as show_date once called it, says the same."""
    from zoneinfo import ZoneInfo

    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date, format_time

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    local = when.astimezone(ZoneInfo(timezone))
    whole = format_date(local, "long", locale=locale)
    if with_time and (local.hour, local.minute, local.second) != (0, 0, 0):
        clock = format_time(local, "short", tzinfo=local.tzinfo, locale=locale)
        whole = f"{whole}, {clock} {local.tzname()}"
    got = show_date(when, timezone=timezone, language=language, with_time=with_time)
    assert got == whole
