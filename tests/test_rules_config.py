"""Site rule files are compiled when the config loads: a selector that does not compile
(CSS or XPath), in any key, is a config error naming the file, the key and the selector."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate.config import load_config
from syndicate.errors import ConfigError

CONFIG = """\
[site]
title = "T"
base_url = "https://example.org/news/"

[[inputs]]
paths = ["p/*.html"]
format = "html"
rules = "rules/site.toml"
"""


def write(tmp_path: Path, rule: str) -> Path:
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules" / "site.toml").write_text(rule, encoding="utf-8")
    path = tmp_path / "c.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rule", "selector"),
    [
        ('title = "h1["\n', "h1["),  # CSS
        ('title = "h1"\nbody = "div > > p"\n', "div > > p"),  # CSS, a later key
        ('title = "//h1[@class="\n', "//h1[@class="),  # XPath
        ('date = "./time[("\n', "./time[("),  # XPath, relative
        ('drop = ["div.ok", "(//aside"]\n', "(//aside"),  # XPath in the drop list
        (
            '[teaser]\ncontainer = "article"\nsummary = "p:nth-child("\n',
            "p:nth-child(",
        ),  # inside [teaser]
    ],
)
def test_a_selector_that_does_not_compile_fails_the_config_load(
    tmp_path: Path, rule: str, selector: str
) -> None:
    path = write(tmp_path, rule)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(
        f"invalid config: {path}: inputs[0].rules: cannot use rule file 'rules/site.toml'"
    )
    assert f"selector {selector!r} does not compile" in message


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ('title = "h1"\ntitel = "h2"\n', "unknown rule keys: titel"),
        ('[teaser]\ntitle = "h2"\n', "teaser: expected a table with at least 'container'"),
        ("title = 3\n", "title: expected a selector string"),
        ('title = "h1\n', "Illegal character"),  # not TOML
    ],
)
def test_other_rule_mistakes_fail_the_config_load(tmp_path: Path, rule: str, why: str) -> None:
    with pytest.raises(ConfigError, match="inputs\\[0\\]\\.rules") as info:
        load_config(write(tmp_path, rule))
    assert why.lower() in str(info.value).lower()


def test_a_rule_of_css_and_xpath_selectors_loads(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'title = "//article//h1"\nbody = "div.story > p"\ndrop = ["./aside", "div.ad"]\n',
        )
    )
    assert config.inputs[0].options["rule"] == {
        "title": "//article//h1",
        "body": "div.story > p",
        "drop": ["./aside", "div.ad"],
    }
