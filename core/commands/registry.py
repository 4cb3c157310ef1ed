"""The command registry: every chat/REST command is declared once, here in `core/commands/`.

`@command(...)` only tags a function with its spec (errbot's `_tag_botcmd` habit); a
`Registry` collects tagged functions from the command modules; each transport (Telegram,
Discord, REST) binds the registry to its own mechanism and renders the `Reply` a handler
returns. `execute()` is the one entry point that parses, checks permissions and the per-user
rate limit, runs the handler and turns every failure into a short reply.
"""

from __future__ import annotations

import difflib
import logging
import shlex
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any

from core.confidence import is_floor_word, parse_confidence, parse_floor
from core.errors import Forbidden, InvalidInput, NotFound, RateLimited, ServiceError
from core.models import APIKey, DestinationKind, Platform, Role, User
from core.ratelimit import Limit
from core.services.accounts import require_scope
from core.services.destination_state import missing_permissions_text

if TYPE_CHECKING:
    from core.models import Destination
    from core.runtime import App

log = logging.getLogger(__name__)

COMMAND_LIMIT = "commands"
# a burst of 10 commands, then one every 3 seconds per user
COMMAND_LIMIT_DEFAULT = Limit(20, 60, "token_bucket", burst=10)
APOLOGY = "Sorry, something went wrong on our side. The error was logged; please try again later."


class Permission(StrEnum):
    ANYONE = "anyone"
    CHAT_ADMIN = "chat_admin"
    SERVICE_ADMIN = "service_admin"


class Audience(StrEnum):
    """Who a command menu is for (Telegram command scopes, Discord default permissions)."""

    MEMBERS = "members"  # anyone, e.g. a group's ordinary members
    CHAT_ADMINS = "chat_admins"  # a group's admins, or anyone in their own DM
    SERVICE_ADMINS = "service_admins"


class ParamType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    CONFIDENCE = "confidence"  # 0.7, 70 and 70% all mean 70% (core.confidence)
    # a subscription's minimum: a confidence, or `default` (the scorer's threshold per item)
    FLOOR = "floor"
    COMPANY = "company"  # a company name, autocompleted on Discord
    TEXT = "text"  # the rest of the line
    LIST = "list"  # the rest of the line, split on commas (or spaces without commas)


