"""`tge-monitor`: the command line, and the one place that wires core, bot and web together."""

from __future__ import annotations

import argparse
import asyncio
import atexit
import dataclasses
import getpass
import json
import logging
import logging.handlers
import os
import queue
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from core.config import Settings, SettingsError
from core.errors import InvalidInput, ServiceError, StartupError
from core.redact import RedactingFilter
from core.runtime import App, create_app, run_until_signalled

log = logging.getLogger("tge_monitor")


# Libraries that log every request or job at INFO (apscheduler: two lines a second).
QUIET_LIBRARIES = (
    "apscheduler",
    "aiohttp.access",
    "aiohttp.server",
    "tortoise",
    "aerich",
    "aiosqlite",
    "asyncpg",
    "discord",
    "telegram",
)
# Client libraries whose request lines carry secrets (Telegram's URLs hold the bot token):
# WARNING even at DEBUG.
SECRET_BEARING = ("httpx", "httpcore", "discord.http")


def configure_logging(level: str) -> None:
    """Log through a queue: the event loop only enqueues, a thread writes to stderr.

    A synchronous stderr write per access-log line cost the API about a third of its
    throughput (bench api), and a slow terminal or pipe would stall every request.
    Third-party libraries stay at WARNING unless LOG_LEVEL=DEBUG.
    """
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    stream.addFilter(RedactingFilter())  # secrets in URLs never reach a log line
    log_queue: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = logging.handlers.QueueListener(log_queue, stream, respect_handler_level=True)
    listener.start()
    atexit.register(listener.stop)  # drains what is queued before the process exits
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(log_queue)]
    root.setLevel(getattr(logging, level, logging.INFO))
    debug = root.level <= logging.DEBUG
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.WARNING)
    for name in SECRET_BEARING:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


# --- wiring: which components each process runs ------------------------------------------


def add_web(app: App) -> None:
    from web.app import WebServer

    app.add(WebServer(app))


def add_worker(app: App) -> None:
    """Monitors and the delivery dispatcher (wired as their issues land)."""
    from core.monitors.scheduler import Poller
    from core.monitors.stream import StreamRunner
    from core.monitors.websub import WebSubRenewer

    app.add(Poller(app))
    app.add(StreamRunner(app))  # push sources: one leased connection per streaming feed
    if app.settings.websub:
        app.add(WebSubRenewer(app))  # WebSub leases renewed before they end
    add_delivery(app)


def add_delivery(app: App) -> None:
    """The outbox dispatcher and digest sender; Telegram/Discord channels when configured."""
    from core.alerts.digest import DigestWorker
    from core.alerts.dispatcher import Dispatcher
    from core.alerts.retention import DeliveryPruner
    from core.events.reminders import ReminderWorker

    settings = app.settings
    if settings.telegram_bot_token:
        from bot.telegram.channel import TelegramChannel

        app.channels.register(
            TelegramChannel(settings.telegram_bot_token, settings.telegram_api_base)
        )
    if settings.discord_bot_token:
        from bot.discord.channel import DiscordChannel

        app.channels.register(DiscordChannel(settings.discord_bot_token, settings.discord_api_base))
    for kind in app.channels.kinds():
        channel = app.channels.get(kind)
        if channel is not None:
            # platform limits counted in the App's limiter backend: Redis-wide across
            # workers when REDIS_URL is set (in-process while Redis is away)
            channel.share_limits(lambda: app.limiter.backend)
    app.add(Dispatcher(app))
    app.add(DigestWorker(app))
    app.add(ReminderWorker(app))
    app.add(DeliveryPruner(app))  # finished deliveries after DELIVERY_RETENTION_DAYS


def add_bots(app: App) -> None:
    """Telegram and Discord bots, for whichever tokens are configured."""
    settings = app.settings
    if settings.telegram_bot_token:
        from bot.telegram.app import TelegramBot

        app.add(TelegramBot(app))
    if settings.discord_bot_token:
        from bot.discord.app import DiscordBot

        app.add(DiscordBot(app))
    if not (settings.telegram_bot_token or settings.discord_bot_token):
        log.info("no bot tokens configured (TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN)")


def add_heartbeat(app: App, part: str) -> None:
    """A file the `health` command reads: the process itself says it is alive."""
    from core.health import Heartbeat

    app.add(Heartbeat(app, part))


PARTS: dict[str, list[Callable[[App], None]]] = {
    "run": [add_web, add_worker, add_bots],
    "web": [add_web],
    "worker": [add_worker],
    "bots": [add_bots],
}


def build(settings: Settings, part: str) -> App:
    app = create_app(settings)
    for add in PARTS[part]:
        add(app)
    if app.components:
        add_heartbeat(app, part)
    return app


