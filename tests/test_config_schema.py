"""The shipped JSON Schema of the config agrees with the loader: on every config in
config/, on configs that use each accepted form, and on a table of bad configs."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from syndicate.config import load_config
from syndicate.config_schema import config_schema
from syndicate.errors import ConfigError, ConfigErrors

REPO = Path(__file__).resolve().parents[1]
ENV = {"HOOK_SECRET": "whsec_c2NoZW1hLXRlc3Q="}

MINIMAL = """
[site]
title = "T"
base_url = "https://example.org/news"

[[inputs]]
paths = ["pages/*.txt"]
"""


def shipped() -> dict[str, Any]:
    text = (
        resources.files("syndicate")
        .joinpath("schemas/config.schema.json")
        .read_text(encoding="utf-8")
    )
    return dict(json.loads(text))


def as_json(value: Any) -> Any:
    """TOML values as a TOML-aware editor hands them to the schema (datetimes as strings)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def schema_errors(text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(shipped())
    return sorted(
        ".".join(str(p) for p in e.absolute_path) or e.message
        for e in validator.iter_errors(as_json(tomllib.loads(text)))
    )


def loader_keys(path: Path) -> list[str]:
    try:
        load_config(path, environ=ENV)
    except ConfigErrors as err:
        return sorted(e.key or "" for e in err.errors)
    except ConfigError as err:
        return [err.key or ""]
    return []


def test_the_shipped_schema_is_the_one_generated_from_the_known_keys() -> None:
    assert shipped() == config_schema()
    jsonschema.Draft202012Validator.check_schema(shipped())


@pytest.mark.parametrize("path", sorted(REPO.glob("config/*.toml")), ids=lambda p: p.name)
def test_every_shipped_config_is_valid_for_both(path: Path) -> None:
    assert schema_errors(path.read_text(encoding="utf-8")) == []
    assert loader_keys(path) == []


GOOD = [
    '[site]\ntitle = "T"\nbase_url = "https://e.org/"\nauthor = "Desk"\n[[inputs]]\npaths = "p/*.txt"\n',
    MINIMAL + '[output]\nformats = "atom"\nmax_input_bytes = 1_000_000\n[delivery]\ninterval = 45\n'
    'retry_schedule = [0, "5s", "1h"]\n',
    MINIMAL.replace(
        'paths = ["pages/*.txt"]',
        'paths = ["p"]\ncaptured_at = 2026-11-27T09:00:00Z\n'
        '[inputs.schedule]\ncron = "*/5 * * * *"\n[inputs.options]\nanything = 1',
    ),
    MINIMAL + '[[webhooks]]\nname = "a"\nurl = "https://h.example/1"\nsecret_env = "HOOK_SECRET"\n'
    '[[hubs]]\nurl = "https://hub.example/"\nparam = "hub.topic"\n[serve]\nport = 0\n',
]


@pytest.mark.parametrize("text", GOOD)
def test_accepted_forms_are_valid_for_both(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    assert schema_errors(text) == []
    assert loader_keys(path) == []


BAD = [  # (extra TOML, the dotted key both must name)
    ("[output]\nformt = 'rss'\n", "output.formt"),
    ("[output]\nitem_limit = 'many'\n", "output.item_limit"),
    ("[output]\nitem_limit = 0\n", "output.item_limit"),
    ("[output]\nformats = ['rss', 'rdf']\n", "output.formats"),
    ("[output]\nmax_input_bytes = 9_000_000_000_000\n", "output.max_input_bytes"),
    ("[output]\narticle_pages = 'yes'\n", "output.article_pages"),
    ("[serve]\nport = 70000\n", "serve.port"),
    ("[delivery]\nconcurrency = 0\n", "delivery.concurrency"),
    ("[[hubs]]\nurl = 'https://hub.example/'\nparam = 'hub.link'\n", "hubs[0].param"),
    ("[[hubs]]\nparam = 'hub.url'\n", "hubs[0].url"),
    ("[[webhooks]]\nurl = 'https://h.example/x'\nsecret = 'abc'\n", "webhooks[0].secret"),
    ("[[sections]]\nslug = 'x'\n", "sections[0].name"),
    ("[sevre]\nport = 1\n", "sevre"),
    ("[state]\npath = 3\n", "state.path"),
]


def _schema_key(text: str) -> list[str]:
    """The schema's error locations as the loader's dotted keys ("hubs.0.url" -> "hubs[0].url")."""
    out = []
    validator = jsonschema.Draft202012Validator(shipped())
    for e in validator.iter_errors(as_json(tomllib.loads(text))):
        parts = list(e.absolute_path)
        if e.validator in ("additionalProperties", "required"):  # the key is in the message
            name = e.message.split("'")[1]
            parts.append(name)
        key = ""
        for p in parts:
            key += f"[{p}]" if isinstance(p, int) else (f".{p}" if key else str(p))
        out.append(key)
    return sorted(out)


@pytest.mark.parametrize("extra, key", BAD, ids=[k for _, k in BAD])
def test_bad_configs_are_refused_by_both_naming_the_same_key(
    tmp_path: Path, extra: str, key: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + extra, encoding="utf-8")
    assert _schema_key(MINIMAL + extra) == [key]
    assert loader_keys(path) == [key]
