#!/usr/bin/env python
"""Benchmark: campaign dashboards under 300 ms (95th percentile) and the national report under 30 s.

    python bench/campaign_scale.py                    # SQLite file bench/out/campaign_scale.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hvs_campaign_bench python bench/campaign_scale.py

With 1,000,000 synthetic learners (``hocvuso gen_synthetic``) across the 34
provinces and 3,321 communes, all in one national campaign, it requests the
dashboard page of every province, 200 communes and 200 organisations drawn
at random (fixed seed), through Django's full request cycle (middleware,
access checks, queries, templates, charts) as a system administrator, and
reports the 50th and 95th percentiles per level and overall. Then it
produces the national summary report (the whole campaign) as .xlsx and as
PDF and times each. Prints

    backend=sqlite learners=1000000 dashboards=434 p50_ms=NN p95_ms=NN PASS
    national_report xlsx_s=N.N pdf_s=N.N PASS

The data set is generated once (a few minutes) and kept: the SQLite file
stays in bench/out/; a PostgreSQL database (whose name must contain "bench")
is dropped and created again only with --regenerate or when it lacks the
synthetic campaign.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HOCVUSO = str(ROOT / ".venv" / "bin" / "hocvuso")
SLUG = "binh-dan-hoc-vu-so-toan-quoc"
MAX_P95_MS = 300.0
MAX_REPORT_S = 30.0


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="hocvuso.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        HOCVUSO_TASKS="immediate",
        HOCVUSO_DATA_DIR=str(OUT),
    )
    env.pop("HOCVUSO_TESTING", None)
    return env


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, env=env, check=True, cwd=ROOT)


def recreate_postgres(url: str, env: dict[str, str]) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: a benchmark database's name must contain 'bench'.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def has_data(env: dict[str, str]) -> bool:
    probe = (
        "from campaigns.models import Campaign;"
        f"import sys; sys.exit(0 if Campaign.objects.filter(slug='{SLUG}', status='open').exists() else 3)"
    )
    try:
        result = subprocess.run([HOCVUSO, "shell", "-c", probe], env=env, cwd=ROOT, capture_output=True)
    except OSError:
        return False
    return result.returncode == 0


def generate(url: str, env: dict[str, str], learners: int) -> None:
    if url.startswith("postgres"):
        recreate_postgres(url, env)
    else:
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.monotonic()
    run([HOCVUSO, "migrate", "--no-input", "-v", "0"], env)
    run([HOCVUSO, "createcachetable"], env)
    run([HOCVUSO, "gen_synthetic", "--learners", str(learners)], env)
    print(f"generated in {time.monotonic() - started:.0f} s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def measure(env: dict[str, str], communes: int, organisations: int) -> bool:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import Role, RoleGrant, User
    from campaigns.models import Campaign, CampaignMember, MemberTally
    from org.models import Unit, UnitKind
    from reports.actions import render_report

    campaign = Campaign.objects.get(slug=SLUG)
    learners = CampaignMember.objects.filter(campaign=campaign).count()
    user, _created = User.objects.get_or_create(username="bench-admin")
    RoleGrant.objects.get_or_create(user=user, role=Role.SYSTEM_ADMIN, unit=None)
    client = Client()
    client.force_login(user)

    rng = random.Random(34)
    provinces = list(campaign.units.order_by("code").values_list("pk", flat=True))
    commune_ids = list(
        Unit.objects.filter(kind__category=UnitKind.Category.COMMUNE, is_active=True, depth=1).values_list(
            "pk", flat=True
        )
    )
    org_ids = list(
        MemberTally.objects.filter(campaign=campaign, unit__kind__category=UnitKind.Category.ORGANISATION)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    sample = [("province", pk) for pk in provinces]
    sample += [("commune", pk) for pk in rng.sample(sorted(commune_ids), min(communes, len(commune_ids)))]
    sample += [("organisation", pk) for pk in rng.sample(sorted(set(org_ids)), min(organisations, len(org_ids)))]
    rng.shuffle(sample)

    url = f"/reports/{SLUG}/?unit="
    for _level, pk in sample[:5]:  # warm up: templates, translations, connection
        client.get(url + str(pk))
    timings: dict[str, list[float]] = {"province": [], "commune": [], "organisation": []}
    for level, pk in sample:
        started = time.perf_counter()
        response = client.get(url + str(pk))
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"dashboard of unit {pk} answered {response.status_code}")
        timings[level].append(elapsed)
    everything = [t for values in timings.values() for t in values]
    for level, values in timings.items():
        print(
            f"  {level:<12} n={len(values):<4} p50_ms={statistics.median(values):6.1f} "
            f"p95_ms={percentile(values, 95):6.1f} max_ms={max(values):6.1f}"
        )
    p95 = percentile(everything, 95)
    dashboards_ok = p95 < MAX_P95_MS
    print(
        f"backend={connection.vendor} learners={learners} dashboards={len(everything)} "
        f"p50_ms={statistics.median(everything):.1f} p95_ms={p95:.1f} {'PASS' if dashboards_ok else 'FAIL'}"
    )

    seconds = {}
    sizes = {}
    for fmt in ("xlsx", "pdf"):
        started = time.perf_counter()
        content, _as_of = render_report(campaign=campaign, unit=None, fmt=fmt)
        seconds[fmt] = time.perf_counter() - started
        sizes[fmt] = len(content)
        (OUT / f"national-report-{connection.vendor}.{fmt}").write_bytes(content)
    report_ok = max(seconds.values()) < MAX_REPORT_S
    print(
        f"national_report xlsx_s={seconds['xlsx']:.1f} ({sizes['xlsx'] / 1e6:.1f} MB) "
        f"pdf_s={seconds['pdf']:.1f} ({sizes['pdf'] / 1e6:.1f} MB) {'PASS' if report_ok else 'FAIL'}"
    )
    return dashboards_ok and report_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--communes", type=int, default=200, help="communes sampled (default 200)")
    parser.add_argument("--organisations", type=int, default=200, help="organisations sampled (default 200)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data set again")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{OUT / 'campaign_scale.sqlite3'}"
    env = environment(url)
    if args.regenerate or not has_data(env):
        generate(url, env, args.learners)
    sys.exit(0 if measure(env, args.communes, args.organisations) else 1)


if __name__ == "__main__":
    main()