def _seed_and_greet(part: str) -> Callable[[App], Any]:
    """Start hook: default catalogues on a fresh database, then the first-run guide once."""

    async def hook(app: App) -> None:
        from core.first_run import first_run_guide
        from core.services.catalogue import Catalogue

        seeded = await Catalogue(app).seed()
        guide = await first_run_guide(app, web=part in ("run", "web"), first=bool(seeded["first"]))
        if guide:
            print(guide, flush=True)

    return hook


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    overrides: dict[str, Any] = {}
    if getattr(args, "host", None):
        overrides["api_host"] = args.host
    if getattr(args, "port", None) is not None:
        overrides["api_port"] = args.port
    if overrides:
        settings = dataclasses.replace(settings, **overrides)
    if args.command == "bots" and not (settings.telegram_bot_token or settings.discord_bot_token):
        print(
            "error: bots: no bot token is set; set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN "
            "(or do not start this service)",
            file=sys.stderr,
        )
        return 2
    app = build(settings, args.command)
    if not app.components:
        print(f"{args.command}: nothing to run (no component is configured for it)")
        return 0
    from core.memory import limit_malloc_arenas

    limit_malloc_arenas()  # before the service's threads (database, executor) allocate
    app.on_start(_seed_and_greet(args.command))
    asyncio.run(run_until_signalled(app))
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from core.services.catalogue import Catalogue

    async def go() -> list[str]:
        app = create_app(settings)
        try:
            await app.open()
            await Catalogue(app).seed()
        finally:
            await app.stop()
        return app.applied_migrations

    applied = asyncio.run(go())
    print(f"applied {len(applied)} migration(s) on {settings.db_dialect}: {', '.join(applied)}")
    return 0


def cmd_makemigrations(args: argparse.Namespace, settings: Settings) -> int:
    from core import db

    written = asyncio.run(db.make_migrations(args.name, args.postgres))
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("no model changes")
    return 0


def read_new_password(prompt: str = "Admin password") -> str:
    """Twice on a terminal (so a typo is caught); one line from stdin otherwise, silently."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if first != getpass.getpass(f"{prompt} (again): "):
            raise InvalidInput("the two passwords differ; nothing changed")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_create_admin(args: argparse.Namespace, settings: Settings) -> int:
    password = args.password or os.environ.get("ADMIN_PASSWORD") or ""
    if not password:
        password = read_new_password()

    async def go() -> tuple[Any, bool]:
        app = create_app(settings)
        try:
            await app.open()
            return await app.accounts.ensure_admin(args.username, password)
        finally:
            await app.stop()

    user, created = asyncio.run(go())
    print(f"{'created' if created else 'reset'} admin {user.username!r} (id {user.id})")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Users' votes as labelled examples (export) or error rates (stats), from the database."""
    from pathlib import Path

    from core.alerts import feedback

    async def go() -> Any:
        app = create_app(settings)
        try:
            await app.open()
            if args.action == "stats":
                return await feedback.stats(args.limit)
            return await feedback.export_rows()
        finally:
            await app.stop()

    result = asyncio.run(go())
    if args.action == "stats":
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    rows, skipped = result
    out = Path(args.out) if args.out else None
    try:
        text = feedback.write_jsonl(rows, out)
    except OSError as exc:
        from core.errors import InvalidInput

        raise InvalidInput(f"--out: cannot write {out}: {exc.strerror or exc}") from None
    if out is None:
        sys.stdout.write(text)
    positives = sum(1 for r in rows if r["is_tge"])
    print(
        f"exported {len(rows)} labelled alert(s) ({positives} TGE, {len(rows) - positives} not)"
        + (f" to {out}" if out else "")
        + (f"; skipped {skipped} whose votes cancel out" if skipped else ""),
        file=sys.stderr,
    )
    return 0


def cmd_companies(args: argparse.Namespace, settings: Settings) -> int:
    """`companies import FILE`: many companies, one bulk insert, one engine rebuild."""
    import time

    async def go() -> dict[str, int]:
        app = create_app(settings)
        try:
            await app.open()
            result = await app.companies.import_file(args.file)
            await app.companies.rebuilt(within_s=120)
            return result
        finally:
            await app.stop()

    started = time.perf_counter()
    result = asyncio.run(go())
    took = time.perf_counter() - started
    print(
        f"imported {args.file}: {result['created']} created, {result['updated']} updated, "
        f"{result['unchanged']} unchanged in {took:.1f}s"
    )
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    """List or switch the default source catalogue (works whatever DEFAULT_SOURCES says)."""
    from core.services.catalogue import Catalogue

    async def go() -> list[str]:
        app = create_app(settings)
        try:
            await app.open()
            catalogue = Catalogue(app)
            if args.action == "list":
                lines = []
                for source, feed in await catalogue.listing():
                    if feed is None:
                        state = "not loaded"
                    elif feed.enabled:
                        state = f"on (feed #{feed.id})"
                    else:
                        state = f"off (feed #{feed.id}: {feed.disabled_reason or 'disabled'})"
                    lines.append(
                        f"{source.key:<22} {source.kind:<5} every {source.interval_s:>4}s  "
                        f"{state:<24} {source.url}"
                    )
                if not settings.default_sources:
                    lines.append("(DEFAULT_SOURCES=false: the catalogue is kept off at start-up)")
                return lines
            feeds = await catalogue.set_enabled(args.key, args.action == "enable")
            verb = "enabled" if args.action == "enable" else "disabled"
            return [f"{verb} #{f.id} {f.name} ({f.url})" for f in feeds] or ["nothing to change"]
        finally:
            await app.stop()

    if args.action in ("import", "export"):
        return _sources_opml(args, settings)
    if args.action != "list" and not args.key:
        raise InvalidInput(f"sources {args.action} needs a catalogue key (or 'all')")
    for line in asyncio.run(go()):
        print(line)
    return 0


