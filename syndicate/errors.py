"""The exception tree of syndicate.

Every error a user can act on derives from :class:`SyndicateError`; the CLI turns it
into one line on stderr and an exit code. Anything else is a bug and keeps its
traceback.

::

    SyndicateError
    ├── ConfigError (+ ValueError)     config file or key is wrong
    │   └── ConfigErrors               several of them, all found in one pass
    ├── RenderError                    a feed cannot be rendered (or fails the publish gate)
    ├── ChurnError                     the churn guard refused a run (exit 3)
    ├── OutputError (+ OSError)        output/ cannot be written
    ├── StateError                     the SQLite state store is unusable
    │   └── BusyError                  another writer holds the state lock
    ├── PushError                      an endpoint refused or failed a notification
    └── SignatureError (+ ValueError)  an inbox request is unsigned or badly signed (401)

Messages read "what: where: why", and name the fix when it is known. An input that
cannot be read is not an exception: it is a :class:`~syndicate.model.Problem` naming the
file and line, and the rest of the run goes on (so there is no ``SourceError``).
"""

from __future__ import annotations


class SyndicateError(Exception):
    """Root of every error syndicate raises on purpose."""


class ConfigError(SyndicateError, ValueError):
    """The configuration is invalid: ``file: key: why``."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        where = ": ".join(p for p in (path, key) if p)
        super().__init__(
            f"invalid config: {where}: {message}" if where else f"invalid config: {message}"
        )
        self.path = path
        self.key = key


class ConfigErrors(ConfigError):
    """Several config mistakes, found in one pass: one ``file: key: why`` line each."""

    def __init__(self, errors: list[ConfigError]):
        self.errors = tuple(errors)
        lines = "\n".join(f"  {str(e).removeprefix('invalid config: ')}" for e in errors)
        ValueError.__init__(self, f"invalid config: {len(errors)} errors:\n{lines}")
        self.path = errors[0].path if errors else None
        self.key = None


class RenderError(SyndicateError):
    """A feed or page cannot be rendered."""


class ChurnError(SyndicateError):
    """A run would re-identify or drop too many of a feed's items (syndicate/churn.py)."""


class OutputError(SyndicateError, OSError):
    """The output folder cannot be written."""


class StateError(SyndicateError):
    """The state store is missing, corrupt or from a newer syndicate."""


class BusyError(StateError):
    """Another syndicate process holds the lock on this state store."""


class PushError(SyndicateError):
    """A push target failed: carries the (redacted) target and the HTTP status."""

    def __init__(
        self,
        message: str,
        *,
        target: str,
        status: int | None = None,
        retry_after: float | None = None,
        permanent: bool = False,
        reached: bool = True,
    ):
        super().__init__(f"push failed: {target}: {message}")
        self.target = target
        self.status = status
        self.retry_after = retry_after
        self.permanent = permanent
        self.reached = reached  # False: the request surely never reached the endpoint


class SignatureError(SyndicateError, ValueError):
    """An ActivityPub request whose HTTP Signature cannot be trusted: answered 401, and it
    changes nothing. ``why`` is the short reason logged."""

    def __init__(self, why: str, *, key_id: str = ""):
        where = f": {key_id}" if key_id else ""
        super().__init__(f"signature rejected{where}: {why}")
        self.why = why
        self.key_id = key_id
