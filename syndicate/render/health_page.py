"""The health page for people (`/health` in serve, `health.html` beside the feeds):
per section the item count, the age of the newest item and when its feeds last changed;
the last publish and what the publish gate said of it; the stale inputs (errors in the
last publish: their feeds keep the last good items) and since when; the outbox per
endpoint (labels redacted). Pure: snapshot in, bytes out."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from ..health import HealthSnapshot

STYLE = (
    "body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.25em .8em;text-align:left;"
    "border-bottom:1px solid #ddd}.bad{color:#b00020;font-weight:600}.ok{color:#1b5e20}"
)


def age(then: datetime | None, now: datetime) -> str:
    """``3 h 5 min``-style age, ``-`` when unknown."""
    if then is None:
        return "-"
    delta = max(now - then, timedelta(0))
    days, rest = divmod(int(delta.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _ago(then: datetime | None, now: datetime) -> str:
    return "-" if then is None else f"{age(then, now)} ago"


def _when(text: str | None) -> str:
    return escape(text) if text else "-"


def _row(*cells: str, bad: bool = False) -> str:
    cls = ' class="bad"' if bad else ""
    return f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def render_health_page(snapshot: HealthSnapshot, *, title: str) -> bytes:
    s = snapshot
    reasons = s.not_ready()
    verdict = (
        '<p class="ok">Ready.</p>'
        if not reasons
        else "<ul>" + "".join(f'<li class="bad">{escape(r)}</li>' for r in reasons) + "</ul>"
    )
    last = s.last_run or {}
    summary = last.get("summary") or {}
    run = (
        f"<p>Last publish: {_when(last.get('finished'))} ({escape(str(last.get('status', 'none')))}), "
        f"{summary.get('new', 0)} new, {summary.get('updated', 0)} updated, "
        f"{summary.get('errors', 0)} input errors, {summary.get('warnings', 0)} warnings. "
        f"Last success: {_when((s.last_success or {}).get('finished'))}.</p>"
    )
    sections = "".join(
        _row(
            escape(sec.name),
            str(sec.items),
            age(sec.newest, s.now),
            _ago(s.feed_changed(sec.slug), s.now),
        )
        for sec in s.sections
    )
    gate_cls = ' class="bad"' if s.gate.refused else ""
    gate = f"<p{gate_cls}>Publish gate: {escape(s.gate.words)}</p>"
    if s.gate.refused or s.gate.warnings:
        lines = s.gate.refused.splitlines()[1:] if s.gate.refused else list(s.gate.warnings)
        gate += "<ul>" + "".join(f"<li>{escape(x.strip())}</li>" for x in lines) + "</ul>"
    stale = (
        "<table><tr><th>input</th><th>publishes with errors</th><th>last read cleanly</th></tr>"
        + "".join(
            _row(
                escape(i.path),
                str(i.runs),
                _when(i.since) if i.since else "not in the last runs",
                bad=True,
            )
            for i in s.stale
        )
        + "</table>"
        if s.stale
        else "<p>None: every input read cleanly in the last publish.</p>"
    )
    endpoints = "".join(
        _row(
            escape(e.endpoint),
            str(e.pending),
            str(e.dead),
            str(e.stuck),
            escape(e.last_error or "") or "-",
            "disabled" if e.disabled else "",
            bad=not e.healthy,
        )
        for e in s.endpoints
    )
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Health: {escape(title)}</title><style>{STYLE}</style></head><body>
<h1>Health: {escape(title)}</h1>
<p>As of {escape(s.now.isoformat(timespec="seconds"))}.</p>
{verdict if s.state_ok else f'<p class="bad">State unreadable: {escape(s.error or "")}</p>'}
{run}
{gate}
<h2>Sections</h2>
<table><tr><th>section</th><th>items</th><th>newest item</th><th>feeds changed</th></tr>{sections}</table>
<h2>Stale inputs</h2>
{stale}
<h2>Notifications</h2>
<table><tr><th>endpoint</th><th>pending</th><th>dead</th><th>overdue</th><th>last error</th><th></th></tr>{endpoints}</table>
</body></html>
"""
    return body.encode()