@dataclass(frozen=True)
class Param:
    """One typed parameter; transports read this to build options and usage lines."""

    name: str
    type: ParamType = ParamType.STRING
    description: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    max_length: int = 200

    @property
    def greedy(self) -> bool:
        """Takes the rest of the line (a company name does too when it is the last)."""
        return self.type in (ParamType.TEXT, ParamType.LIST)

    @property
    def label(self) -> str:
        """The name as people say it ("minimum confidence"), for messages."""
        special = {"url": "link", "ref": "alert number or link", "n": "count"}
        return special.get(self.name) or self.name.replace("min_", "minimum ").replace("_", " ")

    @property
    def numeric(self) -> bool:
        return self.type in _NUMERIC

    def takes(self, token: str) -> bool:
        """Whether a positional word is this numeric parameter's (a number, or `default`
        for a minimum confidence)."""
        return _looks_numeric(token) or (self.type == ParamType.FLOOR and is_floor_word(token))

    @property
    def placeholder(self) -> str:
        label = "|".join(self.choices) if self.choices else self.name
        if self.type == ParamType.LIST:
            label += "…"
        return f"<{label}>" if self.required else f"[{label}]"

    def convert(self, raw: Any) -> Any:
        """Check and convert one value; InvalidInput names this parameter."""
        if isinstance(raw, str):
            raw = raw.strip()
        parts = [raw] if isinstance(raw, str) else raw if isinstance(raw, list | tuple) else ()
        if any("\x00" in str(part) for part in parts):
            # PostgreSQL text cannot hold NUL: the query would fail after parsing
            raise InvalidInput(f"{self.label} must not contain NUL characters", field=self.name)
        if raw is None or raw == "" or raw == []:
            if self.required:
                raise InvalidInput(f"{self.label} is missing", field=self.name)
            return None
        if self.type == ParamType.LIST:
            items = raw if isinstance(raw, list | tuple) else _split_list(str(raw))
            items = [str(i).strip() for i in items if str(i).strip()]
            if len(items) > 50:
                raise InvalidInput(f"give at most 50 {self.label}", field=self.name)
            return items or None
        if self.type in _NUMERIC:
            return self._number(raw)
        value = str(raw)
        if len(value) > self.max_length:
            raise InvalidInput(
                f"{self.label} must be at most {self.max_length} characters", field=self.name
            )
        if self.choices:
            lowered = value.lower()
            if lowered not in self.choices:
                raise InvalidInput(
                    f"{self.label} must be one of {', '.join(self.choices)}, not {value!r}",
                    field=self.name,
                )
            return lowered
        return value

    def _number(self, raw: Any) -> float | int | str:
        if self.type == ParamType.CONFIDENCE:
            return parse_confidence(raw, self.label, self.name)
        if self.type == ParamType.FLOOR:
            return parse_floor(raw, self.label, self.name)
        if isinstance(raw, bool):
            raise InvalidInput(f"{self.label} must be a number", field=self.name)
        text = str(raw).strip()
        percent = text.endswith("%")
        try:
            value: float = float(text.rstrip("%"))
        except ValueError:
            kind = "a whole number" if self.type == ParamType.INTEGER else "a number"
            raise InvalidInput(
                f"{self.label} must be {kind}, not {text!r}", field=self.name
            ) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput(f"{self.label} must be a number", field=self.name)
        if self.type == ParamType.INTEGER:
            if percent or value != int(value):
                raise InvalidInput(f"{self.label} must be a whole number", field=self.name)
            value = int(value)
        lo, hi = self.min_value, self.max_value
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            bounds = (
                f"between {_num(lo)} and {_num(hi)}"
                if lo is not None and hi is not None
                else (f"at least {_num(lo)}" if lo is not None else f"at most {_num(hi)}")
            )
            raise InvalidInput(f"{self.label} must be {bounds}", field=self.name)
        return value


_NUMERIC = (ParamType.INTEGER, ParamType.NUMBER, ParamType.CONFIDENCE, ParamType.FLOOR)


def _num(value: float | None) -> str:
    return "" if value is None else (str(int(value)) if value == int(value) else str(value))


def _split_list(text: str) -> list[str]:
    return text.split(",") if "," in text else text.split()


@dataclass(frozen=True)
class Button:
    """An inline button: a URL to open, or callback data the transport hands back.

    `data` of the form `cmd:<command> <args>` runs that command as whoever pressed it (with
    every permission check) and shows its reply in place of the message: menus and pages.
    `row` groups buttons into rows (0-4, Discord's limit).
    """

    label: str
    data: str | None = None
    url: str | None = None
    row: int = 0


COMMAND_BUTTON = "cmd:"
MAX_BUTTON_DATA = 64  # bytes: Telegram's callback_data limit (Discord allows 100)


def command_button(label: str, command: str, *args: str, row: int = 0) -> Button | None:
    """A button that runs `/command args` when pressed; None when it would not fit the
    platforms' callback limit (the reply then says what to type instead)."""
    data = COMMAND_BUTTON + " ".join([command, *(shlex.quote(a) for a in args)])
    if len(data.encode()) > MAX_BUTTON_DATA:
        return None
    return Button(label, data=data, row=row)


def parse_command_button(data: str) -> tuple[str, str] | None:
    """`cmd:<command> <args>` → (command, args), or None for other buttons."""
    if not data.startswith(COMMAND_BUTTON):
        return None
    name, _, args = data[len(COMMAND_BUTTON) :].partition(" ")
    return (name, args) if name else None


