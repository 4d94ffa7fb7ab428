"""The article's fields as the columns of a table (CSV, Parquet), read from its JSON Schema
(`scraper/article.schema.json`), so a field added to the record is a column without another change.

A field is a `Column` with its kind: `text`, `integer`, `boolean`, `list` (of texts), `object` (whose
sub-fields are columns of their own in CSV, a struct in Parquet) or `json` (anything else, such as a
list of objects: JSON text in CSV)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from scraper.article import json_schema

LIST_SEPARATOR = "; "  # between the items of a list in a CSV cell


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str
    fields: tuple[Column, ...] = ()  # of an object


def _resolve(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = spec.get("$ref")
    if ref:
        return {**defs[ref.rsplit("/", 1)[-1]], **{k: v for k, v in spec.items() if k != "$ref"}}
    return spec


def _kind(spec: dict[str, Any], defs: dict[str, Any]) -> tuple[str, tuple[Column, ...]]:
    spec = _resolve(spec, defs)
    if "enum" in spec:
        return "text", ()
    types = spec.get("type", [])
    types = [types] if isinstance(types, str) else [t for t in types if t != "null"]
    kind = types[0] if len(types) == 1 else "json"
    if kind == "string":
        return "text", ()
    if kind == "object":
        return "object", _columns(spec, defs)
    if kind == "array":
        items = _resolve(spec.get("items", {}), defs)
        return ("list", ()) if items.get("type") == "string" else ("json", ())
    return (kind, ()) if kind in ("integer", "boolean") else ("json", ())


def _columns(spec: dict[str, Any], defs: dict[str, Any]) -> tuple[Column, ...]:
    return tuple(Column(name, *_kind(field, defs)) for name, field in spec.get("properties", {}).items())


@cache
def article_columns() -> tuple[Column, ...]:
    schema = json_schema()
    return _columns(schema, schema.get("$defs", {}))
