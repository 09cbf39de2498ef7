"""The gate's pre-generated JSON Feed validators (syndicate/fast_jsonfeed.py)."""

from __future__ import annotations

import importlib

import fastjsonschema
import pytest

from syndicate import fast_jsonfeed
from syndicate.gate import fast_rule

GOOD_ITEM = {"id": "urn:x:1", "content_text": "Body.", "url": "https://example.org/a"}
BAD_ITEMS = [{"content_text": "no id"}, {"id": 7, "content_text": "x"}, {"id": "a"}, "x"]


@pytest.mark.parametrize("which", fast_jsonfeed.WHICH)
def test_the_committed_validators_were_made_from_the_current_schema(which: str) -> None:
    module = importlib.import_module(f"syndicate._jsonfeed_{which}")
    assert module.SCHEMA_SHA256 == fast_jsonfeed.rule_hash(fast_rule(which)), (
        "syndicate/schemas changed: run `python -m syndicate.fast_jsonfeed`"
    )


@pytest.mark.parametrize("which", fast_jsonfeed.WHICH)
def test_a_current_module_is_used_and_one_made_by_another_version_is_not(which: str) -> None:
    module = importlib.import_module(f"syndicate._jsonfeed_{which}")
    got = fast_jsonfeed.load(fast_rule(which), which)
    if module.VERSION == fastjsonschema.VERSION:
        assert got is module.entry
        assert fast_jsonfeed.generate(fast_rule(which)) == fast_jsonfeed.module_path(
            which
        ).read_text("utf-8"), "regenerate: `python -m syndicate.fast_jsonfeed`"
    else:  # made by another fastjsonschema: compiled now, not trusted
        assert got is not module.entry


def test_a_rule_the_module_was_not_made_from_is_compiled_and_judges_by_that_rule() -> None:
    rule = {"$schema": fast_rule("item")["$schema"], "type": "object", "required": ["title"]}
    check = fast_jsonfeed.load(rule, "item")
    assert check is not importlib.import_module("syndicate._jsonfeed_item").entry
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        check(GOOD_ITEM)  # no title: refused by the edited rule
    check({**GOOD_ITEM, "title": "T"})


def test_the_generated_item_validator_passes_a_good_item_and_refuses_bad_ones() -> None:
    check = fast_jsonfeed.load(fast_rule("item"), "item")
    check(GOOD_ITEM)
    refused = 0
    for bad in BAD_ITEMS:
        with pytest.raises(fastjsonschema.JsonSchemaValueException):
            check(bad)
        refused += 1
    assert refused == len(BAD_ITEMS)
