"""Competence frameworks, loaded as data from ``learning/data/frameworks/*.yaml`` (idempotent)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from learning.models import Competence, Framework

DATA_DIR = Path(__file__).resolve().parent / "data" / "frameworks"


def _files() -> list[dict]:
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(DATA_DIR.glob("*.yaml"))]
    # Frameworks others align with load first.
    return sorted(docs, key=lambda d: 1 if d.get("aligned_with") else 0)


@transaction.atomic
def load_frameworks() -> dict[str, int]:
    """Create or update every framework and its competences; returns competences per framework."""
    counts = {}
    for doc in _files():
        framework, _created = Framework.objects.update_or_create(
            slug=doc["slug"],
            defaults={
                "name": doc["name"],
                "short_name": doc["short_name"],
                "reference": doc.get("reference", ""),
                "url": doc.get("url", ""),
                "version": str(doc.get("version", "")),
                "levels": doc.get("levels") or [],
                "audiences": doc.get("audiences") or [],
                "note": doc.get("note", ""),
            },
        )
        aligned_to = {}
        if doc.get("aligned_with"):
            aligned_to = {c.code: c for c in Competence.objects.filter(framework__slug=doc["aligned_with"])}
        order = 0
        n = 0
        for domain in doc.get("domains") or []:
            order += 1
            parent = _upsert(framework, domain, None, order, aligned_to)
            for comp in domain.get("competences") or []:
                order += 1
                n += 1
                _upsert(framework, comp, parent, order, aligned_to)
        counts[framework.slug] = n
    return counts


def _upsert(framework, item, parent, order, aligned_to) -> Competence:
    competence, _created = Competence.objects.update_or_create(
        framework=framework,
        code=str(item["code"]),
        defaults={
            "name": item["name"],
            "description": item.get("description", ""),
            "parent": parent,
            "sort_order": order,
        },
    )
    if item.get("align") and str(item["align"]) in aligned_to:
        competence.aligned.add(aligned_to[str(item["align"])])
    return competence
