"""Turn what a person wrote in a roster ("xã Hồng Hà, huyện Đan Phượng", "09784",
"Liên Minh - Phú Thọ") into one current unit, or say exactly why not.

A resolver reads the map into memory once (two queries) and then answers
every ``resolve()`` from dictionaries, caching by folded text, because an
import calls it for up to 100,000 rows. It never guesses: a name found in
several places is "ambiguous", an old commune divided among new ones is
"split", and both come back with the candidates to choose from.

Accepted input:

* a unit code: "09784", "01", "old:273", an organisation's own code;
* an official number with its leading zeros lost or not: 1-2 digits are a
  province, 3 digits a pre-2025 district, 4-5 digits a commune; an old number
  resolves through succession;
* a code followed by a name ("09787 - Xã Liên Minh"): the code decides;
* a name, with or without its type ("xã Hồng Hà", "Hồng Hà", "TP Hà Nội"),
  followed by optional context separated by commas, semicolons, parentheses
  or " - " ("Xã Liên Minh, Hà Nội", "Liên Minh - Phú Thọ"). Context names the
  district or province the unit is (or was) in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from hocvuso.db import subtree_q
from hocvuso.lib.text import fold, nfc
from org.models import Unit, UnitKind, UnitSuccession
from org.naming import bare_name, label, search_key, tidy_fold

C = UnitKind.Category


@dataclass(frozen=True)
class UnitRef:
    """A unit as callers need it, without an ORM object."""

    id: int
    code: str
    name: str
    path: str
    is_active: bool
    label: str  # "Xã Liên Minh, Thành phố Hà Nội"


@dataclass(frozen=True)
class Resolution:
    unit: UnitRef | None  # set when exactly one current unit matches
    candidates: tuple[UnitRef, ...]  # set when several match: choose one
    error: str | None  # None | "unknown_unit" | "ambiguous" | "split" | "outside_scope"
    message: str  # English, for people

    @property
    def ok(self) -> bool:
        return self.unit is not None


UNKNOWN, AMBIGUOUS, SPLIT, OUTSIDE = "unknown_unit", "ambiguous", "split", "outside_scope"

_NUMBER = re.compile(r"^(old:)?\s*(\d{1,5})$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[,;()]\s*")
_SEPARATORS_WITH_DASH = re.compile(r"\s*[,;()]\s*|\s+[-–—]\s+")


def _shorten(items: list[str], sep: str, limit: int = 8) -> str:
    """Messages stay readable when "Phường 1" matches thirty places."""
    if len(items) <= limit:
        return sep.join(items)
    return sep.join(items[:limit]) + f"{sep}and {len(items) - limit} more"


@dataclass(frozen=True, slots=True)
class _U:
    id: int
    code: str
    name: str
    path: str
    is_active: bool
    kind: str
    category: str
    parent_id: int | None
    key: str  # bare name for administrative units, folded full name for organisations

    def ancestor_ids(self) -> list[int]:
        return [int(s) for s in self.path.strip("/").split("/")[:-1]]


class UnitResolver:
    def __init__(self, *, root: Unit | None = None):
        self.root = root
        self._loaded = False
        self._cache: dict[str, Resolution] = {}

    # --- public API ---------------------------------------------------------

    def resolve(self, text: str) -> Resolution:
        text = nfc(text)
        key = fold(text)
        cached = self._cache.get(key)
        if cached is None:
            self._load()
            cached = self._cache[key] = self._resolve(text)
        return cached

    def get(self, code: str) -> UnitRef | None:
        """The unit with exactly this code, if it is inside the root's subtree."""
        self._load()
        u = self._units.get(self._by_code.get(nfc(code)))
        return self._ref(u) if u is not None and self._in_scope(u) else None

    # --- loading ------------------------------------------------------------

    def _load(self) -> None:
        if self._loaded:
            return
        # Administrative units (current and former) everywhere, so that a
        # place outside the root is reported as such; organisations only
        # inside the root, since nobody outside it may use them.
        wanted = ~Q(kind__category=C.ORGANISATION)
        wanted |= subtree_q(self.root.path) if self.root is not None else Q(kind__category=C.ORGANISATION)
        rows = Unit.objects.filter(wanted).values_list(
            "id", "code", "name", "path", "is_active", "kind__slug", "kind__category", "parent_id"
        )
        self._units: dict[int, _U] = {}
        self._by_code: dict[str, int] = {}
        self._by_code_folded: dict[str, int] = {}
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._kind_category: dict[str, str] = {}
        for pk, code, name, path, is_active, kind, category, parent_id in rows:
            key = tidy_fold(name) if category == C.ORGANISATION else bare_name(name)
            u = _U(pk, code, name, path, is_active, kind, category, parent_id, key)
            self._units[pk] = u
            self._by_code[code] = pk
            self._by_code_folded.setdefault(code.casefold(), pk)
            self._by_key[key].append(pk)
            self._kind_category[kind] = category
        self._successors: dict[int, list[int]] = defaultdict(list)
        self._predecessors: dict[int, list[int]] = defaultdict(list)
        self._partial: set[tuple[int, int]] = set()
        links = UnitSuccession.objects.values_list("predecessor_id", "successor_id", "is_partial").order_by("id")
        for pred, succ, partial in links:
            if pred in self._units and succ in self._units:
                self._successors[pred].append(succ)
                self._predecessors[succ].append(pred)
                if partial:
                    self._partial.add((pred, succ))
        self._refs: dict[int, UnitRef] = {}
        self._loaded = True

    # --- helpers ------------------------------------------------------------

    def _in_scope(self, u: _U) -> bool:
        return self.root is None or u.path.startswith(self.root.path)

    def _ancestors(self, u: _U) -> list[_U]:
        """Loaded ancestors, nearest first."""
        return [a for a in (self._units.get(i) for i in reversed(u.ancestor_ids())) if a is not None]

    def _ref(self, u: _U) -> UnitRef:
        ref = self._refs.get(u.id)
        if ref is None:
            admin = [a.name for a in self._ancestors(u) if a.category != C.ORGANISATION]
            ref = self._refs[u.id] = UnitRef(u.id, u.code, u.name, u.path, u.is_active, label(u.name, admin))
        return ref

    def _current_successors(self, u: _U, seen: frozenset[int] = frozenset()) -> list[_U]:
        """Active units that took ``u`` over, following chains (a school merged twice)."""
        out: list[_U] = []
        for pk in self._successors.get(u.id, ()):
            s = self._units[pk]
            if s.is_active:
                out.append(s)
            elif pk not in seen:
                out += self._current_successors(s, seen | {u.id})
        return list({s.id: s for s in out}.values())

    def _names(self, units: list[_U]) -> str:
        names = [u.name for u in units]
        if len(set(names)) < len(names):
            return self._labels(units)
        return _shorten(names, ", ")

    def _labels(self, units: list[_U]) -> str:
        return _shorten([self._ref(u).label for u in units], "; ")

    def _describe_former(self, u: _U) -> str:
        word = {
            C.PROVINCE: "Old province",
            C.DISTRICT: "Old district",
            C.COMMUNE: "Old commune",
        }.get(u.category, "Former unit")
        parent = self._units.get(u.parent_id)
        return f'{word} "{u.name}"' + (f" ({parent.name})" if parent is not None else "")

    @staticmethod
    def _plural(units: list[_U]) -> str:
        categories = {u.category for u in units}
        if categories == {C.COMMUNE}:
            return "new communes"
        if categories == {C.PROVINCE}:
            return "new provinces"
        return "units"

    def _root_name(self) -> str:
        return self.root.name if self.root is not None else ""

    # --- resolution ---------------------------------------------------------

    def _resolve(self, text: str) -> Resolution:
        if not text:
            return Resolution(None, (), UNKNOWN, "No unit given.")
        by_code = self._resolve_code(text)
        if by_code is not None:
            return by_code
        return self._resolve_name(text)

    def _resolve_code(self, text: str) -> Resolution | None:
        pk = self._by_code.get(text) or self._by_code_folded.get(text.casefold())
        if pk is not None:
            return self._conclude_one(self._units[pk])
        m = _NUMBER.match(text)
        if m is None:
            return None
        digits = m.group(2)
        if len(digits) <= 2:
            codes = [digits.zfill(2), "old:" + digits.zfill(2)]
        elif len(digits) == 3:
            codes = ["old:" + digits]
        else:
            codes = [digits.zfill(5), "old:" + digits.zfill(5)]
        if m.group(1):
            codes = [c for c in codes if c.startswith("old:")]
        for code in codes:
            pk = self._by_code.get(code)
            if pk is not None:
                return self._conclude_one(self._units[pk])
        return Resolution(None, (), UNKNOWN, f'Unknown unit code "{text}".')

    def _conclude_one(self, u: _U) -> Resolution:
        if u.is_active:
            return self._conclude_current([u], u.name)
        return self._conclude_former([u], u.name)

    def _conclude_current(self, matches: list[_U], text: str) -> Resolution:
        inside = [u for u in matches if self._in_scope(u)]
        if len(inside) == 1:
            ref = self._ref(inside[0])
            return Resolution(ref, (), None, f"Matched {ref.label}.")
        if inside:
            first = self._ref(inside[0])
            where = "commune" if all(u.category == C.ORGANISATION for u in inside) else "province"
            example = f' (for example "{first.label}")' if first.label != first.name else ""
            return Resolution(
                None,
                tuple(self._ref(u) for u in inside),
                AMBIGUOUS,
                f'"{text}" matches {len(inside)} units: {self._labels(inside)}. '
                f"Add the {where}{example} or use the unit code.",
            )
        if len(matches) == 1:
            msg = f"{self._ref(matches[0]).label} is outside {self._root_name()}."
        else:
            msg = f'"{text}" matches only units outside {self._root_name()}: {self._labels(matches)}.'
        return Resolution(None, (), OUTSIDE, msg)

    def _conclude_former(self, matches: list[_U], text: str) -> Resolution:
        if len(matches) == 1:
            old = matches[0]
            successors = self._current_successors(old)
            described = self._describe_former(old)
            if not successors:
                return Resolution(None, (), UNKNOWN, f"{described} has no successor on record.")
            inside = [s for s in successors if self._in_scope(s)]
            if not inside:
                return Resolution(
                    None, (), OUTSIDE, f"{described} is now {self._labels(successors)}, outside {self._root_name()}."
                )
            if len(successors) == 1:
                # Also when the table marks the commune as only partly merged
                # but names no other successor: it is the only place on record.
                ref = self._ref(successors[0])
                part = " (in part)" if (old.id, ref.id) in self._partial else ""
                return Resolution(ref, (), None, f"{described} is now{part} {ref.label}.")
            within = ""
            if len(inside) < len(successors):
                within = f", {len(inside)} of them within {self._root_name()}"
            return Resolution(
                None,
                tuple(self._ref(s) for s in inside),
                SPLIT,
                f"{described} was split among {len(successors)} {self._plural(successors)}{within}: "
                f"choose one of {self._names(inside)}.",
            )
        successors = list({s.id: s for old in matches for s in self._current_successors(old)}.values())
        inside = [s for s in successors if self._in_scope(s)]
        formers = self._labels(matches)
        if len(successors) == 1 and inside:
            ref = self._ref(successors[0])
            return Resolution(ref, (), None, f'"{text}" was {formers}, all now {ref.label}.')
        if not inside:
            if not successors:
                return Resolution(None, (), UNKNOWN, f'"{text}" matches former units with no successor: {formers}.')
            return Resolution(
                None, (), OUTSIDE, f'"{text}" matches former units now outside {self._root_name()}: {formers}.'
            )
        return Resolution(
            None,
            tuple(self._ref(s) for s in inside),
            AMBIGUOUS,
            f'"{text}" matches {len(matches)} former units ({formers}). Add the district or province, '
            f"or choose one of {self._names(inside)}.",
        )

    def _resolve_name(self, text: str) -> Resolution:
        attempts = [_SEPARATORS.split(text)]
        if _SEPARATORS_WITH_DASH.search(text):
            attempts.append(_SEPARATORS_WITH_DASH.split(text))
        first_failure = None
        for parts in attempts:
            parts = [p for p in parts if p]
            if not parts:
                continue
            if len(parts) > 1:
                # Exported lists often read "09787 - Xã Liên Minh": the code decides.
                by_code = self._resolve_code(parts[0])
                if by_code is not None and by_code.error != UNKNOWN:
                    return by_code
            result = self._resolve_parts(text, parts[0], parts[1:])
            if result.error != UNKNOWN:
                return result
            first_failure = first_failure or result
        return first_failure or Resolution(None, (), UNKNOWN, f'No unit matches "{text}".')

    def _name_matches(self, name: str) -> tuple[frozenset[str], list[_U]]:
        hint, key = search_key(name)
        full = tidy_fold(name)
        ids = list(self._by_key.get(key, ()))
        if full != key:
            ids += [pk for pk in self._by_key.get(full, ()) if self._units[pk].category == C.ORGANISATION]
        return hint, [self._units[pk] for pk in dict.fromkeys(ids)]

    def _context_keys(self, context: list[str]) -> list[set[str]]:
        out = []
        for part in context:
            _, key = search_key(part)
            out.append({key, tidy_fold(part)})
        return out

    @staticmethod
    def _fits(ancestors: list[_U], context: list[set[str]]) -> bool:
        keys = {a.key for a in ancestors}
        return all(keys & wanted for wanted in context)

    def _resolve_parts(self, text: str, name: str, context_parts: list[str]) -> Resolution:
        hint, matches = self._name_matches(name)
        if not matches:
            return Resolution(None, (), UNKNOWN, f'No unit matches "{text}".')
        context = self._context_keys(context_parts)

        def kind_filters():
            if hint:
                yield lambda u: u.category == C.ORGANISATION or u.kind in hint
                categories = {self._kind_category.get(k) for k in hint}
                yield lambda u: u.category == C.ORGANISATION or u.category in categories
            else:
                yield lambda u: True

        for allowed in kind_filters():
            candidates = [u for u in matches if allowed(u)]
            current = [u for u in candidates if u.is_active and self._fits(self._ancestors(u), context)]
            if current:
                return self._conclude_current(current, text)
            former = [u for u in candidates if not u.is_active and self._fits(self._ancestors(u), context)]
            if former:
                return self._conclude_former(former, text)
            if context:
                # A current unit named with its old district or province
                # ("Xã Liên Minh, huyện Đan Phượng").
                via_old = [
                    u
                    for u in candidates
                    if u.is_active
                    and any(
                        self._fits(self._ancestors(self._units[p]), context) for p in self._predecessors.get(u.id, ())
                    )
                ]
                if via_old:
                    return self._conclude_current(via_old, text)
        if context:
            shown = [u for u in matches if u.is_active][:5] or matches[:5]
            return Resolution(
                None,
                (),
                UNKNOWN,
                f'No unit named "{name}" in {", ".join(context_parts)}. Units with that name: {self._labels(shown)}.',
            )
        return Resolution(None, (), UNKNOWN, f'No unit matches "{text}".')
