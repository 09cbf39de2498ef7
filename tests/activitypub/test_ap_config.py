"""The [activitypub] table: defaults, mistakes reported with file and key, and a site
actor whose name a section already has."""

from __future__ import annotations

from pathlib import Path

import pytest
from publisher_helpers import make_site

from syndicate import publish
from syndicate.config import load_config
from syndicate.errors import ConfigError

MINIMAL = """
[site]
title = "T"
base_url = "https://example.org/news/"

[[inputs]]
paths = ["pages/*.txt"]
"""


def test_activitypub_is_off_unless_enabled(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text(MINIMAL, encoding="utf-8")
    ap = load_config(tmp_path / "c.toml").activitypub
    assert (ap.enabled, ap.site_actor, ap.actor_type, ap.allow_private_addresses) == (
        False,
        "site",
        "Service",
        False,
    )


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('actor_type = "Person"', "activitypub.actor_type"),
        ('site_actor = "The Site"', "activitypub.site_actor"),
        ("key_fetch_max_bytes = 10", "activitypub.key_fetch_max_bytes"),
        ("enabeld = true", "activitypub.enabeld"),
    ],
)
def test_a_mistake_names_the_file_and_the_key(tmp_path: Path, line: str, key: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + f"\n[activitypub]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and key in str(err.value)


def test_a_site_actor_named_like_a_section_is_refused_at_publish(tmp_path: Path) -> None:
    config = make_site(tmp_path, extra='\n[activitypub]\nenabled = true\nsite_actor = "business"\n')
    with pytest.raises(ConfigError, match="activitypub.site_actor"):
        publish(load_config(config), deliver=False)
    assert not (tmp_path / "output" / "ap").exists()
