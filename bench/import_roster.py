#!/usr/bin/env python
"""Benchmark: import a 100,000-row roster in under 60 s and 1 GB.

    python bench/import_roster.py                 # fresh SQLite file in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hvs_bench python bench/import_roster.py

Builds a realistic .xlsx (Vietnamese names, CCCDs consistent with birth date
and gender, phones, groups, a unit column naming organisations of one
commune) into bench/out/ (kept between runs), sets up a fresh database
(migrations plus a province, a commune and its organisations), then runs
``hocvuso import_roster`` in a child process and measures its wall time and
peak resident memory (``wait4`` rusage of that process alone). A second run
re-imports the same file, which must change nothing. Prints

    rows=100000 seconds=NN.N peak_rss_mb=NNN PASS

A PostgreSQL database is dropped and created again, so its name must contain
"bench".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MAX_SECONDS = 60.0
MAX_RSS_MB = 1024.0

PROVINCE = ("01", "Thành phố Hà Nội")
COMMUNE = ("09784", "Xã Ô Diên")
# (code, kind slug, name) of the commune's organisations; the roster's unit
# column names them, with the spelling variations clerks use.
ORGS = [
    ("ODIEN-UBND", "ubnd", "Ủy ban nhân dân xã Ô Diên"),
    ("ODIEN-MN", "truong-mam-non", "Trường Mầm non Ô Diên"),
    ("ODIEN-TH-A", "truong-tieu-hoc", "Trường Tiểu học Ô Diên A"),
    ("ODIEN-TH-B", "truong-tieu-hoc", "Trường Tiểu học Ô Diên B"),
    ("ODIEN-THCS", "truong-thcs", "Trường THCS Ô Diên"),
    ("ODIEN-THPT", "truong-thpt", "Trường THPT Đan Phượng"),
    ("ODIEN-TTHTCD", "trung-tam-hoc-tap-cong-dong", "Trung tâm học tập cộng đồng xã Ô Diên"),
    *[(f"ODIEN-CB-{n}", "chi-bo", f"Chi bộ thôn {n}") for n in range(1, 13)],
    *[(f"ODIEN-THON-{n}", "thon", f"Thôn Hạ Mỗ {n}") for n in range(1, 9)],
]
GROUPS = ["Cán bộ", "Công chức", "Viên chức", "Giáo viên", "Đảng viên", "Người dân", "công chức", "GIÁO VIÊN", ""]

FAMILY = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4), ("Vũ", 4),
    ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1),
    ("Tạ", 1), ("Khuất", 1), ("Kiều", 1),
]  # fmt: skip
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân", "Ngọc", "Tiến", "Đình", "Mạnh"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Thùy", "Hồng", "Kim", "Diệu"]
GIVEN_MALE = [
    "An", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Hiếu", "Thành", "Tùng", "Quang",
]  # fmt: skip
GIVEN_FEMALE = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Mai",
    "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Vân", "Yến", "Thủy", "Loan", "Oanh", "Nga",
]  # fmt: skip
CCCD_PROVINCES = ["001"] * 8 + ["030", "033", "034", "035", "036", "037", "038", "040", "026", "027"]
MOBILE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "032", "033", "035", "038", "081", "088"]
HEADERS = [
    "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Email", "Chức vụ",
    "Đối tượng", "Đơn vị", "Ghi chú",
]  # fmt: skip
POSITIONS = ["", "", "", "Giáo viên", "Chuyên viên", "Bí thư chi bộ", "Phó trưởng thôn", "Kế toán", "Nhân viên"]


def roster_rows(rows: int, seed: int = 2025):
    """The roster's rows: title, blank, header, then ``rows`` people."""
    rng = random.Random(seed)
    families = [f for f, w in FAMILY for _ in range(w)]
    # Unique random tails for the CCCDs: a permutation, not a retry loop.
    tails = rng.sample(range(1_000_000), rows) if rows <= 1_000_000 else None
    yield ["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, ĐẢNG VIÊN XÃ Ô DIÊN THAM GIA BÌNH DÂN HỌC VỤ SỐ"]
    yield []
    yield HEADERS
    start = dt.date(1960, 1, 1).toordinal()
    end = dt.date(2006, 12, 31).toordinal()
    for n in range(rows):
        male = rng.random() < 0.48
        name = " ".join(
            (
                rng.choice(families),
                rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE),
                rng.choice(GIVEN_MALE if male else GIVEN_FEMALE),
            )
        )
        if rng.random() < 0.15:
            name = name.upper()  # some offices type names in capitals
        birth = dt.date.fromordinal(rng.randint(start, end))
        century = (0 if birth.year < 2000 else 2) + (0 if male else 1)
        tail = tails[n] if tails is not None else n
        cccd = f"{rng.choice(CCCD_PROVINCES)}{century}{birth.year % 100:02d}{tail:06d}"
        phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"
        if rng.random() < 0.2:
            phone = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
        email = f"nv{n}@odien.edu.vn" if rng.random() < 0.3 else None
        org = ORGS[rng.randrange(len(ORGS))]
        unit_text = org[2] if rng.random() < 0.9 else org[2].upper()
        if rng.random() < 0.05:
            unit_text = None  # the commune itself
        # Most dates are date cells; some were typed as text.
        birth_cell: object = birth if rng.random() < 0.8 else birth.strftime("%d/%m/%Y")
        yield [
            n + 1,
            name,
            birth_cell,
            "Nam" if male else "Nữ",
            cccd,
            phone,
            email,
            rng.choice(POSITIONS) or None,
            rng.choice(GROUPS) or None,
            unit_text,
            None,
        ]


