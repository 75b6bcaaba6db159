"""A renamed field in the GraphQL schema (the `renamed_field` fault): old name gone, new one served.

A client pinned to an API version still meets schema changes (a version upgrade, a deprecated
field removed), and the failure is loud: Shopify's validator refuses the whole query with
`Field 'x' doesn't exist on type 'Order'` (HTTP 200, no `data`). Rather than build a second
schema, a query is rewritten before validation: a selection of the new name on a type that had
the old field becomes `new: old`, so it resolves through the old field while the response key
stays what the client asked for; a selection of the old name is reported in graphql-ruby's
`undefinedField` shape, with its static-validation path (`["query Name", "orders", "nodes",
"old"]`). The rename applies only to object types that have the old field, and only when the
configured name is a GraphQL field at all (REST names such as `total_price` leave GraphQL alone).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLFormattedError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)


class SchemaDrift:
    """One field renamed on every object type that has it."""

    def __init__(self, schema: GraphQLSchema, old: str, new: str, types: frozenset[str]) -> None:
        self.schema = schema
        self.old = old
        self.new = new
        self.types = types

    @classmethod
    def of(cls, schema: GraphQLSchema, renamed: dict[str, str] | None) -> SchemaDrift | None:
        """The drift a `renamed_field` setting causes, or None when it touches no GraphQL type."""
        if not renamed or renamed["from"] == renamed["to"]:
            return None
        old = renamed["from"]
        types = frozenset(
            name
            for name, named in schema.type_map.items()
            if isinstance(named, GraphQLObjectType)
            and not name.startswith("__")
            and old in named.fields
        )
        return cls(schema, old, renamed["to"], types) if types else None

    def rewrite(self, document: DocumentNode) -> tuple[DocumentNode, list[GraphQLFormattedError]]:
        """The document as the drifted schema reads it, and an error per use of the old name."""
        type_info = TypeInfo(self.schema)
        rewriter = _Rewriter(self, type_info)
        rewritten = visit(document, TypeInfoVisitor(type_info, rewriter))
        return rewritten, rewriter.errors


class _Rewriter(Visitor):
    def __init__(self, drift: SchemaDrift, type_info: TypeInfo) -> None:
        super().__init__()
        self.drift = drift
        self.type_info = type_info
        self.errors: list[GraphQLFormattedError] = []

    def enter_field(
        self, node: FieldNode, _key: Any, _parent: Any, _path: Any, ancestors: list[Any]
    ) -> FieldNode | None:
        parent = self.type_info.get_parent_type()
        if parent is None or parent.name not in self.drift.types:
            return None
        drift = self.drift
        if node.name.value == drift.old:
            self.errors.append(undefined_field(node, parent.name, ancestors))
            return None
        if node.name.value != drift.new:
            return None
        return FieldNode(
            loc=node.loc,
            alias=node.alias or NameNode(value=drift.new, loc=node.name.loc),
            name=NameNode(value=drift.old, loc=node.name.loc),
            arguments=node.arguments,
            directives=node.directives,
            selection_set=node.selection_set,
        )


def undefined_field(node: FieldNode, type_name: str, ancestors: list[Any]) -> GraphQLFormattedError:
    """Shopify's (graphql-ruby's) error for a field the type does not have."""
    field = node.name.value
    return GraphQLError(
        f"Field '{field}' doesn't exist on type '{type_name}'",
        node,
        path=[*_static_path(ancestors), _key(node)],
        extensions={"code": "undefinedField", "typeName": type_name, "fieldName": field},
    ).formatted


def _static_path(ancestors: list[Any]) -> list[str]:
    """graphql-ruby's validation path: operation or fragment, inline fragments, response keys."""
    path: list[str] = []
    for node in ancestors:
        if isinstance(node, OperationDefinitionNode):
            name = f" {node.name.value}" if node.name else ""
            path.append(f"{node.operation.value}{name}")
        elif isinstance(node, FragmentDefinitionNode):
            path.append(f"fragment {node.name.value}")
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            path.append(f"... on {condition.name.value}" if condition else "...")
        elif isinstance(node, FieldNode):
            path.append(_key(node))
    return path


def _key(node: FieldNode) -> str:
    return (node.alias or node.name).value
