"""The JSON Schema of the config file, generated from the table of known keys.

``python -m syndicate.config_schema > syndicate/schemas/config.schema.json`` rewrites
the shipped file (a test checks that it is current). Editors that read JSON Schema for
TOML (taplo, Even Better TOML) complete and check a config with it: put
``#:schema ./config.schema.json`` (or the file's URL) on the config's first line.
What a schema cannot say (time zone names, crontab syntax, URLs' schemes, unset
secret variables) only the loader checks.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .config_keys import KEYS, Key

SCHEMA_ID = "https://syndicate.invalid/schemas/config.schema.json"
_JSON_TYPES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
    datetime: "string",
}


def _types(kind: type | tuple[type, ...]) -> list[str]:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    out: list[str] = []
    for k in kinds:
        name = _JSON_TYPES[k]
        if name not in out:
            out.append(name)
    if "number" in out and "integer" in out:
        out.remove("integer")
    return out


def _value_schema(k: Key, kind: type | tuple[type, ...]) -> dict[str, Any]:
    types = _types(kind)
    schema: dict[str, Any] = {"type": types[0] if len(types) == 1 else types}
    if k.choices and "string" in types:
        schema["enum"] = list(k.choices)
    if k.minimum is not None:
        schema["minimum"] = k.minimum
    if k.maximum is not None:
        schema["maximum"] = k.maximum
    return schema


def _key_schema(spec: str, name: str, k: Key) -> dict[str, Any]:
    child = f"{spec}.{name}".lstrip(".")
    if child in KEYS:
        table = table_schema(child)
        if k.kind is list:
            schema: dict[str, Any] = {"type": "array", "items": table}
        elif isinstance(k.kind, tuple):  # e.g. author: a name or a table
            others = [t for t in k.kind if t is not dict]
            schema = {"anyOf": [_value_schema(k, tuple(others)), table]}
        else:
            schema = table
    else:
        scalar = tuple(
            t for t in (k.kind if isinstance(k.kind, tuple) else (k.kind,)) if t is not list
        )
        item_kind = k.items if k.items is not None else None
        if k.kind is list or (isinstance(k.kind, tuple) and list in k.kind):
            items = _value_schema(k, item_kind) if item_kind is not None else {}
            array = {"type": "array", "items": items}
            schema = array if not scalar else {"anyOf": [_value_schema(k, scalar), array]}
        else:
            schema = _value_schema(k, k.kind)
    if k.doc:
        schema["description"] = k.doc
    if k.default is not None and not isinstance(k.default, dict):
        schema["default"] = k.default
    return schema


def table_schema(spec: str) -> dict[str, Any]:
    keys = KEYS[spec]
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _key_schema(spec, name, k) for name, k in keys.items()},
    }
    required = [name for name, k in keys.items() if k.required]
    if required:
        schema["required"] = required
    if spec == "inputs":  # source-specific options are free-form
        schema["properties"]["options"] = {
            "type": "object",
            "description": "source-specific options",
        }
    return schema


def config_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "syndicate configuration (syndicate.toml)",
        **table_schema(""),
    }


def main() -> None:
    print(json.dumps(config_schema(), indent=2, sort_keys=False))


if __name__ == "__main__":
    main()
