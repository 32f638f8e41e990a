"""Load Vietnam's administrative map from the ``vietnam-provinces`` package.

Since 1 July 2025 the map has two levels: 34 provinces and 3,321 communes
(xã, phường, đặc khu). The 63 provinces, 696 districts and ~10,000 communes
of the earlier map are kept as inactive history, each linked by
``UnitSuccession`` to the unit(s) that took it over, so rosters written with
old addresses can still be resolved.

Loading is idempotent: units are matched by code, missing ones are created,
renamed ones updated, and nothing else is touched (organisations, people,
units deactivated by hand). Rows are inserted in bulk, one level at a time,
and each level's paths are filled in by a single UPDATE.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, LPad

from audit.actions import record_event
from hocvuso.lib.text import fold, nfc
from org.actions import refresh_heir_paths
from org.models import PATH_SEGMENT_WIDTH, Unit, UnitKind, UnitSuccession
from org.naming import bare_name

EFFECTIVE_ON = dt.date(2025, 7, 1)
PENDING = "~pending~"

# The levels in creation order (parents before children), with how the
# report names them.
LEVELS = ("provinces", "communes", "former provinces", "former districts", "former communes")

_NEW_KINDS = {
    "tỉnh": "tinh",
    "thành phố trung ương": "thanh-pho-trung-uong",
    "xã": "xa",
    "phường": "phuong",
    "đặc khu": "dac-khu",
}
_OLD_KINDS = {
    "tỉnh": "tinh",
    "thành phố trung ương": "thanh-pho-trung-uong",
    "huyện": "huyen",
    "quận": "quan",
    "thị xã": "thi-xa",
    "thành phố": "thanh-pho-thuoc-tinh",
    "xã": "xa",
    "phường": "phuong",
    "thị trấn": "thi-tran",
}


class MapLoadError(Exception):
    """The map cannot be loaded as asked (unknown province, missing kinds, code clash)."""


@dataclass(frozen=True)
class _Row:
    code: str
    official_code: str
    name: str
    kind: str  # slug
    parent: str | None  # code
    is_active: bool


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    present: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: int = 0
    successions_created: int = 0
    successions_present: int = 0
    successions_updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or self.updated or self.successions_created or self.successions_updated)

    def summary(self) -> str:
        if not self.changed:
            counts = ", ".join(f"{self.present[level]} {level}" for level in LEVELS)
            return f"Units already up to date: {counts}, {self.successions_present} successions."
        counts = ", ".join(f"{self.created[level]} {level}" for level in LEVELS)
        text = f"Created {counts}, {self.successions_created} successions."
        if self.updated or self.successions_updated:
            text += f" Updated {self.updated} units and {self.successions_updated} successions."
        untouched = sum(self.present.values()) - self.updated
        if untouched:
            text += f" {untouched} units were already up to date."
        return text


def _code(number: int, width: int) -> str:
    return f"{number:0{width}d}"


def _read_package(provinces: Iterable[str] | None) -> tuple[list[list[_Row]], list[tuple[str, str, bool]]]:
    """The rows of each level and the (predecessor, successor, is_partial) links, for the chosen provinces."""
    from vietnam_provinces import Province, Ward
    from vietnam_provinces import _province_conversion_2025 as province_conversion
    from vietnam_provinces import _ward_conversion_2025 as ward_conversion
    from vietnam_provinces.legacy import base as legacy

    all_new = {p.code.value: p for p in Province.iter_all()}
    if provinces is None:
        chosen = set(all_new)
    else:
        chosen = set()
        for raw in provinces:
            text = str(raw).strip()
            if not text.isdigit() or int(text) not in all_new:
                known = ", ".join(_code(c, 2) for c in sorted(all_new))
                raise MapLoadError(f'Unknown province code "{raw}". Province codes are: {known}.')
            chosen.add(int(text))

    new_provinces = [all_new[c] for c in sorted(chosen)]
    new_wards = sorted((w for w in Ward.iter_all() if w.province_code.value in chosen), key=lambda w: w.code.value)
    old_to_new_province = {c: [n.code for n in e.new_provinces] for c, e in province_conversion.OLD_TO_NEW.items()}
    old_provinces = sorted(
        (p for p in legacy.Province.iter_all() if chosen & set(old_to_new_province.get(p.code.value, ()))),
        key=lambda p: p.code.value,
    )
    old_province_codes = {p.code.value for p in old_provinces}
    old_districts = sorted(
        (d for d in legacy.District.iter_all() if d.province_code.value in old_province_codes),
        key=lambda d: d.code.value,
    )
    old_district_codes = {d.code.value for d in old_districts}
    old_wards = sorted(
        (w for w in legacy.Ward.iter_all() if w.district_code.value in old_district_codes), key=lambda w: w.code.value
    )

    levels = [
        [
            _Row(_code(p.code.value, 2), _code(p.code.value, 2), nfc(p.name), _NEW_KINDS[p.division_type], None, True)
            for p in new_provinces
        ],
        [
            _Row(
                _code(w.code.value, 5),
                _code(w.code.value, 5),
                nfc(w.name),
                _NEW_KINDS[w.division_type],
                _code(w.province_code.value, 2),
                True,
            )
            for w in new_wards
        ],
        [
            _Row(
                "old:" + _code(p.code.value, 2),
                _code(p.code.value, 2),
                nfc(p.name),
                _OLD_KINDS[p.division_type],
                None,
                False,
            )
            for p in old_provinces
        ],
        [
            _Row(
                "old:" + _code(d.code.value, 3),
                _code(d.code.value, 3),
                nfc(d.name),
                _OLD_KINDS[d.division_type],
                "old:" + _code(d.province_code.value, 2),
                False,
            )
            for d in old_districts
        ],
        [
            _Row(
                "old:" + _code(w.code.value, 5),
                _code(w.code.value, 5),
                nfc(w.name),
                _OLD_KINDS[w.division_type],
                "old:" + _code(w.district_code.value, 3),
                False,
            )
            for w in old_wards
        ],
    ]

    links: list[tuple[str, str, bool]] = []
    for p in old_provinces:
        targets = old_to_new_province[p.code.value]
        links += [("old:" + _code(p.code.value, 2), _code(t, 2), len(targets) > 1) for t in targets]

    # Communes: the conversion table says where each old commune went and
    # whether only part of it did.
    district_targets: dict[int, dict[int, bool]] = defaultdict(dict)  # district -> new ward -> partial
    for w in old_wards:
        entry = ward_conversion.OLD_TO_NEW.get(w.code.value)
        if entry is None:
            continue  # dissolved before the 2025 table was drawn up: no successor on record
        partial = entry.old_ward.is_partly_merged or len(entry.new_wards) > 1
        for target in entry.new_wards:
            links.append(("old:" + _code(w.code.value, 5), _code(target.code, 5), partial))
            seen = district_targets[w.district_code.value]
            seen[target.code] = seen.get(target.code, False) or partial

    # Districts: every new commune that took in some of the district's
    # communes. A district that went whole into one commune is not partial.
    wards_by_bare: dict[tuple[int, str], list[int]] = defaultdict(list)
    for w in new_wards:
        if w.division_type == "đặc khu":
            wards_by_bare[(w.province_code.value, bare_name(w.name))].append(w.code.value)
    for d in old_districts:
        targets = district_targets.get(d.code.value)
        if not targets:
            # Island districts had no communes in the old map and became
            # special zones (Huyện Côn Đảo -> Đặc khu Côn Đảo): match by name.
            targets = {
                code: False
                for new_province in old_to_new_province.get(d.province_code.value, ())
                for code in wards_by_bare.get((new_province, bare_name(d.name)), ())
            }
        many = len(targets) > 1
        links += [("old:" + _code(d.code.value, 3), _code(t, 5), many or partial) for t, partial in targets.items()]
    return levels, links


def _fill_pending_paths() -> None:
    """Give every freshly inserted row its real path in one UPDATE: parent's path + own id segment."""
    parent_path = Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
    Unit.objects.filter(path__startswith=PENDING).update(
        path=Concat(
            Coalesce(Subquery(parent_path), Value("/")),
            LPad(Cast("id", models.CharField()), PATH_SEGMENT_WIDTH, Value("0")),
            Value("/"),
            output_field=models.CharField(),
        )
    )


