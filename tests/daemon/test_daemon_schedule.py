"""The daemon's jobs as derived from a config (no process needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from publisher_helpers import make_site

from syndicate.config import Schedule, load_config
from syndicate.daemon import job_specs, misfire_grace, period
from syndicate.errors import ConfigError


def test_cron_period_is_the_gap_between_fire_times() -> None:
    at = datetime(2026, 11, 27, 9, 7, tzinfo=UTC)
    assert period(Schedule(cron="*/15 * * * *"), at) == 900
    assert period(Schedule(cron="0 6 * * *"), at) == 86400
    assert period(Schedule(interval=90.0)) == 90
    assert misfire_grace(900) == 450 and misfire_grace(1) == 1


def test_group_schedules_and_drain_become_jobs(tmp_path: Path) -> None:
    path = make_site(tmp_path, hubs=["http://127.0.0.1:9/"], delivery_interval="20s")
    text = path.read_text().replace(
        'format = "scraped"\n', 'format = "scraped"\nschedule = { cron = "*/5 * * * *" }\n', 1
    )
    path.write_text(text)
    specs = {s.id: s for s in job_specs(load_config(path))}
    assert set(specs) == {"publish", "publish:pages", "drain"}
    assert specs["publish"].period == 1 and specs["publish:pages"].period == 300
    assert specs["drain"].kind == "drain" and specs["drain"].period == 20


def test_no_schedule_is_a_config_error(tmp_path: Path) -> None:
    path = make_site(tmp_path)
    path.write_text(path.read_text().replace('[schedule]\ninterval = "1s"\n', ""))
    with pytest.raises(ConfigError, match="the daemon needs a schedule"):
        job_specs(load_config(path))
