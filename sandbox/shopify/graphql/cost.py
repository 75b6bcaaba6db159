"""Shopify's query cost: what a query may cost (reserved) and what it did cost (charged).

Scalars and enums are free, every object costs 1, a connection costs 2 plus, for each node it
may return (`first`/`last`), the cost of that node; a mutation's root field costs 10. The
requested cost is reserved before execution and the difference to the actual cost (computed
from the nodes really returned) is refunded afterwards, as on Shopify.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    value_from_ast,
)
from graphql.language import OperationType

MUTATION_COST = 10
MAX_QUERY_COST = 1000


class CostModel:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def fields(
        self, parent: GraphQLObjectType, selection_set: SelectionSetNode | None
    ) -> Iterator[tuple[FieldNode, GraphQLObjectType, Any]]:
        """(field node, parent type, field definition) through fragments, skipping __typename."""
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__"):
                    continue
                yield selection, parent, parent.fields[name]
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self._object_type(selection.type_condition.name.value)
                yield from self.fields(target, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                target = self._object_type(fragment.type_condition.name.value)
                yield from self.fields(target, fragment.selection_set)

    def _object_type(self, name: str) -> GraphQLObjectType:
        found = self.schema.get_type(name)
        if not isinstance(found, GraphQLObjectType):
            raise TypeError(f"{name} is not an object type")
        return found

    def page_size(self, node: FieldNode, definition: Any) -> int:
        for argument in node.arguments:
            if argument.name.value in ("first", "last"):
                value = value_from_ast(
                    argument.value, definition.args[argument.name.value].type, self.variables
                )
                return int(value or 0)
        return 0

    def requested(self, parent: GraphQLObjectType, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for node, _, definition in self.fields(parent, selection_set):
            named = get_named_type(definition.type)
            if is_leaf_type(named):
                continue
            if named.name.endswith("Connection"):
                total += 2 + self.page_size(node, definition) * self._node_cost(
                    named, node.selection_set
                )
            else:
                total += 1 + self.requested(named, node.selection_set)
        return total

    def _node_cost(self, connection: Any, selection_set: SelectionSetNode | None) -> int:
        """Cost of one node of a connection, whether selected through `edges` or `nodes`."""
        cost = 0
        for node, _, definition in self.fields(connection, selection_set):
            name = node.name.value
            if name == "nodes":
                cost = max(
                    cost, 1 + self.requested(get_named_type(definition.type), node.selection_set)
                )
            elif name == "edges":
                edge_type = get_named_type(definition.type)
                for inner, _, inner_definition in self.fields(edge_type, node.selection_set):
                    if inner.name.value == "node":
                        cost = max(
                            cost,
                            1
                            + self.requested(
                                get_named_type(inner_definition.type), inner.selection_set
                            ),
                        )
        return cost

    def actual(
        self, parent: GraphQLObjectType, selection_set: SelectionSetNode | None, data: Any
    ) -> int:
        if data is None:
            return 0
        if isinstance(data, list):
            return sum(self.actual(parent, selection_set, item) for item in data)
        total = 0
        for node, _, definition in self.fields(parent, selection_set):
            named = get_named_type(definition.type)
            value = data.get(node.alias.value if node.alias else node.name.value)
            if is_leaf_type(named) or value is None:
                continue
            if named.name.endswith("Connection"):
                total += 2 + self._connection_actual(named, node.selection_set, value)
            elif isinstance(value, list):
                total += sum(1 + self.actual(named, node.selection_set, item) for item in value)
            else:
                total += 1 + self.actual(named, node.selection_set, value)
        return total

    def _connection_actual(
        self, connection: Any, selection_set: SelectionSetNode | None, value: dict[str, Any]
    ) -> int:
        best = 0
        for node, _, definition in self.fields(connection, selection_set):
            items = value.get(node.alias.value if node.alias else node.name.value) or []
            if node.name.value == "nodes":
                node_type = get_named_type(definition.type)
                best = max(
                    best,
                    sum(1 + self.actual(node_type, node.selection_set, item) for item in items),
                )
            elif node.name.value == "edges":
                edge_type = get_named_type(definition.type)
                spent = 0
                for inner, _, inner_definition in self.fields(edge_type, node.selection_set):
                    if inner.name.value == "node":
                        node_type = get_named_type(inner_definition.type)
                        key = inner.alias.value if inner.alias else "node"
                        spent = sum(
                            1 + self.actual(node_type, inner.selection_set, edge.get(key))
                            for edge in items
                        )
                best = max(best, spent)
        return best


def operation_cost(
    schema: GraphQLSchema, model: CostModel, operation: OperationDefinitionNode, data: Any = None
) -> int:
    """Requested cost (data is None) or actual cost (data is the execution result)."""
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(operation.selection_set.selections)
    root = schema.query_type
    assert root is not None
    if data is None:
        return model.requested(root, operation.selection_set)
    return model.actual(root, operation.selection_set, data)
