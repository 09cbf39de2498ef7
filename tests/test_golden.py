"""The bundled example site against reviewed golden output (tests/data/golden/example/).

Run ``pytest tests/test_golden.py --update-golden`` after an intended change and review
the diff; the example is published at a fixed ``now`` so undated articles get fixed
first-seen dates.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicate.config import load_config
from syndicate.publish import publish

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "data" / "golden" / "example"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def publish_example(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "config" / "example", tmp_path / "config" / "example")
    text = (REPO / "config" / "example.toml").read_text(encoding="utf-8")
    (tmp_path / "config" / "example.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "config" / "example.toml")
    report = publish(config, now=NOW)
    assert report.errors == []
    return tmp_path / "output"


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_example_site_matches_golden_output(tmp_path: Path, update_golden: bool) -> None:
    out = files(publish_example(tmp_path))
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in out.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
        pytest.skip("golden files rewritten: review `git diff tests/data/golden`")
    if not GOLDEN.exists():
        pytest.fail(
            "no golden files yet: run pytest tests/test_golden.py --update-golden and review them"
        )
    expected = files(GOLDEN)
    assert sorted(out) == sorted(expected)
    for rel in expected:
        assert out[rel] == expected[rel], f"{rel} differs from its golden file"


def _labels_by_page_rule() -> Counter[str]:
    """Section label of every article, read with a rule simpler than the parser's: the
    theme prints the label two lines above each 'Published' line."""
    labels: Counter[str] = Counter()
    for path in sorted((REPO / "config" / "example" / "pages").glob("*.txt")):
        lines = [
            line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        labels.update(lines[i - 2] for i, line in enumerate(lines) if line == "Published")
    return labels


def test_example_site_has_the_promised_shape(tmp_path: Path) -> None:
    import feedparser

    out = publish_example(tmp_path)
    labels = _labels_by_page_rule()
    assert sum(labels.values()) == 25 and len(labels) == 4  # counted by hand on the five pages
    slugs = {
        "Business": "business",
        "City Council": "council",
        "Culture": "culture",
        "Environment": "environment",
    }
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(
        slugs[name] for name in labels
    )
    combined = feedparser.parse((out / "feed.xml").read_bytes())
    assert not combined.bozo
    assert len(combined.entries) == sum(labels.values())  # under the item limit of 50: all of them
    assert len({e.id for e in combined.entries}) == len(combined.entries)
    for name, count in labels.items():
        section = feedparser.parse((out / slugs[name] / "feed.xml").read_bytes())
        assert len(section.entries) == count, name
        assert {e.tags[0].term for e in section.entries} == {name}
    html = "".join(e.content[0].value for e in combined.entries)
    assert "<ul>" in html and "<h2>" in html
