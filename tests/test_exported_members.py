"""The public surface: what `import syndicate` promises, and nothing missing from it."""

from __future__ import annotations

import syndicate


def test_every_exported_name_exists() -> None:
    for name in syndicate.__all__:
        assert hasattr(syndicate, name), name


def test_public_names_are_the_documented_few() -> None:
    public = {n for n in dir(syndicate) if not n.startswith("_")} - {"annotations"}   # the __future__ import
    submodules = {"cli", "codec", "config", "dates", "errors", "identity", "inputs", "log", "model", "plan",
                  "render", "sanitize", "sections", "sources", "state", "text", "writer", "push",
                  "daemon", "serve", "faults", "recover", "recover_read"}
    assert public - submodules == set(syndicate.__all__) - {"__version__"}
    assert callable(syndicate.publish)   # the function, not the module of the same name


def test_every_error_is_a_syndicate_error() -> None:
    for name in ("ConfigError", "SourceError", "RenderError", "OutputError", "StateError", "BusyError",
                 "PushError"):
        assert issubclass(getattr(syndicate, name), syndicate.SyndicateError)
    assert issubclass(syndicate.ConfigError, ValueError)