def _sources_opml(args: argparse.Namespace, settings: Settings) -> int:
    """`sources import FILE.opml` adds a reader's feeds; `sources export [FILE]` writes ours."""
    from core.services.opml import export_opml, import_opml, parse_opml

    if args.action == "import":
        if not args.key:
            raise InvalidInput("sources import needs an OPML file (sources import feeds.opml)")
        try:
            data = Path(args.key).read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {args.key}: {exc.strerror or exc}") from None
        parse_opml(data)  # a bad document is refused before anything starts

    async def go() -> Any:
        app = create_app(settings)
        try:
            await app.open()
            if args.action == "export":
                return await export_opml()
            return await import_opml(app.feeds, data)
        finally:
            await app.stop()

    result = asyncio.run(go())
    if args.action == "export":
        if args.key:
            Path(args.key).write_text(result)
            print(f"wrote {result.count('<outline ')} feed(s) to {args.key}")
        else:
            sys.stdout.write(result)
        return 0
    for row in result["skipped"]:
        print(f"skipped {row['url']}: {row['reason']}")
    print(
        f"imported {args.key}: {len(result['added'])} feed(s) added, "
        f"{len(result['skipped'])} skipped of {result['total']}"
    )
    return 0


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """Ask the running process: its heartbeat file, and /health when it serves HTTP."""
    from core.health import check_health

    ok, line = asyncio.run(check_health(settings, args.part, max_age_s=args.max_age))
    print(line)
    return 0 if ok else 1


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from core.bundled import COMPANIES_FILE, DEV_EVAL_FILE
    from core.errors import InvalidInput
    from core.scoring.evaluate import evaluate, format_report

    if args.events:
        from core.events.evaluate import PAIRS_FILE, evaluate_events, format_events

        pairs, companies = args.data or PAIRS_FILE, args.companies or COMPANIES_FILE
        for path, flag in ((pairs, "--data"), (companies, "--companies")):
            if not os.path.isfile(path):
                raise InvalidInput(f"{flag}: file not found: {path}")
        result = evaluate_events(pairs, companies, args.split)
        print(json.dumps(result) if args.json else format_events(result))
        return 0
    data, companies = args.data or DEV_EVAL_FILE, args.companies or COMPANIES_FILE
    for path, flag in ((data, "--data"), (companies, "--companies")):
        if not os.path.isfile(path):
            raise InvalidInput(f"{flag}: file not found: {path}")
    model = None
    if not args.rules_only:
        from core.scoring.model import (
            ModelError,
            attach_cjk,
            cjk_model_for_setting,
            model_for_setting,
            read_model,
        )

        given = settings.alert_threshold if args.threshold is None else args.threshold
        if args.model:
            try:  # asked for by name: a bad file is an error here, not a silent fallback
                model = read_model(args.model)
            except ModelError as exc:
                raise InvalidInput(f"--model: {exc}") from None
            attach_cjk(model, cjk_model_for_setting(settings.scoring_model_cjk), given)
        else:
            model = model_for_setting(settings.scoring_model, settings.scoring_model_cjk, given)
    from core.scoring.model import alert_threshold

    # --threshold, else ALERT_THRESHOLD, else the model's (or the encoder stage's) decision
    # threshold, else 0.5
    threshold = alert_threshold(
        settings.alert_threshold if args.threshold is None else args.threshold, model
    )
    encoder = None
    if args.encoder is not None:
        encoder = _eval_encoder(args, settings, model)
        # as the service (core.runtime.App): what the stage leaves to the linear model is
        # judged at the linear model's threshold
        encoder.linear_threshold = threshold
        if args.threshold is None and settings.alert_threshold is None:
            threshold = encoder.threshold
    only_ids = None
    if args.only_ids:
        from core.scoring.train import read_ids

        if not os.path.isfile(args.only_ids):
            raise InvalidInput(f"--only-ids: file not found: {args.only_ids}")
        only_ids = read_ids(args.only_ids)
    skip_ids: set[str] = set()
    if args.exclude_ids:
        from core.scoring.train import read_ids

        if not os.path.isfile(args.exclude_ids):
            raise InvalidInput(f"--exclude-ids: file not found: {args.exclude_ids}")
        skip_ids = read_ids(args.exclude_ids)
    if args.discovery:
        from core.scoring import ScoringEngine
        from core.scoring.discovery import evaluate_discovery, format_discovery, is_listed
        from core.scoring.evaluate import item_headlines, load_companies, load_items
        from core.scoring.history import history_for

        # only --companies stay listed (none by default); items about them are left out
        listed = load_companies(args.companies) if args.companies else []
        items = [
            i
            for i in load_items(data)
            if not is_listed(i.get("company"), listed)
            and (only_ids is None or str(i.get("id")) in only_ids)
            and str(i.get("id")) not in skip_ids
        ]
        if not items:
            raise InvalidInput("no items to evaluate (check --data and --only-ids)")
        history = history_for(model, item_headlines(items))
        engine = ScoringEngine(listed, model=model, history=history, undated_now=False)
        result = evaluate_discovery(items, engine, threshold)
        result["scorer"] = model.name if model is not None else "rules only"
        print(json.dumps(result, default=str) if args.json else format_discovery(result))
        return 0
    result = evaluate(
        data,
        companies,
        threshold=threshold,
        model=model,
        only_ids=only_ids,
        skip_ids=skip_ids,
        encoder=encoder,
    )
    if not result["n"]:
        raise InvalidInput("no items to evaluate (check --data and --only-ids)")
    if args.plot:
        from core.scoring.evaluate import plot

        plot(result, args.plot)
    result.pop("curve", None)
    print(json.dumps(result, default=str) if args.json else format_report(result))
    if args.plot:
        print(f"plot written to {args.plot}", file=sys.stderr)
    return 0