@dataclass
class Reply:
    """What a handler returns; Telegram renders HTML, Discord an embed, REST JSON.

    `text` and field values are plain text: each transport escapes them for its platform.
    `private` asks the transport to show it only to the caller (DM, ephemeral).
    `code` is a secret or a value to copy (an API key, a link code): Telegram shows it in
    `<code>` (tap to copy), Discord in a code block, right under the title.
    """

    text: str = ""
    title: str | None = None
    code: str | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    private: bool = False
    ok: bool = True
    error: dict[str, Any] | None = None
    data: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The REST shape of a reply."""
        out: dict[str, Any] = {"ok": self.ok, "text": self.text}
        if self.title:
            out["title"] = self.title
        if self.code:
            out["code"] = self.code
        if self.fields:
            out["fields"] = [{"name": n, "value": v} for n, v in self.fields]
        if self.buttons:
            out["buttons"] = [
                {k: v for k, v in vars(b).items() if v is not None and k != "row"}
                for b in self.buttons
            ]
        if self.private:
            out["private"] = True
        if self.error:
            out["error"] = self.error
        if self.data is not None:
            out["data"] = self.data
        return out

    def plain(self) -> str:
        """Title, text and fields as one plain string (logs, tests, plain transports)."""
        lines = [self.title] if self.title else []
        if self.code:
            lines.append(self.code)
        if self.text:
            lines.append(self.text)
        lines.extend(f"{name}: {value}" for name, value in self.fields)
        return "\n".join(lines)


@dataclass
class CommandContext:
    """Who runs a command, from where; handlers reach services through `app`."""

    app: App
    user: User
    platform: Platform
    chat_id: str | None = None  # the Telegram chat / Discord channel the command came from
    chat_name: str = ""
    is_group: bool = False
    is_chat_admin: bool = False
    admin_check: Callable[[], Awaitable[bool]] | None = None  # lazy (Telegram getChatMember)
    # what the bot lacks to post alerts in this chat (Discord channel permissions); None: unknown
    missing_post_permissions: Callable[[], Awaitable[list[str]]] | None = None
    display_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    api_key: APIKey | None = None  # set when a REST call came with an API key

    @property
    def scopes(self) -> list[str] | None:
        """The API key's scopes; None for a full session (a JWT or a bot chat)."""
        return None if self.api_key is None else list(self.api_key.scopes or [])

    @property
    def destination_kind(self) -> DestinationKind | None:
        return {
            Platform.TELEGRAM: DestinationKind.TELEGRAM,
            Platform.DISCORD: DestinationKind.DISCORD,
        }.get(self.platform)

    @property
    def is_service_admin(self) -> bool:
        return self.user.role == Role.ADMIN

    async def chat_admin(self) -> bool:
        """True in a DM; in a group, the platform's admin status (checked once)."""
        if not self.is_group or self.is_chat_admin:
            return True
        if self.admin_check is not None:
            self.is_chat_admin = bool(await self.admin_check())
            self.admin_check = None
        return self.is_chat_admin

    def chat_ref(self) -> tuple[DestinationKind, str]:
        """(destination kind, chat id) of the chat the command came from."""
        kind = self.destination_kind
        if kind is None or not self.chat_id:
            raise InvalidInput(
                "this command needs a chat: run it in Telegram or Discord", field="chat"
            )
        return kind, str(self.chat_id)

    async def destination(self, *, take_over: bool = False) -> Destination:
        """This chat as a Destination, for a chat admin acting inside it.

        `take_over` (only /subscribe): created on first use, and a chat registered or owned
        by someone else passes to this admin, who then owns the group's subscription. Other
        admin commands change the chat's filters and leave its owner alone; before any
        /subscribe they say so. Only commands with CHAT_ADMIN permission may call this.
        """
        if not await self.chat_admin():
            raise Forbidden("only chat admins can change this chat's alerts", field="permission")
        kind, chat_id = self.chat_ref()
        subscriptions = self.app.subscriptions
        if not take_over:
            dest = await subscriptions.find_destination(kind, chat_id)
            if dest is not None and dest.verified:
                if await self._owner_is_here(dest):
                    return dest
                # a remote owner (registered on the web): the chat's own admins win
                return await subscriptions.ensure_destination(
                    self.user, kind, chat_id, self.chat_name, is_group=self.is_group
                )
            raise NotFound(
                "this chat is not subscribed yet; a chat admin starts with /subscribe",
                field="subscription",
            )
        return await subscriptions.ensure_destination(
            self.user, kind, chat_id, self.chat_name, is_group=self.is_group
        )

    async def check_can_post(self) -> None:
        """Refuse, naming each missing permission, when the bot could not post alerts here."""
        if self.missing_post_permissions is None:
            return
        missing = await self.missing_post_permissions()
        if missing:
            raise Forbidden(
                missing_permissions_text(missing, str(self.platform)), field="bot_permissions"
            )

    async def _owner_is_here(self, dest: Destination) -> bool:
        """Whether the chat's owner is someone of this chat's platform (an admin who
        subscribed it here), not an account that registered it from the web."""
        from core.models import Identity

        return await Identity.filter(user_id=dest.owner_id, platform=self.platform).exists()

    async def find_destination(self) -> Destination | None:
        """This chat's Destination if it has one; never creates or takes it over."""
        kind, chat_id = self.chat_ref()
        return await self.app.subscriptions.find_destination(kind, chat_id)


