"""Contract checks: a response must have the shape of the official examples or schemas.

Shopify publishes request/response examples rather than a schema, so the shape is inferred
from every example of a resource: the keys each object always has (required), the keys it may
have (allowed), the JSON types seen at each path and the format of string values (decimal
money, timestamps with offsets, global ids). Amazon publishes Swagger models, checked with
jsonschema in strict mode (no property the model does not declare).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
FORMATS = {
    "decimal": re.compile(r"^-?\d+\.\d+$"),
    "datetime": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$"),
    "gid": re.compile(r"^gid://shopify/[A-Za-z]+/\d+"),
}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _null_keys(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None:
                found.add(key)
            _null_keys(value, found)
    elif isinstance(node, list):
        for item in node:
            _null_keys(item, found)
    return found


def shopify_nullable_keys() -> set[str]:
    """Keys Shopify's own examples show as null somewhere (a German address has no province).

    Nullability is a property of the field, wherever the object appears, so it is learned
    across every response of every resource (a created variant has no barcode yet).
    """
    found: set[str] = set()
    for path in (CONTRACTS / "shopify").glob("*.fixtures.json"):
        for example in json.loads(path.read_text()):
            _null_keys(example["response"], found)
    return found


@dataclass
class Shape:
    types: set[str] = field(default_factory=set)
    formats: set[str] | None = None  # formats every string example matched (None: no strings)
    required: set[str] | None = None
    allowed: set[str] = field(default_factory=set)
    children: dict[str, Shape] = field(default_factory=dict)
    items: Shape | None = None

    def learn(self, value: Any) -> None:
        kind = json_type(value)
        self.types.add(kind)
        if kind == "string":
            matched = {name for name, pattern in FORMATS.items() if pattern.match(value)}
            self.formats = matched if self.formats is None else self.formats & matched
        elif kind == "object":
            keys = set(value)
            self.required = keys if self.required is None else self.required & keys
            self.allowed |= keys
            for key, child in value.items():
                self.children.setdefault(key, Shape()).learn(child)
        elif kind == "array":
            for item in value:
                if self.items is None:
                    self.items = Shape()
                self.items.learn(item)

    def problems(
        self, value: Any, path: str = "$", nullable: frozenset[str] = frozenset()
    ) -> list[str]:
        kind = json_type(value)
        known = self.types - {"null"}
        found: list[str] = []
        key = path.rsplit(".", 1)[-1].split("[", 1)[0]
        if kind == "null" and key in nullable:
            return []
        if known and kind not in self.types and not (kind == "integer" and "number" in known):
            return [f"{path}: {kind} where the contract has {sorted(self.types)}"]
        if (
            kind == "string"
            and self.formats
            and not any(FORMATS[f].match(value) for f in self.formats)
        ):
            found.append(f"{path}: {value!r} is not {sorted(self.formats)} like the contract")
        if kind == "object" and self.required is not None:
            missing = self.required - set(value)
            extra = set(value) - self.allowed
            if missing:
                found.append(f"{path}: missing {sorted(missing)}")
            if extra:
                found.append(f"{path}: not in the contract {sorted(extra)}")
            for name, child in value.items():
                if name in self.children:
                    found.extend(self.children[name].problems(child, f"{path}.{name}", nullable))
        if kind == "array" and self.items is not None:
            for position, item in enumerate(value):
                found.extend(self.items.problems(item, f"{path}[{position}]", nullable))
        return found


def shopify_shape(resource: str, root: str) -> Shape:
    """What every example of `root` (e.g. `orders`, `order`) in the resource's fixtures shows."""
    shape = Shape()
    for example in json.loads((CONTRACTS / "shopify" / f"{resource}.fixtures.json").read_text()):
        response = example["response"]
        if example["method"] != "GET" or not response:
            continue
        for key in (root, root.rstrip("s")):
            if key in response:
                values = response[key] if isinstance(response[key], list) else [response[key]]
                for value in values:
                    shape.learn(value)
    assert shape.types, f"no examples of {root} in {resource} fixtures"
    return shape


def assert_shopify_shape(resource: str, root: str, records: list[dict[str, Any]]) -> None:
    shape = shopify_shape(resource, root)
    nullable = frozenset(shopify_nullable_keys())
    assert records, f"nothing to check for {root}"
    problems = [p for record in records for p in shape.problems(record, "$", nullable)]
    assert not problems, "\n".join(problems[:20])


def _strict(node: Any) -> Any:
    """Forbid undeclared properties everywhere a Swagger model lists its properties."""
    if isinstance(node, dict):
        node = {key: _strict(value) for key, value in node.items()}
        if (
            node.get("type") == "object"
            and "properties" in node
            and "additionalProperties" not in node
        ):
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


def amazon_validator(model: str, definition: str) -> jsonschema.Validator:
    spec = json.loads((CONTRACTS / "amazon" / model).read_text())
    schema = {"$ref": f"#/definitions/{definition}", "definitions": _strict(spec["definitions"])}
    return jsonschema.Draft4Validator(schema)


def assert_amazon_shape(model: str, definition: str, payload: Any) -> None:
    errors = sorted(amazon_validator(model, definition).iter_errors(payload), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])


def assert_schema(schema: dict[str, Any], payload: Any) -> None:
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(payload))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])