@transaction.atomic
def load_units(provinces: Iterable[str] | None = None) -> LoadReport:
    """Create or update the map (all of it, or only the given new provinces and their history)."""
    levels, links = _read_package(provinces)
    report = LoadReport()

    slugs = {row.kind for level in levels for row in level}
    kinds = UnitKind.objects.in_bulk(slugs, field_name="slug")
    if missing := slugs - set(kinds):
        raise MapLoadError(f"Unit kinds missing: {', '.join(sorted(missing))}. Run `hocvuso migrate` first.")
    kind_ids = {slug: k.pk for slug, k in kinds.items()}
    organisation_kinds = set(
        UnitKind.objects.filter(category=UnitKind.Category.ORGANISATION).values_list("pk", flat=True)
    )

    # Every unit whose code looks like a map code, whatever its kind, so that
    # a clash with an organisation is reported rather than hit as an
    # IntegrityError halfway through.
    existing = {
        u["code"]: u
        for u in Unit.objects.filter(code__regex=r"^(old:)?[0-9]+$").values(
            "id", "code", "official_code", "name", "kind_id", "path", "depth"
        )
    }
    to_update: list[Unit] = []
    for level_name, rows in zip(LEVELS, levels, strict=True):
        new_objects = []
        for row in rows:
            kind_id = kind_ids[row.kind]
            current = existing.get(row.code)
            if current is not None:
                if current["kind_id"] in organisation_kinds:
                    raise MapLoadError(
                        f'Code "{row.code}" ({row.name}) is already used by an organisation; rename its code first.'
                    )
                report.present[level_name] += 1
                wanted = {"name": row.name, "kind_id": kind_id, "official_code": row.official_code}
                if any(current[k] != v for k, v in wanted.items()):
                    to_update.append(Unit(pk=current["id"], search_name=fold(row.name), **wanted))
                continue
            parent = existing[row.parent] if row.parent else None
            new_objects.append(
                Unit(
                    code=row.code,
                    official_code=row.official_code,
                    name=row.name,
                    search_name=fold(row.name),
                    kind_id=kind_id,
                    parent_id=parent["id"] if parent else None,
                    depth=parent["depth"] + 1 if parent else 0,
                    path=PENDING + row.code,
                    is_active=row.is_active,
                    ended_on=None if row.is_active else EFFECTIVE_ON,
                )
            )
        if not new_objects:
            continue
        Unit.objects.bulk_create(new_objects, batch_size=500)
        _fill_pending_paths()
        report.created[level_name] = len(new_objects)
        # Children of this level need their parents' ids, paths and depths;
        # bulk_create returned the ids, and the paths were built from them.
        parent_codes = {row.code: row.parent for row in rows}
        for o in new_objects:
            assert o.pk is not None, "the database backend must return ids from bulk inserts"
            parent_code = parent_codes[o.code]
            parent_path = existing[parent_code]["path"] if parent_code else "/"
            existing[o.code] = {"id": o.pk, "code": o.code, "path": parent_path + Unit.segment(o.pk), "depth": o.depth}
    if to_update:
        Unit.objects.bulk_update(to_update, ["name", "search_name", "kind_id", "official_code"], batch_size=500)
        report.updated = len(to_update)

    ids = {code: u["id"] for code, u in existing.items()}
    current_links = {
        (s["predecessor_id"], s["successor_id"]): s
        for s in UnitSuccession.objects.filter(predecessor__code__startswith="old:").values(
            "id", "predecessor_id", "successor_id", "is_partial"
        )
    }
    new_links, changed_links = [], []
    for pred_code, succ_code, partial in links:
        pred, succ = ids.get(pred_code), ids.get(succ_code)
        if pred is None or succ is None:
            continue  # the successor's province was not loaded this time
        current = current_links.get((pred, succ))
        if current is None:
            new_links.append(
                UnitSuccession(predecessor_id=pred, successor_id=succ, is_partial=partial, effective_on=EFFECTIVE_ON)
            )
        else:
            report.successions_present += 1
            if current["is_partial"] != partial:
                changed_links.append(UnitSuccession(pk=current["id"], is_partial=partial))
    UnitSuccession.objects.bulk_create(new_links, batch_size=1000)
    UnitSuccession.objects.bulk_update(changed_links, ["is_partial"], batch_size=1000)
    report.successions_created = len(new_links)
    report.successions_updated = len(changed_links)
    # Former units' history belongs where their successors now are.
    refresh_heir_paths()

    if report.changed:
        record_event(
            actor=None,
            action="unit.load_map",
            target_type="unit",
            target_id="map",
            target_label="vietnam-provinces",
            changes={
                "created": report.created,
                "updated": report.updated,
                "successions_created": report.successions_created,
                "successions_updated": report.successions_updated,
            },
        )
    return report
