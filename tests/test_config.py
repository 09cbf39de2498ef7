"""Config loading: every shipped config loads; mistakes name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate.config import load_config
from syndicate.errors import ConfigError
from syndicate.model import FeedFormat

REPO = Path(__file__).resolve().parents[1]

MINIMAL = """
[site]
title = "T"
base_url = "https://example.org/news"

[[inputs]]
paths = ["pages/*.txt"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(REPO.glob("config/*.toml")), ids=lambda p: p.name)
def test_every_shipped_config_loads(path: Path) -> None:
    config = load_config(path)
    assert config.site.base_url.endswith("/")
    assert config.inputs


def test_minimal_config_gets_documented_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.site.base_url == "https://example.org/news/"
    assert config.output.formats == (FeedFormat.RSS, FeedFormat.ATOM, FeedFormat.JSON)
    assert config.output.item_limit == 50
    assert config.output.dir == (tmp_path / "output").resolve()
    assert config.state_path == (tmp_path / "state" / "syndicate.db").resolve()


@pytest.mark.parametrize(
    "extra, key, words",
    [
        ("[output]\nitem_limt = 5\n", "output.item_limt", "unknown key"),
        ("[output]\nitem_limit = 'many'\n", "output.item_limit", "must be int"),
        (
            "[output]\nformats = ['rss', 'rdf']\n",
            "output.formats",
            "must be one of rss, atom, json",
        ),
        ("[[hubs]]\nurl = 'ftp://hub'\n", "hubs[0].url", "absolute http(s) URL"),
        (
            "[[webhooks]]\nurl = 'https://h.example/x'\nsecret = 'abc'\n",
            "webhooks[0].secret",
            "environment variable",
        ),
        ("[schedule]\ncron = '* * *'\n", "schedule.cron", "five fields"),
        ("[schedule]\ninterval = 'soon'\n", "schedule.interval", "not a duration"),
        ("[state]\npath = 3\n", "state.path", "must be str"),
        (
            "[[webhooks]]\nname = 'a'\nurl = 'https://h.example/1'\n[[webhooks]]\nname = 'a'\nurl = 'https://h.example/2'\n",
            "webhooks[1].name",
            "used twice",
        ),
    ],
)
def test_config_error_names_file_and_key(tmp_path: Path, extra: str, key: str, words: str) -> None:
    path = write(tmp_path, MINIMAL + extra)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message and key in message and words in message


def test_bad_input_timezone_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        MINIMAL.replace('paths = ["pages/*.txt"]', 'paths = ["p"]\ntimezone = "Mars/Olympus"'),
    )
    with pytest.raises(ConfigError, match=r"inputs\[0\]\.timezone: unknown time zone"):
        load_config(path)


def test_input_timezone_defaults_to_the_page_zone_and_a_named_zone_is_kept(
    tmp_path: Path,
) -> None:
    assert load_config(write(tmp_path, MINIMAL)).inputs[0].timezone == "page"
    named = MINIMAL.replace('paths = ["pages/*.txt"]', 'paths = ["p"]\ntimezone = "Asia/Tokyo"')
    assert load_config(write(tmp_path, named)).inputs[0].timezone == "Asia/Tokyo"


def test_a_zoneless_captured_at_is_utc_when_the_zone_comes_from_the_page(
    tmp_path: Path,
) -> None:
    text = MINIMAL.replace(
        'paths = ["pages/*.txt"]', 'paths = ["p"]\ncaptured_at = 2026-11-25T08:00:00'
    )
    captured = load_config(write(tmp_path, text)).inputs[0].captured_at
    assert captured is not None and captured.isoformat() == "2026-11-25T08:00:00+00:00"


def test_missing_config_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found.*--config"):
        load_config(tmp_path / "nope.toml")


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[site\n"))


def test_input_rules_file_is_loaded_into_options(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "zox.toml").write_text(
        (REPO / "config" / "rules" / "zox-news.toml").read_text()
    )
    path = write(
        tmp_path,
        MINIMAL.replace(
            'paths = ["pages/*.txt"]', 'paths = ["p/*.html"]\nrules = "rules/zox.toml"'
        ),
    )
    config = load_config(path)
    assert config.inputs[0].options["rule"]["title"] == "h1.mvp-post-title"


def test_missing_rules_file_names_the_key(tmp_path: Path) -> None:
    path = write(
        tmp_path, MINIMAL.replace('paths = ["pages/*.txt"]', 'paths = ["p"]\nrules = "nope.toml"')
    )
    with pytest.raises(ConfigError, match=r"inputs\[0\]\.rules: cannot use rule file"):
        load_config(path)
