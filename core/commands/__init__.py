"""Chat and REST commands, declared once (see `registry`); one module per command group."""

from core.commands.registry import (
    Audience,
    Button,
    CommandContext,
    Commands,
    CommandSpec,
    Param,
    ParamType,
    Permission,
    Registry,
    Reply,
    command,
    default_registry,
    execute,
    parse_args,
)

__all__ = [
    "Audience",
    "Button",
    "CommandContext",
    "CommandSpec",
    "Commands",
    "Param",
    "ParamType",
    "Permission",
    "Registry",
    "Reply",
    "command",
    "default_registry",
    "execute",
    "parse_args",
]
