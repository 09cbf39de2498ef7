"""The [activitypub] table: defaults, mistakes reported with file and key, and a site
actor whose name a section already has: refused when the config loads, by every
command (exit 2, the file, the key and both actors named), and at publish time for a
section only the inputs name."""

from __future__ import annotations

import os
import subprocess
import sys
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


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SYNDICATE_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


SITE_NAMED_LIKE_A_SECTION = """
[[sections]]
name = "Business"

[[sections]]
name = "Weather Desk"
slug = "site"

[activitypub]
enabled = true
"""


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("publish",),
        ("serve", "--port", "0"),
        ("daemon",),
        ("worker",),
        ("deliver",),
        ("items",),
        ("status",),
        ("withdraw", "business/anything"),
        ("replay",),
    ],
)
def test_a_section_with_the_site_actors_name_is_refused_when_the_config_loads(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = make_site(tmp_path, extra=SITE_NAMED_LIKE_A_SECTION)
    result = _cli(command[0], "--config", str(config), *command[1:], cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert str(config) in line and ": activitypub.site_actor: " in line
    assert "the site actor (activitypub.site_actor = 'site')" in line
    assert "section 'Weather Desk' (sections[1], slug 'site')" in line
    assert "set activitypub.site_actor to another name" in line
    assert not (tmp_path / "output").exists() and not (tmp_path / "state").exists()


def test_a_renamed_site_actor_clears_the_collision(tmp_path: Path) -> None:
    config = make_site(tmp_path, extra=SITE_NAMED_LIKE_A_SECTION + 'site_actor = "all"\n')
    result = _cli("check", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_two_sections_with_one_slug_are_refused_whatever_its_case(tmp_path: Path) -> None:
    extra = """
[[sections]]
name = "Business"
slug = "money"

[[sections]]
name = "Markets"
slug = "money"

[activitypub]
enabled = true
"""
    config = make_site(tmp_path, extra=extra)
    result = _cli("check", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert str(config) in line and ": sections[1].slug: " in line
    assert "section 'Markets' (sections[1], slug 'money')" in line
    assert "section 'Business' (sections[0], slug 'money')" in line


def test_a_derived_slug_is_checked_like_a_given_one(tmp_path: Path) -> None:
    config = make_site(
        tmp_path,
        extra='\n[[sections]]\nname = "SITE"\n\n[activitypub]\nenabled = true\n',
    )
    with pytest.raises(ConfigError, match=r"activitypub\.site_actor: .*section 'SITE'"):
        load_config(config)


def test_without_activitypub_section_slugs_are_not_usernames(tmp_path: Path) -> None:
    config = make_site(tmp_path, extra='\n[[sections]]\nname = "Site"\n')
    assert load_config(config).sections[0].name == "Site"