def _eval_encoder(args: argparse.Namespace, settings: Settings, model: Any) -> Any:
    """The encoder stage ``eval --encoder`` asks for, or InvalidInput saying why not (asked
    for by name: no silent fallback on the linear model)."""
    from core.errors import InvalidInput
    from core.scoring.encoder import (
        ENCODER_DIR,
        EncoderError,
        EncoderStage,
        check_partner,
        read_card,
    )
    from core.scoring.model import BUNDLED_MODEL

    if args.discovery or args.events:
        raise InvalidInput("--encoder: not with --discovery or --events")
    if model is None:
        raise InvalidInput("--encoder: the stage needs the linear model (not --rules-only)")
    where = args.encoder or settings.scoring_encoder_model or None
    try:
        card = read_card(where or ENCODER_DIR)
        check_partner(card, args.model or settings.scoring_model or BUNDLED_MODEL)
        return EncoderStage.from_card(card)
    except EncoderError as exc:
        raise InvalidInput(f"--encoder: {exc}") from None


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    """Train the learned scoring model; print its grouped-CV figures; write the model file."""
    import time
    from pathlib import Path

    from core.scoring.model import BUNDLED_CJK_MODEL, BUNDLED_MODEL
    from core.scoring.train import FINAL_TEST_IDS, TrainConfig, format_cv, train, write_model

    holdout = None if args.no_holdout else (args.holdout or FINAL_TEST_IDS)
    if holdout is not None and not args.holdout and not Path(holdout).is_file():
        holdout = None  # no final test split drawn yet
    config = TrainConfig(seed=args.seed, repeats=args.repeats, folds=args.folds, jobs=args.jobs)
    if args.c:
        if any(not 0 < c <= 1000 for c in args.c):
            raise InvalidInput("--c: each value must be above 0 and at most 1000")
        config = dataclasses.replace(config, c_grid=tuple(args.c))
    if args.ngram_max is not None:
        if not 1 <= args.ngram_max <= 4:
            raise InvalidInput("--ngram-max: must be 1..4 (what the model file allows)")
        config = dataclasses.replace(config, ngram_max=args.ngram_max)
    if args.drop:
        if any(n.startswith(("w:", "tw:")) for n in args.drop):
            raise InvalidInput("--drop: name an engine signal (e.g. len:short), not a phrase")
        config = dataclasses.replace(config, drop=tuple(args.drop))
    if args.features:
        unknown = sorted(set(args.features) - {"pagekind", "cjk"})
        if unknown:
            raise InvalidInput(f"--features: unknown {', '.join(unknown)} (known: pagekind, cjk)")
        config = dataclasses.replace(config, features=tuple(dict.fromkeys(args.features)))
    if args.calibration:
        config = dataclasses.replace(config, calibration=args.calibration)
    started = time.perf_counter()
    cjk = "cjk" in config.features  # MZ: its own name and file (scores zh/ja/ko items)
    name = "tge-model-cjk" if cjk else "tge-model-v1"
    model = train(args.data, args.train_only or (), holdout=holdout, config=config, name=name)
    out = write_model(model, args.out or (BUNDLED_CJK_MODEL if cjk else BUNDLED_MODEL))
    took = time.perf_counter() - started
    if args.json:
        print(json.dumps({"model": str(out), "seconds": round(took, 1), "card": model["card"]}))
    else:
        print(format_cv(model))
        if holdout is not None:
            print(f"final test ids kept out: {holdout}")
        print(f"wrote {out} ({out.stat().st_size // 1024} KB) in {took:.1f} s")
    return 0


