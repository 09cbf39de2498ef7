"""``[[pings]]`` (and the other push tables) read from TOML, then used by a real publish
against a loopback XML-RPC service."""

from __future__ import annotations

import xmlrpc.client
from datetime import UTC, datetime
from pathlib import Path

import pytest
from push_helpers import Hit, Receiver

from syndicate.config import PingConfig, load_config
from syndicate.errors import ConfigError
from syndicate.publish import publish

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SITE = """\
[site]
title = "Ping Courier"
base_url = "https://ping.example.org/"

[[inputs]]
paths = ["pages/*.txt"]
format = "scraped"

[output]
dir = "out"

[state]
path = "state/s.db"

[delivery]
connect_timeout = 1
read_timeout = 1
"""
PAGE = "Harbour\n\nPing test article\n\nPublished\n\non\n\nNovember 20, 2026\n\nA body paragraph for the ping.\n"


def write(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "pages").mkdir(exist_ok=True)
    (tmp_path / "pages" / "p.txt").write_text(PAGE, encoding="utf-8")
    path = tmp_path / "site.toml"
    path.write_text(SITE + extra, encoding="utf-8")
    return path


def xmlrpc_ok(hit: Hit) -> tuple[int, dict[str, str], bytes]:
    body = xmlrpc.client.dumps(
        ({"flerror": False, "message": "Thanks for the ping."},), methodresponse=True
    )
    return 200, {"Content-Type": "text/xml"}, body.encode()


def test_pings_are_read_from_toml_in_order_with_default_names(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            '[[pings]]\nname = "pingomatic"\nurl = "https://rpc.example.net/"\n\n'
            '[[pings]]\nurl = "http://127.0.0.1:9/RPC2"\n',
        )
    )
    assert config.pings == (
        PingConfig(url="https://rpc.example.net/", name="pingomatic"),
        PingConfig(url="http://127.0.0.1:9/RPC2", name="ping-2"),
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[pings]]\nname = "p"\n', r"pings\[0\]\.url"),
        ('[[pings]]\nurl = "https://a.example/"\nnmae = "p"\n', r"pings\[0\]\.nmae: unknown key"),
        (
            '[[pings]]\nname = "p"\nurl = "https://a.example/"\n\n[[pings]]\nname = "p"\nurl = "https://b.example/"\n',
            r"pings\[1\]\.name: ping name 'p' is used twice",
        ),
        ('[[pings]]\nurl = "ftp://a.example/"\n', r"pings\[0\]\.url"),
    ],
)
def test_a_bad_ping_table_names_the_file_and_dotted_key(
    tmp_path: Path, extra: str, message: str
) -> None:
    path = write(tmp_path, extra)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(info.value).startswith(f"invalid config: {path}: pings[")


def test_a_ping_from_toml_reaches_the_service_on_publish(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.script("/RPC2", xmlrpc_ok)
    config = load_config(
        write(tmp_path, f'[[pings]]\nname = "local"\nurl = "{receiver.url("/RPC2")}"\n')
    )
    report = publish(config, now=NOW)
    assert report.errors == [] and report.new == 1
    [hit] = receiver.for_path("/RPC2")
    params, method = xmlrpc.client.loads(hit.body)
    assert method == "weblogUpdates.extendedPing"
    assert params == (
        "Ping Courier",
        "https://ping.example.org/",
        "https://ping.example.org/",
        "https://ping.example.org/feed.xml",
    )
    # a second publish with nothing new pings nobody
    publish(config, now=NOW)
    assert len(receiver.for_path("/RPC2")) == 1
