"""What a page declares about itself, read from the places publishers put it (issue 9):
title sources beyond og:title, RDFa property lists, headlines and dates on nodes that
are not typed Article, and JSON-LD wrapped in CDATA."""

from __future__ import annotations

from lxml.html import document_fromstring

from syndicate.sources.metadata import PageMeta, read_metadata


def _meta(head: str) -> PageMeta:
    return read_metadata(
        document_fromstring(f"<html><head>{head}</head><body><p>x</p></body></html>")
    )


def test_one_meta_tag_may_name_several_properties() -> None:
    meta = _meta(
        '<meta property="og:title twitter:title" content="Harbour wall reopens">'
        '<meta property="dc:creator article:author" content="Ann Quay">'
        '<meta property="og:type" content="article">'
    )
    assert meta.titles == ["Harbour wall reopens"]
    assert meta.tag_authors == ["Ann Quay"]
    assert meta.is_article


def test_parsely_sailthru_and_dublin_core_titles_are_declared_titles_after_og_title() -> None:
    meta = _meta(
        '<meta name="parsely-title" content="Parsely says">'
        '<meta name="dc.title" content="Dublin Core says">'
        '<meta property="og:title" content="OpenGraph says">'
        '<meta name="sailthru.title" content="Sailthru says">'
    )
    assert meta.titles == ["OpenGraph says", "Parsely says", "Sailthru says", "Dublin Core says"]


def test_a_headline_on_a_node_not_typed_article_is_a_fallback_title() -> None:
    meta = _meta(
        '<script type="application/ld+json">{"@graph": ['
        '{"@type": "WebPage", "headline": "The page headline", "datePublished": "2024-03-12"},'
        '{"@type": "Person", "name": "Not a title"}]}</script>'
        '<meta property="og:title" content="The og title">'
    )
    assert meta.titles == ["The og title", "The page headline"]
    assert meta.published == ["2024-03-12"]


def test_json_ld_wrapped_in_commented_cdata_is_read() -> None:
    meta = _meta(
        '<script type="application/ld+json">//<![CDATA[\n'
        '{"@type": "NewsArticle", "headline": "Wall reopens", "datePublished": "2024-03-12T14:05:00+01:00"}\n'
        "//]]></script>"
    )
    assert meta.titles == ["Wall reopens"]
    assert meta.published == ["2024-03-12T14:05:00+01:00"]


def test_microdata_meta_tags_written_with_value_are_read() -> None:
    root = document_fromstring(
        '<html><head><meta property="og:type" content="article"></head><body>'
        '<div itemscope itemtype="https://schema.org/NewsArticle">'
        '<meta itemprop="datePublished" value="2016-10-13T15:35:00+00:00"></div></body></html>'
    )
    assert read_metadata(root).published == ["2016-10-13T15:35:00+00:00"]


def test_named_meta_tags_in_the_body_come_after_the_head() -> None:
    root = document_fromstring(
        '<html><head><meta property="og:title" content="Head title"></head><body>'
        '<meta name="parsely-pub-date" content="2016-10-13T15:35:00+00:00">'
        '<meta name="twitter:title" content="Body title">'
        "</body></html>"
    )
    meta = read_metadata(root)
    assert meta.titles == ["Head title", "Body title"]
    assert meta.published == ["2016-10-13T15:35:00+00:00"]


def test_a_body_meta_tag_naming_several_properties_gives_each_of_them() -> None:
    root = document_fromstring(
        "<html><head><title>Quay news</title></head><body>"
        '<meta property="x:title dc:title" content="Ferry timetable changes in May">'
        "<p>x</p></body></html>"
    )
    assert read_metadata(root).titles == ["Ferry timetable changes in May"]


def test_the_title_in_a_parsely_page_json_tag_is_a_declared_title_after_parsely_title() -> None:
    meta = _meta(
        '<meta name="parsely-page" content=\'{"title": "Lighthouse keeper retires", '
        '"pub_date": "2024-03-12T09:00:00Z"}\'>'
        '<meta name="parsely-title" content="Keeper retires after forty years">'
    )
    assert meta.titles == ["Keeper retires after forty years", "Lighthouse keeper retires"]


def test_a_parsely_page_tag_that_is_not_json_declares_nothing() -> None:
    assert _meta('<meta name="parsely-page" content="{title: oops">').titles == []
