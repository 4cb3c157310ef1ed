"""One module per resource; each exposes `routes(config)` returning its RouteSpecs."""

from __future__ import annotations

from web.config import WebConfig
from web.schema import RouteSpec


def all_routes(config: WebConfig) -> list[RouteSpec]:
    """The whole route table, in documentation order."""
    from web.routes import (
        alerts,
        auth,
        commands,
        companies,
        events,
        feeds,
        links,
        subscriptions,
        system,
    )

    table: list[RouteSpec] = []
    for module in (
        system,
        auth,
        companies,
        alerts,
        events,
        links,
        feeds,
        subscriptions,
        commands,
    ):
        table.extend(module.routes(config))
    return table