Handler = Callable[..., Awaitable[Reply | str]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str
    params: tuple[Param, ...] = ()
    permission: Permission = Permission.ANYONE
    help: str = ""
    group: str = "general"
    hidden: bool = False
    private: bool = False  # replies may hold secrets: transports answer only the caller
    handler: Handler | None = None
    scope: str = "write"  # the API-key scope a REST caller needs (admin commands: admin)
    example: str = ""  # one correct call, shown under every error of this command

    @property
    def usage(self) -> str:
        return " ".join([f"/{self.name}", *(p.placeholder for p in self.params)])

    @property
    def example_line(self) -> str:
        """One correct way to call it: the declared example, else the command with its
        required parameters' placeholders."""
        if self.example:
            return self.example
        return " ".join([f"/{self.name}", *(p.placeholder for p in self.params if p.required)])


def command(
    name: str,
    summary: str,
    *params: Param,
    permission: Permission = Permission.ANYONE,
    help: str = "",
    group: str = "general",
    hidden: bool = False,
    private: bool = False,
    scope: str | None = None,
    example: str = "",
) -> Callable[[Handler], Handler]:
    """Tag a handler `async def h(ctx, **params) -> Reply | str`; nothing is registered here.

    `scope` is what an API key needs to run it over REST: `read` for commands that only
    show, `write` (the default) for changes; service-admin commands always need `admin`.
    """
    if permission == Permission.SERVICE_ADMIN:
        scope = "admin"
    if scope not in (None, "read", "write", "admin"):
        raise ValueError(f"/{name}: scope must be read, write or admin")
    if not name.isascii() or not name.replace("_", "").isalnum() or name.lower() != name:
        raise ValueError(f"command names are lowercase letters, digits and _: {name!r}")
    if len(summary) > 100:
        raise ValueError(f"/{name}: summary must fit Discord's 100 characters")
    seen_optional = False
    for i, param in enumerate(params):
        if param.required and seen_optional:
            raise ValueError(f"/{name}: required {param.name} follows an optional parameter")
        seen_optional = seen_optional or not param.required
        if param.greedy and i != len(params) - 1:
            raise ValueError(f"/{name}: only the last parameter may take the rest of the line")

    def tag(func: Handler) -> Handler:
        func.__command__ = CommandSpec(  # type: ignore[attr-defined]
            name,
            summary,
            tuple(params),
            permission,
            help,
            group,
            hidden,
            private,
            scope=scope or "write",
            example=example,
        )
        return func

    return tag


class Registry:
    """The collected commands, in declaration order."""

    def __init__(self) -> None:
        self._commands: dict[str, CommandSpec] = {}

    def add(self, func: Handler) -> CommandSpec:
        spec: CommandSpec | None = getattr(func, "__command__", None)
        if spec is None:
            raise ValueError(f"{func!r} is not tagged with @command")
        if spec.name in self._commands:
            raise ValueError(f"command /{spec.name} declared twice")
        bound = replace(spec, handler=func)
        self._commands[spec.name] = bound
        return bound

    def collect(self, *modules: ModuleType) -> Registry:
        """Add every tagged function of the modules (errbot's inject_commands_from)."""
        for module in modules:
            for value in vars(module).values():
                if callable(value) and hasattr(value, "__command__"):
                    self.add(value)
        return self

    def get(self, name: str) -> CommandSpec | None:
        return self._commands.get(name.lower().lstrip("/"))

    def __iter__(self) -> Any:
        return iter(self._commands.values())

    def __len__(self) -> int:
        return len(self._commands)

    def visible(self) -> list[CommandSpec]:
        return [c for c in self._commands.values() if not c.hidden]

    def menu(self, audience: Audience) -> list[CommandSpec]:
        """The visible commands one audience may run: what its command menu lists.

        Everyone sees the commands anyone may run; a chat's admins (and anyone in a DM,
        which is their own chat) also see the chat-admin ones; service admins see all.
        """
        allowed = {
            Audience.MEMBERS: {Permission.ANYONE},
            Audience.CHAT_ADMINS: {Permission.ANYONE, Permission.CHAT_ADMIN},
            Audience.SERVICE_ADMINS: set(Permission),
        }[audience]
        return [c for c in self.visible() if c.permission in allowed]

    def names(self) -> list[str]:
        return list(self._commands)


def default_registry() -> Registry:
    """Every command of the service, collected from the command modules."""
    from core.commands import (
        accounts,
        admin,
        alerts,
        events,
        general,
        links,
        subscriptions,
        why,
    )

    return Registry().collect(general, subscriptions, alerts, why, events, accounts, admin, links)


# --- parsing -----------------------------------------------------------------------------


def tokenize(raw: str) -> list[str]:
    """Split like a shell (quotes group words); unbalanced quotes fall back to spaces."""
    try:
        return shlex.split(raw)
    except ValueError:
        return raw.split()


def parse_args(
    spec: CommandSpec, raw: str | Sequence[str] | dict[str, Any] | None
) -> dict[str, Any]:
    """Raw text, a token list or a name->value mapping → checked keyword arguments."""
    values: dict[str, Any] = {}
    if isinstance(raw, dict):
        unknown = set(raw) - {p.name for p in spec.params}
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidInput(f"unknown parameter {name!r}", field=name)
        values = dict(raw)
    else:
        tokens = tokenize(raw) if isinstance(raw, str) else [str(t) for t in raw or ()]
        values = _assign(spec, tokens)
    return {p.name: p.convert(values.get(p.name)) for p in spec.params}


def _assign(spec: CommandSpec, tokens: list[str]) -> dict[str, Any]:
    by_name = {p.name: p for p in spec.params}
    values: dict[str, Any] = {}
    positional: list[str] = []
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep and key.lower() in by_name and key.lower() not in values:
            values[key.lower()] = value
        else:
            positional.append(token)
    params = [p for p in spec.params if p.name not in values]
    i = 0
    for index, param in enumerate(params):
        if i >= len(positional):
            break
        token = positional[i]
        later_numeric = any(p.numeric for p in params[index + 1 :])
        later_other = any(not p.numeric for p in params[index + 1 :])
        if not param.required and not param.numeric and later_numeric and _looks_numeric(token):
            continue  # "/alerts 0.8": the number belongs to a later numeric parameter
        if not param.required and param.numeric and later_other and not param.takes(token):
            continue  # "/subscribe Monad": the word belongs to a later parameter
        last = index == len(params) - 1
        if param.greedy or (last and param.type == ParamType.COMPANY):
            values[param.name] = " ".join(positional[i:])
            i = len(positional)
            break
        values[param.name] = token
        i += 1
    if i < len(positional):
        extra = " ".join(positional[i:])
        raise InvalidInput(f"I did not understand {extra!r} after /{spec.name}", field="args")
    return values


def _looks_numeric(token: str) -> bool:
    try:
        float(token.rstrip("%"))
    except ValueError:
        return False
    return True


# --- executing -----------------------------------------------------------------------------


class Commands:
    """The App's command service: the registry plus the per-user command rate limit."""

    def __init__(self, app: App, registry: Registry | None = None) -> None:
        self.app = app
        self.registry = registry or default_registry()
        limiter = getattr(app, "limiter", None)
        if limiter is not None and COMMAND_LIMIT not in limiter.limits:
            limiter.set_limit(COMMAND_LIMIT, COMMAND_LIMIT_DEFAULT)

    async def execute(
        self,
        name: str,
        args: str | Sequence[str] | dict[str, Any] | None,
        ctx: CommandContext,
    ) -> Reply:
        """Run one command for `ctx`; never raises: every failure becomes a reply."""
        spec = self.registry.get(name)
        if spec is None or spec.handler is None:
            return unknown_command_reply(self.registry, ctx, name)
        try:
            limiter = getattr(self.app, "limiter", None)
            if limiter is not None:
                await limiter.check(COMMAND_LIMIT, f"user:{ctx.user.id}")
            kwargs = parse_args(spec, args)
            await check_permission(spec, ctx)
            result = await spec.handler(ctx, **kwargs)
        except RateLimited as exc:
            return error_reply(
                exc,
                f"Slow down: too many commands. Try again in {max(1, round(exc.retry_after))}s.",
            )
        except InvalidInput as exc:
            return error_reply(exc, f"{sentence(exc.message)}\nExample: {spec.example_line}")
        except ServiceError as exc:
            return error_reply(exc, sentence(exc.message))
        except Exception:
            log.exception(
                "command /%s failed (user %s, platform %s, chat %s)",
                spec.name,
                ctx.user.id,
                ctx.platform,
                ctx.chat_id,
            )
            reply = Reply(APOLOGY, ok=False)
            reply.error = {"code": "internal", "message": "internal error"}
            return reply
        return result if isinstance(result, Reply) else Reply(str(result))


def error_reply(exc: ServiceError, text: str) -> Reply:
    return Reply(text, ok=False, error=exc.to_dict())


def sentence(text: str) -> str:
    """Sentence case with a full stop: 'minimum confidence is missing' → 'Minimum ... missing.'"""
    text = text.strip()
    if not text:
        return text
    if text[0].islower():
        text = text[0].upper() + text[1:]
    return text + "." if text[-1].isalnum() or text[-1] in "'\"%" else text


def suggest_command(registry: Registry, ctx: CommandContext, name: str) -> str | None:
    """The closest command this caller may use ('/subscirbe' → 'subscribe'), if any."""
    names = [
        spec.name
        for spec in registry
        if not spec.hidden and (spec.permission != Permission.SERVICE_ADMIN or ctx.is_service_admin)
    ]
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
    if not close:
        close = [n for n in names if n.startswith(name.lower())][:1] if len(name) >= 3 else []
    return close[0] if close else None


def unknown_command_reply(registry: Registry, ctx: CommandContext, name: str) -> Reply:
    """'Did you mean /subscribe?' plus /help, not the whole list of commands."""
    guess = suggest_command(registry, ctx, name)
    text = f"There is no /{name} command."
    if guess:
        text += f" Did you mean /{guess}?"
    text += " /help lists every command."
    return Reply(
        text,
        ok=False,
        error={"code": "not_found", "message": f"unknown command /{name}"},
        data={"suggestion": guess} if guess else None,
    )


async def check_permission(spec: CommandSpec, ctx: CommandContext) -> None:
    """The one permission check of every door: the key's scope, then the caller's role."""
    require_scope(ctx.scopes, spec.scope)
    if spec.permission == Permission.SERVICE_ADMIN and not ctx.is_service_admin:
        raise Forbidden(
            f"/{spec.name} is for service admins; ask an admin, or /link an admin account",
            field="permission",
        )
    if spec.permission == Permission.CHAT_ADMIN and not await ctx.chat_admin():
        raise Forbidden(
            f"only chat admins can use /{spec.name} in a group; ask an admin of this chat",
            field="permission",
        )


async def execute(
    app: App,
    name: str,
    args: str | Sequence[str] | dict[str, Any] | None,
    ctx: CommandContext,
) -> Reply:
    """The entry point every transport (Telegram, Discord, REST) calls."""
    return await app.commands.execute(name, args, ctx)


def help_reply(registry: Iterable[CommandSpec], ctx: CommandContext, *, prefix: str = "") -> Reply:
    """A short list of commands this caller can use."""
    lines = [prefix] if prefix else []
    lines.append("Commands:")
    for spec in registry:
        if spec.hidden:
            continue
        if spec.permission == Permission.SERVICE_ADMIN and not ctx.is_service_admin:
            continue
        lines.append(f"{spec.usage} — {spec.summary}")
    return Reply("\n".join(lines))
