"""Section labels become folder names under output/: configured slugs win, derived ones
are capped at 60 characters (cut at a word when there is one), and feeds live there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sitefactory import article, make_site, page

from syndicate.publish import publish

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_long_section_labels_give_capped_folder_names(tmp_path: Path) -> None:
    site = make_site(
        tmp_path, extra='\n[[sections]]\nname = "Harbour Office Notices"\nslug = "notices"\n'
    )
    word = "Lighthouse" * 7  # one 70-letter word: cut at 60
    words = " ".join(["Harbour"] * 12)  # words: cut at the last whole word
    site.write_page(
        "p.txt",
        page(
            article("Beam replaced", "The beam was replaced.", section=word),
            article("Berths cleared", "The berths were cleared.", section=words),
            article("Dues raised", "Harbour dues go up.", section="Harbour Office Notices"),
        ),
    )
    report = publish(site.config(), now=T0)
    assert report.errors == [] and report.new == 3
    folders = sorted(p.name for p in site.output.iterdir() if p.is_dir())
    assert folders == sorted(["lighthouse" * 6, "-".join(["harbour"] * 7), "notices"])
    for folder in folders:
        assert (site.output / folder / "feed.xml").is_file()