def build_roster(path: Path, rows: int, *, inline_strings: bool = False) -> None:
    """Write the roster as Excel does: shared strings, a <dimension>, dates with a date format.

    ``inline_strings`` writes it with openpyxl's streaming writer instead
    (inline strings, no dimension), as some export tools do; it is slower to
    read: the worst case.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    if inline_strings:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Danh sách")
        for row in roster_rows(rows):
            sheet.append(row)
        workbook.save(tmp)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from roster_xlsx import write_xlsx

        write_xlsx(tmp, roster_rows(rows), row_count=rows + 3, width=len(HEADERS), sheet_name="Danh sách")
    tmp.replace(path)


def setup_database() -> None:
    """In a child process: migrate and create the minimal map."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from org.actions import create_unit
    from org.models import Unit, UnitKind

    kinds = {k.slug: k for k in UnitKind.objects.all()}
    if not Unit.objects.filter(code=PROVINCE[0]).exists():
        province = create_unit(
            kind=kinds["thanh-pho-trung-uong"], code=PROVINCE[0], name=PROVINCE[1], official_code=PROVINCE[0]
        )
        commune = create_unit(
            kind=kinds["xa"], code=COMMUNE[0], name=COMMUNE[1], parent=province, official_code=COMMUNE[0]
        )
        for code, kind, name in ORGS:
            create_unit(kind=kinds[kind], code=code, name=name, parent=commune)


def fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
    admin = urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_import(path: Path, env: dict, workdir: Path) -> tuple[float, float, float, int, str, str]:
    """Run the import command as a child; return (seconds, CPU seconds, peak RSS MB, exit code, stdout, stderr).

    CPU time (user + system) is reported too because wall time on a shared
    machine grows with the load; the database server's own work is not in it.
    """
    command = [sys.executable, "-m", "hocvuso.cli", "import_roster", str(path), "--org", COMMUNE[0]]
    # Output goes to files: pipes could fill up, and communicate() would reap
    # the child before wait4 could read its resource usage.
    with open(workdir / "stdout", "w+b") as out, open(workdir / "stderr", "w+b") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        # ru_maxrss is in kilobytes on Linux.
        return seconds, cpu, usage.ru_maxrss / 1024, code, out.read().decode(), err.read().decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-reimport", action="store_true", help="Skip the second (re-import) run.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory (SQLite database).")
    parser.add_argument(
        "--inline-strings", action="store_true", help="Read a file written with inline strings (the slow case)."
    )
    args = parser.parse_args()

    if args.setup_only:
        setup_database()
        return

    roster = OUT / f"roster_{args.rows}{'_inline' if args.inline_strings else ''}.xlsx"
    if not roster.exists():
        print(f"building {roster.relative_to(ROOT)} ...", file=sys.stderr)
        started = time.perf_counter()
        build_roster(roster, args.rows, inline_strings=args.inline_strings)
        print(f"built in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    workdir = Path(tempfile.mkdtemp(prefix="hvs-bench-"))
    try:
        ok = run_benchmark(args, roster, workdir)
    finally:
        if args.keep:
            print(f"# kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if ok else 1)


def run_benchmark(args, roster: Path, workdir: Path) -> bool:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env["HOCVUSO_DATA_DIR"] = str(workdir)
    env["HOCVUSO_TASKS"] = "immediate"
    env.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    url = env.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        fresh_postgres(url)
        database = "postgresql"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        database = "sqlite"

    subprocess.run([sys.executable, __file__, "--setup-only"], env=env, check=True, cwd=ROOT)

    seconds, cpu, rss, code, out, err = run_import(roster, env, workdir)
    if code != 0:
        sys.stderr.write(err[-4000:])
        sys.exit(f"import failed with exit status {code}")
    ok = seconds < MAX_SECONDS and rss < MAX_RSS_MB
    print(f"# {database}: {out.strip()} (cpu_seconds={cpu:.1f}, load average {os.getloadavg()[0]:.1f})")
    print(f"rows={args.rows} seconds={seconds:.1f} peak_rss_mb={rss:.0f} {'PASS' if ok else 'FAIL'}")

    if not args.no_reimport:
        again_seconds, again_cpu, again_rss, again_code, again_out, _ = run_import(roster, env, workdir)
        again_ok = again_code == 0 and again_out.strip() == "imported 0, updated 0, rejected 0"
        print(
            f"# re-import: {again_out.strip()} seconds={again_seconds:.1f} cpu_seconds={again_cpu:.1f} "
            f"peak_rss_mb={again_rss:.0f} "
            f"{'PASS' if again_ok else 'FAIL'}"
        )
        ok = ok and again_ok
    return ok


if __name__ == "__main__":
    main()
