"""Config mistakes: all of them in one pass, each with file and dotted key, the nearest
known key suggested; unset webhook secrets, absurd sizes and deep nesting are errors too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from syndicate.config import load_config
from syndicate.errors import ConfigError, ConfigErrors

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


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
        env=env,
    )


def test_every_mistake_is_reported_in_one_pass(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        MINIMAL.replace('paths = ["pages/*.txt"]', 'paths = ["p"]\nformt = "html"')
        + "[output]\nitem_limit = 'many'\n[serve]\nport = 99999\n[[hubs]]\nurl = 'ftp://hub'\n",
    )
    with pytest.raises(ConfigErrors) as info:
        load_config(path)
    keys = [e.key for e in info.value.errors]
    assert keys == ["inputs[0].formt", "output.item_limit", "hubs[0].url", "serve.port"]
    message = str(info.value)
    assert "4 errors" in message
    assert message.count(str(path)) == 4


@pytest.mark.parametrize(
    "extra, key, nearest",
    [
        ('[[inputs]]\npaths = ["x"]\nformt = "html"\n', "inputs[1].formt", "format"),
        ("[output]\nitem_limt = 5\n", "output.item_limt", "item_limit"),
        ("[sevre]\nport = 1\n", "sevre", "serve"),
        (
            '[[webhooks]]\nurl = "https://h.example/x"\nsecret_evn = "X"\n',
            "webhooks[0].secret_evn",
            "secret_env",
        ),
    ],
)
def test_unknown_key_suggests_the_nearest_known_one(
    tmp_path: Path, extra: str, key: str, nearest: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, MINIMAL + extra))
    assert f'{key}: unknown key (did you mean "{nearest}"?)' in str(info.value)


def test_an_unknown_key_far_from_every_known_one_gets_no_guess(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, MINIMAL + "[output]\nzzzzzz = 1\n"))
    assert "output.zzzzzz: unknown key" in str(info.value) and "did you mean" not in str(info.value)


def test_a_bad_choice_suggests_the_nearest_allowed_value(tmp_path: Path) -> None:
    path = write(
        tmp_path, MINIMAL.replace('paths = ["pages/*.txt"]', 'paths = ["p"]\nformat = "markdwn"')
    )
    with pytest.raises(
        ConfigError, match=r'inputs\[0\]\.format: must be one of .*did you mean "markdown"'
    ):
        load_config(path)


WEBHOOK = '[[webhooks]]\nname = "shop"\nurl = "https://h.example/x"\nsecret_env = "SYNDICATE_TEST_UNSET_SECRET"\n'


def test_webhook_secret_variable_unset_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + WEBHOOK)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert info.value.key == "webhooks[0].secret_env"
    assert "SYNDICATE_TEST_UNSET_SECRET" in str(info.value) and "not set" in str(info.value)
    assert (
        load_config(path, environ={"SYNDICATE_TEST_UNSET_SECRET": "whsec_abc"}).webhooks[0].name
        == "shop"
    )


@pytest.mark.parametrize("command", ["check", "publish"])
def test_check_and_publish_exit_2_when_a_webhook_secret_is_unset(
    tmp_path: Path, command: str
) -> None:
    path = write(tmp_path, MINIMAL + WEBHOOK)
    env = {k: v for k, v in __import__("os").environ.items() if k != "SYNDICATE_TEST_UNSET_SECRET"}
    env["PYTHONPATH"] = str(REPO)
    result = run_cli(command, "--config", str(path), env=env)
    assert result.returncode == 2, result.stderr
    assert (
        "webhooks[0].secret_env" in result.stderr and "SYNDICATE_TEST_UNSET_SECRET" in result.stderr
    )
    assert not (tmp_path / "output").exists() and not (tmp_path / "state").exists()


def test_a_huge_max_input_bytes_is_refused_with_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "[output]\nmax_input_bytes = 9_000_000_000_000_000_000\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and "output.max_input_bytes: must be at most" in str(
        info.value
    )


def test_a_value_nested_5000_deep_is_exit_2_with_file_and_key_and_no_traceback(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, MINIMAL + "[output]\nformats = " + "[" * 5000 + "]" * 5000 + "\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(REPO)}
    result = run_cli("check", "--config", str(path), env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and "formats: a value is nested too deeply" in result.stderr
