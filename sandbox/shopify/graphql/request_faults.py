"""The schema and record faults one GraphQL request meets, decided when it arrives.

Transport faults (throttles, 5xx, cut bodies) are the server middleware's business; these two
change what the API *says*: a renamed field changes the schema a query is validated against,
a corrupt field changes values in the data. Both honour the fault's `paths`: a GraphQL request
is matched by its own path, a bulk export by that path or by its `/_bulk/<file>` download path
(so `paths: ["/_bulk/"]` spoils bulk files only). A bulk operation keeps the faults of the
request that started it, as a real export keeps the schema it was validated against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, GraphQLFormattedError, GraphQLSchema

from sandbox.server.faults import ChannelFaults
from sandbox.shopify.graphql.drift import SchemaDrift
from sandbox.shopify.graphql.spoil import Corruption, Spoiler


@dataclass(frozen=True)
class RequestFaults:
    """Read once per request, so the faults of one answer cannot change halfway through it."""

    channel: ChannelFaults
    applies: bool  # the request's path matches the fault's `paths`
    drift: SchemaDrift | None
    corruption: Corruption | None

    @classmethod
    def of(cls, schema: GraphQLSchema, channel: ChannelFaults, path: str) -> RequestFaults:
        settings = channel.settings
        applies = channel.applies_to(path)
        drift = SchemaDrift.of(schema, settings.renamed_field) if applies else None
        return cls(channel, applies, drift, Corruption.of(settings))

    def rewrite(self, document: DocumentNode) -> tuple[DocumentNode, list[GraphQLFormattedError]]:
        """The query as the (possibly drifted) schema reads it, and its undefined-field errors."""
        if self.drift is None:
            return document, []
        return self.drift.rewrite(document)

    def spoil_response(self, data: Any) -> None:
        """Spoil a response's `data` with the channel's own generator, as REST records are."""
        if self.corruption is not None and self.applies and data is not None:
            Spoiler(self.corruption, self.channel.rng).spoil(data)

    def bulk_spoiler(self, download_path: str) -> Spoiler | None:
        """What spoils the lines of a bulk file; its generator is forked now, at the request
        that started the export, so the polls that arrive while it runs cannot shift it."""
        if self.corruption is None:
            return None
        if not (self.applies or self.channel.applies_to(download_path)):
            return None
        return Spoiler(self.corruption, self.channel.fork())
