"""Titles and section names in Japanese, Chinese, Korean, Cyrillic and Greek get
readable ASCII slugs (anyascii), never the shared slug ``item`` (issue 11); slugs and
section folders already in the ledger never change."""

from __future__ import annotations

import importlib
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sitefactory import article, make_site, page

from syndicate import identity, sections
from syndicate.publish import publish
from syndicate.text import slugify

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("東京の天気", "dong-jing-no-tian-qi"),
        ("北京新闻", "bei-jing-xin-wen"),
        ("서울 뉴스", "seo-ul-nyu-seu"),
        ("Москва встречает зиму", "moskva-vstrechaet-zimu"),
        ("Αθήνα σήμερα", "athina-simera"),
        ("Straße gesperrt", "strasse-gesperrt"),
        ("Ferry Fares “Frozen” Again", "ferry-fares-frozen-again"),  # Latin titles as before
        ("Café reopens", "cafe-reopens"),
    ],
)
def test_titles_in_any_script_transliterate_to_ascii_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_articles_and_sections_in_other_scripts_get_distinct_folders_and_pages(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "p.txt",
        page(
            article("東京の天気", "雨のち晴れ。", section="経済"),
            article("北京新闻", "今天有雨。", section="政治"),
            article("Москва встречает зиму", "Снег выпал ночью.", section="Новости"),
            article("Αθήνα σήμερα", "Ήλιος όλη μέρα.", section="Ειδήσεις"),
        ),
    )
    report = publish(site.config(), now=T0)
    assert report.errors == [] and report.new == 4
    pages = sorted(
        p.relative_to(site.output).as_posix()
        for p in site.output.glob("*/*.html")
        if p.name != "index.html"
    )
    assert pages == [
        "eidiseis/athina-simera.html",
        "jing-ji/dong-jing-no-tian-qi.html",
        "novosti/moskva-vstrechaet-zimu.html",
        "zheng-zhi/bei-jing-xin-wen.html",
    ]
    assert not (site.output / "item").exists()


def test_section_names_that_slug_alike_get_distinct_folders(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "p.txt",
        page(
            article("Compiler released", "A new compiler.", section="C++"),
            article("Runtime released", "A new runtime.", section="C#"),
        ),
    )
    assert publish(site.config(), now=T0).new == 2
    assert sorted(p.name for p in site.output.iterdir() if p.is_dir()) == ["c", "c-2"]
    again = publish(site.config(), now=T0, rebuild=True)  # stable: the ledger remembers who has "c"
    assert again.new == 0
    assert sorted(p.name for p in site.output.iterdir() if p.is_dir()) == ["c", "c-2"]


def _old_slugify(text: str, *, max_length: int = 80) -> str:
    """The slug function before issue 11: non-Latin letters dropped, empty -> 'item'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_length]
    return slug or "item"


def test_slugs_stored_by_an_older_version_never_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path)
    site.write_page("p.txt", page(article("東京の天気", "雨のち晴れ。", section="経済")))
    with monkeypatch.context() as m:  # a ledger the old version wrote
        for module in (identity, sections, importlib.import_module("syndicate.publish_read")):
            m.setattr(module, "slugify", _old_slugify)
        assert publish(site.config(), now=T0).new == 1
    old_page = site.output / "item" / "item.html"
    assert old_page.is_file()
    site.write_page(
        "p.txt",
        page(
            article("東京の天気", "雨のち晴れ。", section="経済"),
            article("大阪の天気", "晴れ。", section="経済"),
        ),
    )
    report = publish(site.config(), now=T0, rebuild=True)
    assert (report.new, report.updated) == (1, 0)  # the old article is not seen as new
    assert old_page.is_file() and "東京の天気" in old_page.read_text("utf-8")
    assert (
        site.output / "item" / "da-ban-no-tian-qi.html"
    ).is_file()  # same section folder as before
