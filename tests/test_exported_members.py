"""The public surface: what `import syndicate` promises, and nothing missing from it."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import pytest

import syndicate
import syndicate.errors


def test_every_exported_name_exists() -> None:
    for name in syndicate.__all__:
        assert hasattr(syndicate, name), name


def test_public_names_are_the_documented_few() -> None:
    public = {n for n in dir(syndicate) if not n.startswith("_")} - {
        "annotations"
    }  # the __future__ import
    # submodules appear as attributes once imported (by tests or by each other): they are
    # not names the package exports, whatever modules the package grows
    submodules = {m.name for m in pkgutil.iter_modules(syndicate.__path__)} - set(syndicate.__all__)
    assert public - submodules == set(syndicate.__all__) - {"__version__"}
    assert callable(syndicate.publish)  # the function, not the module of the same name


def test_every_error_is_a_syndicate_error() -> None:
    for name in (
        "ConfigError",
        "RenderError",
        "OutputError",
        "StateError",
        "BusyError",
        "PushError",
    ):
        assert issubclass(getattr(syndicate, name), syndicate.SyndicateError)
    assert issubclass(syndicate.ConfigError, ValueError)


ERROR_CLASSES = sorted(
    n
    for n, v in vars(syndicate.errors).items()
    if isinstance(v, type)
    and issubclass(v, syndicate.SyndicateError)
    and v is not syndicate.SyndicateError
)


@pytest.mark.parametrize("name", ERROR_CLASSES)  # RenderError: raised by the publish gate
def test_every_error_class_is_raised_somewhere(name: str) -> None:
    """An error class nobody raises is a promise the code does not keep (issue 14:
    SourceError was documented for unreadable inputs, which are Problems instead)."""
    package = Path(syndicate.__file__).parent
    pattern = re.compile(rf"raise {name}\(|\b{name}\(|except {name}\b")
    sources = [
        p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "errors.py"
    ]
    subclasses = [c.__name__ for c in getattr(syndicate.errors, name).__subclasses__()]
    assert any(pattern.search(text) for text in sources) or subclasses