def encoder_options(args: argparse.Namespace) -> dict[str, Any]:
    """train-encoder's candidate options as ``rebuild``'s keywords; none given: R8's defaults
    (nothing passed, so the card is the committed model's). ``--relabel none``: no relabel (E's
    recipe). Bad files or names: a clear error."""
    import re
    import shlex
    from pathlib import Path

    from core.errors import InvalidInput
    from core.scoring.encoder_train import NO_RELABEL, REBUILD, calibration_key

    opts: dict[str, Any] = {}
    words: list[str] = []
    if args.train:
        for f in args.train:
            if not Path(f).is_file():
                raise InvalidInput(f"--train: file not found: {f}")
        if len({Path(f).resolve() for f in args.train}) != len(args.train):
            raise InvalidInput("--train: a file is given twice")
        opts["train_files"] = [Path(f) for f in args.train]
        words += ["--train", *args.train]
    if args.relabel == NO_RELABEL:
        opts["relabel"] = None
        words += ["--relabel", NO_RELABEL]
    elif args.relabel:
        if not Path(args.relabel).is_file():
            raise InvalidInput(f"--relabel: file not found: {args.relabel}")
        opts["relabel"] = Path(args.relabel)
        words += ["--relabel", args.relabel]
    if args.calibrate:
        sets: dict[str, Path] = {}
        for spec in args.calibrate:
            key, sep, f = spec.partition("=")
            path = Path(f if sep else spec)
            key = key if sep else calibration_key(path)
            if not key or not path.is_file():
                raise InvalidInput(f"--calibrate: file not found: {spec}")
            if key in sets:
                raise InvalidInput(f"--calibrate: set {key} given twice")
            sets[key] = path
        if "3" not in sets:
            raise InvalidInput("--calibrate: the sets must include batch 3 (the guardrail's)")
        opts["calibrate"] = sets
        words += ["--calibrate", *args.calibrate]
    if args.name is not None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,31}", args.name):
            raise InvalidInput("--name: letters, digits, _ or -, starting with a letter")
        opts["name"] = args.name
        words += ["--name", args.name]
    if args.rule:
        opts["rule"] = args.rule
        words += ["--rule", args.rule]
    if args.max_len is not None:
        if not 8 <= args.max_len <= 512:
            raise InvalidInput("--max-len must be 8..512 word pieces")
        opts["max_len"] = args.max_len
        words += ["--max-len", str(args.max_len)]
    weight = getattr(args, "encoder_weight", None)
    if weight is not None:
        if not 0.0 < weight <= 1.0:
            raise InvalidInput("--encoder-weight must lie in (0, 1] (0.5: the plain mean)")
        opts["encoder_weight"] = weight
        words += ["--encoder-weight", f"{weight:g}"]
    if words:
        opts["rebuild_cmd"] = REBUILD + " " + shlex.join(words)
    return opts


