"""ONE list of schema migrations for every StateStore backend, and the schema version.

The steps are written in SQLite's dialect; :func:`for_postgres` rewrites the few types
that differ (64-bit integers, serial ids, byte-order text so that ``ORDER BY`` and key
ranges sort as on SQLite), so both backends always have the same tables.
"""

from __future__ import annotations

import re

# Each step upgrades from version i to i+1. Never edit a released step: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        key          TEXT PRIMARY KEY,
        guid         TEXT NOT NULL UNIQUE,
        section_slug TEXT NOT NULL,
        slug         TEXT NOT NULL,
        first_seen   TEXT NOT NULL,
        published    TEXT NOT NULL,
        updated      TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        withdrawn    INTEGER NOT NULL DEFAULT 0,
        data         TEXT NOT NULL,
        UNIQUE (section_slug, slug)
    );
    CREATE INDEX articles_by_section_date ON articles (section_slug, withdrawn, published DESC, seq);
    CREATE INDEX articles_by_date ON articles (withdrawn, published DESC, seq);
    CREATE TABLE sections (
        slug  TEXT PRIMARY KEY,
        name  TEXT NOT NULL
    );
    CREATE TABLE inputs (
        path     TEXT PRIMARY KEY,
        size     INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        sha256   TEXT NOT NULL
    );
    CREATE TABLE feeds (
        path     TEXT PRIMARY KEY,     -- relative to output/
        url      TEXT NOT NULL,
        sha256   TEXT NOT NULL,
        written  TEXT NOT NULL
    );
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE runs (
        id        INTEGER PRIMARY KEY,
        kind      TEXT NOT NULL,
        started   TEXT NOT NULL,
        finished  TEXT,
        status    TEXT,
        summary   TEXT
    );
    CREATE TABLE notices (
        id           INTEGER PRIMARY KEY,
        msg_id       TEXT NOT NULL UNIQUE,   -- stable across retries (webhook-id)
        endpoint     TEXT NOT NULL,          -- 'hub:<url>' | 'webhook:<name>' | 'ping:<name>'
        kind         TEXT NOT NULL,          -- 'websub' | 'webhook' | 'ping'
        topic        TEXT NOT NULL,          -- what supersedes what: feed URL, or '' for one per run
        payload      TEXT NOT NULL,          -- JSON
        created      TEXT NOT NULL,
        status       TEXT NOT NULL,          -- 'pending' | 'delivered' | 'dead' | 'superseded'
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        last_error   TEXT,
        last_status  INTEGER,
        done_at      TEXT
    );
    CREATE INDEX notices_due ON notices (status, next_attempt);
    CREATE INDEX notices_by_endpoint ON notices (endpoint, status);
    CREATE TABLE endpoints (
        endpoint  TEXT PRIMARY KEY,
        disabled  INTEGER NOT NULL DEFAULT 0,
        reason    TEXT
    );
    """,
    # 2: per-endpoint delivery health for `syndicate status` (issue 3)
    """
    ALTER TABLE endpoints ADD COLUMN last_attempt TEXT;
    ALTER TABLE endpoints ADD COLUMN last_success TEXT;
    ALTER TABLE endpoints ADD COLUMN last_error TEXT;
    ALTER TABLE endpoints ADD COLUMN last_status INTEGER;
    CREATE INDEX notices_by_topic ON notices (endpoint, topic, status);
    """,
    # 3: every article's section + title key, so that a text-page capture and the HTML
    # page of the same article (keyed by URL) find each other (identity.py)
    """
    ALTER TABLE articles ADD COLUMN alias TEXT;
    CREATE INDEX articles_by_alias ON articles (alias);
    """,
    # 4: what must be announced, recorded in the transaction of the ledger change that
    # makes an item new, updated or withdrawn (issue 8); the outbox turns these rows into
    # webhook messages and deletes them in the transaction that queues the messages.
    # And the size and mtime of every feed-level file written, so that a file deleted or
    # emptied by hand is noticed and rewritten by the next run. And which notices may
    # already have been sent (never merged into a message with a new webhook-id).
    """
    CREATE TABLE announcements (
        id       INTEGER PRIMARY KEY,   -- announcement order
        guid     TEXT NOT NULL,
        kind     TEXT NOT NULL,         -- 'new' | 'updated' | 'withdrawn'
        item     TEXT NOT NULL,         -- JSON: the item as a webhook carries it
        created  TEXT NOT NULL
    );
    CREATE TABLE files (
        path     TEXT PRIMARY KEY,      -- relative to output/
        size     INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL
    );
    -- 1 while a notice is handed to a target and its outcome not yet recorded
    ALTER TABLE notices ADD COLUMN offered INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: delivery by any number of workers (issue 10): a worker claims an endpoint's due
    # notices with a lease (who, until when); a worker that dies leaves them to be claimed
    # again when the lease ends. The index serves "the oldest pending notice per endpoint".
    """
    ALTER TABLE notices ADD COLUMN claimed_by TEXT;
    ALTER TABLE notices ADD COLUMN lease_until TEXT;
    CREATE INDEX notices_queue ON notices (status, endpoint, id);
    """,
    # 6: ActivityPub (issue 13): the site's one RSA key pair (the private half never
    # leaves the state) and who follows which actor, with the inbox to deliver to.
    """
    CREATE TABLE ap_keys (
        name         TEXT PRIMARY KEY,   -- 'site': one key pair for every actor of the site
        private_pem  TEXT NOT NULL,
        public_pem   TEXT NOT NULL,
        created      TEXT NOT NULL
    );
    CREATE TABLE ap_followers (
        actor        TEXT NOT NULL,      -- our actor's name (a section slug, or the site's)
        follower     TEXT NOT NULL,      -- the follower's actor id
        inbox        TEXT NOT NULL,      -- where to deliver: its shared inbox, else its own
        follow_id    TEXT NOT NULL,      -- the Follow activity's id (for Undo)
        created      TEXT NOT NULL,
        PRIMARY KEY (actor, follower)
    );
    CREATE INDEX ap_followers_by_follower ON ap_followers (follower);
    """,
    # 7: archive pages in proportion to the change (issue 12): a feed's slots in ledger
    # order, read a page at a time (state/sql_slots.py) without sorting the whole ledger;
    # covering, so counting and skipping slots never touches the article rows.
    """
    CREATE INDEX articles_by_seq ON articles (seq, key, withdrawn);
    CREATE INDEX articles_by_section_seq ON articles (section_slug, seq, key, withdrawn);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def for_postgres(step: str) -> str:
    """One migration step in PostgreSQL's dialect."""
    step = step.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")
    step = re.sub(r"\bINTEGER\b", "BIGINT", step)
    return re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', step)


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "for_postgres"]