def cmd_train_encoder(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild the encoder stage (core.scoring.encoder_train): ~20 min on one core."""
    from pathlib import Path

    from core.errors import InvalidInput

    try:
        from core.scoring.encoder_train import TrainEncoderError, rebuild
    except ImportError as exc:  # numpy or scikit-learn
        raise InvalidInput(
            f"train-encoder needs the [train-encoder] extra ({exc.name} is not installed)"
        ) from None
    if args.from_pt and not Path(args.from_pt).is_file():
        raise InvalidInput(f"--from-pt: file not found: {args.from_pt}")
    if not 1 <= args.threads <= 64:
        raise InvalidInput("--threads must be 1..64")
    opts = encoder_options(args)
    try:
        out = rebuild(
            Path(args.out),
            threads=args.threads,
            from_pt=Path(args.from_pt) if args.from_pt else None,
            **opts,
        )
    except TrainEncoderError as exc:
        raise InvalidInput(f"train-encoder: {exc}") from None
    res = out["result"]
    form = res["forms"][res["form"]]
    s = res["figures"]["S"]
    print(
        f"chosen form {res['form']}: Platt a {form['platt'][0]:.4f} b {form['platt'][1]:.4f},"
        f" threshold {form['threshold']:.2f}; on S (shaped) F1 {s[res['form']]['f1']:.3f}"
        f" AP {s[res['form']]['average_precision']:.3f} (M0 {s['M0']['average_precision']:.3f})"
    )
    print(f"wrote {out['card']}")
    return 0


def cmd_holdout(args: argparse.Namespace, settings: Settings) -> int:
    """Draw the final test split once: a grouped ~20% of the corpus, saved as ids."""
    from pathlib import Path

    from core.errors import InvalidInput
    from core.scoring.train import FINAL_TEST_IDS, final_test_split

    out = Path(args.out or FINAL_TEST_IDS)
    if out.exists() and not args.force:
        raise InvalidInput(
            f"{out} exists: a final test split is drawn once (use --force to draw it again)"
        )
    if not 0.05 <= args.fraction <= 0.5:
        raise InvalidInput("--fraction must be between 0.05 and 0.5")
    ids = final_test_split(args.data, fraction=args.fraction, seed=args.seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = ", ".join(Path(p).name for p in args.data)
    out.write_text(
        f"# final test split: {len(ids)} ids of {names}, grouped by project, seed {args.seed},"
        f" fraction {args.fraction}.\n# Never used for training or tuning; "
        "`tge-monitor train` leaves these projects out.\n" + "\n".join(ids) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(ids)} final test ids to {out}")
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.what == "scoring":
        from core.scoring.bench import bench_scoring
        from core.scoring.model import BUNDLED_CJK_MODEL, BUNDLED_MODEL, RULES_ONLY

        choice = settings.scoring_model
        model_path = None if choice.lower() in RULES_ONLY else (choice or BUNDLED_MODEL)
        cjk = settings.scoring_model_cjk  # the CJK model loaded beside it, as the service does
        result = bench_scoring(
            companies=args.companies,
            items=args.items,
            model_path=model_path,
            cjk_model_path=None if cjk.lower() in RULES_ONLY else (cjk or BUNDLED_CJK_MODEL),
        )
    elif args.what == "encoder":
        from core.scoring.encoder import EncoderError
        from core.scoring.encoder_bench import bench_encoder

        try:
            result = bench_encoder(settings.scoring_encoder_model or None, items=args.items)
        except EncoderError as exc:
            print(f"bench encoder: {exc}", file=sys.stderr)
            return 2
    elif args.what == "ingest" and args.sources:
        from core.monitors.scheduler_bench import bench_sources

        result = asyncio.run(bench_sources(args.sources, window_s=args.window))
    elif args.what == "ingest":
        from core.monitors.bench import bench_ingest

        result = bench_ingest()
    elif args.what == "delivery":
        from bot.telegram.channel import TelegramChannel
        from core.alerts.bench import bench_delivery

        def unthrottled(token: str, base: str, pool: int) -> TelegramChannel:
            off = (0, 1.0)
            return TelegramChannel(
                token, base, per_chat=off, overall=off, per_group=off, pool_size=pool
            )

        result = asyncio.run(bench_delivery(unthrottled))
    elif args.what == "workers":
        from core.alerts.workers_bench import BenchUnavailable, bench_workers

        try:
            result = asyncio.run(bench_workers(workers=args.workers, chats=args.chats))
        except BenchUnavailable as exc:
            print(f"bench workers: {exc}", file=sys.stderr)
            return 2
    elif args.what == "links":
        from core.linkguard.bench import bench_links

        result = bench_links()
    elif args.what == "api":
        from web.bench import bench_api

        result = asyncio.run(bench_api(settings))
    elif args.what == "companies":
        from core.services.companies_bench import (
            GOAL_ADD_ONE_MS,
            GOAL_IMPORT_S,
            bench_companies,
            bench_companies_cli,
        )
        from web.bench import bench_companies_rest

        result = asyncio.run(bench_companies())
        result.update(asyncio.run(bench_companies_rest(settings)))
        result.update(bench_companies_cli())
        result.update(goal_import_s=GOAL_IMPORT_S, goal_add_one_ms=GOAL_ADD_ONE_MS)
    elif args.what == "memory":
        from core.memory_bench import bench_memory

        result = asyncio.run(bench_memory(companies=args.memory_companies))
    elif args.what == "ws":
        from web.bench import bench_ws

        result = asyncio.run(bench_ws(settings))
    elif args.what == "login":
        from web.bench import bench_login

        result = asyncio.run(bench_login(settings))
    elif args.what == "latency":
        from core.monitors.latency_bench import bench_latency

        result = asyncio.run(
            bench_latency(items=args.latency_items, poll_interval_s=args.poll_interval)
        )
    else:
        print(f"bench {args.what}: not available yet", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def cmd_parse_check(args: argparse.Namespace, settings: Settings) -> int:
    """Compare our feed parsing with feedparser's over a directory of feeds."""
    from pathlib import Path

    from core.errors import InvalidInput
    from core.monitors.parse_check import check_directory, format_report

    try:
        result = check_directory(Path(args.dir))
    except FileNotFoundError as exc:
        raise InvalidInput(str(exc)) from None
    print(json.dumps(result, default=str) if args.json else format_report(result))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Replay the bundled feeds through the real pipeline and print the alerts."""
    from pathlib import Path

    from core.monitors.demo import run_demo

    if not args.debug:  # the demo prints its results; the pipeline's logs stay out of them
        logging.getLogger().setLevel(logging.WARNING)
    asyncio.run(
        run_demo(
            settings,
            feeds_dir=Path(args.feeds) if args.feeds else None,
            companies=Path(args.companies) if args.companies else None,
        )
    )
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tge-monitor")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {raw!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tge-monitor", description=__doc__)
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    p.add_argument(
        "--debug", action="store_true", help="show tracebacks and debug logs (LOG_LEVEL=DEBUG)"
    )
    sub = p.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="one of these (COMMAND --help for more)",
    )

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")

    for name, help_text in (
        ("run", "run everything in one process (web, monitors, dispatcher, bots)"),
        ("web", "serve the REST/WebSocket API and the dashboard"),
        ("worker", "run the monitors and the delivery dispatcher"),
        ("bots", "run the Telegram and Discord bots"),
    ):
        sp = command(name, help_text)
        if name in ("run", "web"):
            sp.add_argument("--host", help="address to listen on (default: API_HOST)")
            sp.add_argument("--port", type=_port, help="port to listen on (default: API_PORT)")
        sp.set_defaults(func=cmd_serve)
    sp = command("migrate", "create or upgrade the database schema")
    sp.set_defaults(func=cmd_migrate)
    sp = command("makemigrations", "(developers) write the next migration for both dialects")
    sp.add_argument("name", help="a short name for the migration, e.g. add_event_table")
    sp.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/test",
        help="PostgreSQL server to generate against (a scratch database is made there)",
    )
    sp.set_defaults(func=cmd_makemigrations)
    sp = command("create-admin", "create an admin account or reset its password")
    sp.add_argument("username", help="the admin's user name")
    sp.add_argument(
        "--password",
        help="the password (default: ADMIN_PASSWORD, else asked twice on a terminal, "
        "else one line read from stdin)",
    )
    sp.set_defaults(func=cmd_create_admin)
    sp = command("companies", "manage watched companies in bulk")
    csub = sp.add_subparsers(dest="action", required=True, metavar="ACTION", help="import")
    ip = csub.add_parser("import", help="add or update companies from a companies.json list")
    ip.add_argument("file", help="a JSON list of {name, tokens, aliases, priority, ...}")
    ip.set_defaults(func=cmd_companies)
    sp = command("sources", "list or switch the default source catalogue; import or export OPML")
    sp.add_argument(
        "action", choices=["list", "enable", "disable", "import", "export"], help="what to do"
    )
    sp.add_argument(
        "key",
        nargs="?",
        help="enable/disable: a catalogue key from 'sources list', or 'all'; import: an OPML "
        "file; export: the file to write (standard output without)",
    )
    sp.set_defaults(func=cmd_sources)
    sp = command("health", "check that a running tge-monitor process is alive (exit 0/1)")
    sp.add_argument(
        "part",
        nargs="?",
        default="run",
        choices=sorted(PARTS),
        help="which process to ask (default: run)",
    )
    sp.add_argument(
        "--max-age",
        type=float,
        default=60.0,
        help="seconds after which a silent heartbeat counts as dead (default 60)",
    )
    sp.set_defaults(func=cmd_health)
    sp = command("eval", "measure the scorer on labelled items")
    sp.add_argument("--data", help="labelled items, JSON Lines (default: the bundled dev set)")
    sp.add_argument("--companies", help="companies.json (default: the bundled one)")
    sp.add_argument(
        "--threshold",
        type=float,
        help="alert threshold (default ALERT_THRESHOLD, else the model's decision threshold)",
    )
    sp.add_argument("--json", action="store_true", help="print the full result as JSON")
    sp.add_argument(
        "--discovery",
        action="store_true",
        help="measure discovery: score with no companies (or only --companies) and report "
        "how many TGEs are recognised as new projects, with the right name or ticker",
    )
    sp.add_argument(
        "--rules-only", action="store_true", help="score with the rules alone (no learned model)"
    )
    sp.add_argument("--model", help="a model file (default: SCORING_MODEL, else the bundled one)")
    sp.add_argument("--only-ids", help="evaluate only the items whose ids this file lists")
    sp.add_argument(
        "--exclude-ids",
        help="leave out the items whose ids this file lists (e.g. the final test split)",
    )
    sp.add_argument("--plot", help="draw a precision-recall curve and reliability diagram (PNG)")
    sp.add_argument(
        "--encoder",
        nargs="?",
        const="",
        metavar="CARD",
        help="score through the encoder second stage as the service does (its card or folder; "
        "alone: SCORING_ENCODER_MODEL, else the bundled one); the threshold defaults to the "
        "stage's",
    )
    sp.add_argument(
        "--events",
        action="store_true",
        help="measure same-event joining on labelled real pairs (--data: a pairs file, "
        "default core/data/eval/events/pairs.jsonl)",
    )
    sp.add_argument(
        "--split",
        # final27 to final29 were never drawn (too few pairs at their trials): no choice
        choices=["dev", "test", *(f"final{n}" for n in (*range(2, 27), 30, 31, 32, 33))],
        help="with --events: only the dev pairs (rules were shaped on them), the test pairs, "
        "or the final2..final33 pairs (drawn later, each measured once; final27 to final29 "
        "were not drawn)",
    )
    sp.set_defaults(func=cmd_eval)
    sp = command("feedback", "users' votes on alerts: export labels, error rates")
    fb = sp.add_subparsers(dest="action", required=True, metavar="ACTION", help="export or stats")
    ex = fb.add_parser(
        "export", help="write voted alerts as labelled examples (corpus JSON Lines) for train"
    )
    ex.add_argument("--out", help="file to write (default: standard output)")
    st = fb.add_parser("stats", help="how often users said alerts were wrong, per source/company")
    st.add_argument("--limit", type=int, default=50, help="rows per table")
    sp.set_defaults(func=cmd_feedback)
    sp = command("train", "train the learned scoring model (grouped CV, calibrated)")
    sp.add_argument(
        "--data", action="append", required=True, help="labelled real items (JSON Lines); repeat"
    )
    sp.add_argument(
        "--train-only",
        action="append",
        help="labelled items that may train but are not evidence (text written for the project)",
    )
    sp.add_argument("--out", help="model file to write (default: the one in the package)")
    sp.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sp.add_argument("--repeats", type=int, default=5, help="grouped CV repeats (default 5)")
    sp.add_argument("--folds", type=int, default=5, help="grouped CV folds (default 5)")
    sp.add_argument("--jobs", type=int, default=2, help="processes for CV fits (default 2)")
    sp.add_argument(
        "--c",
        type=float,
        action="append",
        help="L2 strength to choose from (repeat; default 0.1 0.3 1 3, chosen by grouped CV);"
        " one value fixes it",
    )
    sp.add_argument(
        "--ngram-max", type=int, help="longest word n-gram as a feature (1..4; default 2)"
    )
    sp.add_argument(
        "--drop",
        action="append",
        help="an engine signal to leave out of training, e.g. len:short (repeat)",
    )
    sp.add_argument(
        "--features",
        action="append",
        help="more features: pagekind (the item's address: host kind, path words; the model"
        " file is then format 2, scored only by this build or later); cjk (CJK runs as"
        " character n-grams, threshold chosen on zh/ja/ko items: MZ, written by default to"
        " tge-model-cjk.json) (repeat)",
    )
    sp.add_argument(
        "--calibration",
        choices=("isotonic", "centred"),
        help="isotonic (default: a step table) or centred (each step one point at its middle,"
        " so the probability keeps the raw score's ranking)",
    )
    sp.add_argument(
        "--holdout", help="ids of the final test split (default: the bundled list, if drawn)"
    )
    sp.add_argument("--no-holdout", action="store_true", help="train on every item")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.set_defaults(func=cmd_train)
    sp = command(
        "train-encoder",
        "rebuild the encoder stage's model files and card (default: the committed R8's recipe)",
    )
    sp.add_argument("--out", required=True, help="folder for the model files and encoder.json")
    sp.add_argument("--threads", type=int, default=1, help="torch threads (1: the recipe's)")
    sp.add_argument(
        "--from-pt", help="skip training: export and fit this torch state (a train's NAME.pt)"
    )
    sp.add_argument(
        "--train", nargs="+", metavar="FILE", help="training files (default: corpus + 4-22, R8's)"
    )
    sp.add_argument(
        "--relabel",
        metavar="FILE",
        help="verdicts written into copies of the training files (default: R8's"
        " relabel-2026-12-07.jsonl; 'none': the files as they are, E's)",
    )
    sp.add_argument(
        "--calibrate",
        nargs="+",
        metavar="[SET=]FILE",
        help="calibration sets (default: R8's 23=batch 23 and 3=batch 3); must include batch 3",
    )
    sp.add_argument("--name", help="the candidate's name in its card (default R8)")
    sp.add_argument("--rule", help="the rule the card's choice cites (default RULE_batch24)")
    sp.add_argument(
        "--max-len",
        type=int,
        help="word pieces trained on and read (default 64, the recipe's; R9L's 128)",
    )
    sp.add_argument(
        "--encoder-weight",
        type=float,
        help="the encoder's weight in the fused score (default 0.5, the plain mean; R8w's 0.8)",
    )
    sp.set_defaults(func=cmd_train_encoder)
    sp = command("holdout", "draw the final test split once (ids, grouped by project)")
    sp.add_argument("--data", action="append", required=True, help="the real labelled corpus")
    sp.add_argument("--out", help="ids file (default: the bundled final-test list)")
    sp.add_argument("--fraction", type=float, default=0.2, help="share of items (default 0.2)")
    sp.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sp.add_argument("--force", action="store_true", help="draw again over an existing list")
    sp.set_defaults(func=cmd_holdout)
    sp = command("demo", "replay the bundled real feeds offline and print the alerts")
    sp.add_argument("--feeds", help="directory of *.xml feeds (default: the bundled real feeds)")
    sp.add_argument("--companies", help="companies.json (default: the bundled one)")
    sp.set_defaults(func=cmd_demo)
    sp = command("parse-check", "compare our feed parsing with feedparser's over a directory")
    sp.add_argument("dir", help="directory searched recursively for *.xml, *.rss, *.atom, *.rdf")
    sp.add_argument("--json", action="store_true", help="print the full result as JSON")
    sp.set_defaults(func=cmd_parse_check)
    sp = command("bench", "run a benchmark and print its numbers")
    sp.add_argument(
        "what",
        choices=[
            "scoring",
            "encoder",
            "ingest",
            "delivery",
            "api",
            "ws",
            "links",
            "login",
            "companies",
            "memory",
            "latency",
            "workers",
        ],
        help="what to measure",
    )
    sp.add_argument(
        "--companies", type=int, default=10_000, help="companies to score against (scoring)"
    )
    sp.add_argument("--items", type=int, default=2_000, help="items to score (scoring, encoder)")
    sp.add_argument(
        "--memory-companies", type=int, default=50_000, help="companies to load (bench memory)"
    )
    sp.add_argument(
        "--latency-items", type=int, default=20, help="items published per path (latency)"
    )
    sp.add_argument(
        "--sources",
        type=int,
        default=0,
        help="ingest: instead of parsing, run the poller over this many quiet (304) sources",
    )
    sp.add_argument(
        "--window", type=float, default=60.0, help="seconds to measure (ingest --sources)"
    )
    sp.add_argument(
        "--poll-interval", type=int, default=2, help="the exchange feed's interval, s (latency)"
    )
    sp.add_argument(
        "--workers", type=int, default=4, help="worker processes sharing the limits (workers)"
    )
    sp.add_argument("--chats", type=int, default=60, help="Telegram chats to send to (workers)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.set_defaults(func=cmd_bench)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    debug = args.debug or os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if args.debug:
        settings = dataclasses.replace(settings, log_level="DEBUG")
    configure_logging(settings.log_level)
    try:
        return int(args.func(args, settings) or 0)
    except StartupError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tge-monitor eval | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
