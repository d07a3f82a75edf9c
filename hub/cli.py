"""`dotmac-hub`: run the hub API, migrate its database, bootstrap a tenant, rotate keys."""

from __future__ import annotations

import asyncio
import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import typer

from hub import __version__
from hub.access.cli import radius_app
from hub.cli_output import LiteralHelpGroup, console, styled
from hub.ingest.settings import IngestSettings
from hub.jobs.settings import JobsSettings
from hub.settings import BrokerSettings, DynsecSettings, HubSettings, TsdbSettings
from hub.settings_env import EnvSettings

app = typer.Typer(
    name="dotmac-hub",
    help="DotMac Edge hub: API, ingest workers, billing and analytics.\n\n"
    "Examples:\n\n  dotmac-hub serve\n\n  DOTMAC_HUB_PORT=9000 dotmac-hub serve --host 0.0.0.0\n\n"
    "  dotmac-hub bootstrap --tenant 'Fibernet' --admin-email noc@fibernet.example\n\n"
    "  dotmac-hub enroll-token --site ams1-pop --ttl 2h",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=LiteralHelpGroup,  # `[env X]` in a help text is text, not markup
)
db_app = typer.Typer(help="Database schema migrations.\n\nExamples:\n\n  dotmac-hub db upgrade"
                     "\n\n  dotmac-hub db downgrade base\n\n  dotmac-hub db current",
                     no_args_is_help=True)
keys_app = typer.Typer(help="JWT signing keys.\n\nExamples:\n\n  dotmac-hub keys rotate",
                       no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(radius_app, name="radius")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dotmac-hub {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """DotMac Edge hub."""


def _settings_or_exit(login: type[IngestSettings | JobsSettings] | None = None,
                      broker_admin: bool = False) -> HubSettings:
    """Settings, or exit 2 naming each problem; `login`: the broker login this command
    runs with (`serve` with embedded ingest runs the ingest one); `broker_admin`: it
    administers broker logins (the API)."""
    settings = HubSettings()
    problems = settings.problems(broker_admin=broker_admin)
    if login is None and settings.ingest_in_process:
        login = IngestSettings
    if login is not None:
        problems += login(broker=settings.broker).problems(settings.mode == "production")
    if problems:
        for problem in problems:
            console.print(styled("refusing to start:", problem))
        raise typer.Exit(2)
    return settings


@app.command()
def serve(
    host: str | None = typer.Option(None, help=HubSettings.env_help("host", "Bind address")),
    port: int | None = typer.Option(None, help=HubSettings.env_help("port", "TCP port")),
    workers: int | None = typer.Option(None, help=HubSettings.env_help("workers",
                                                                      "Processes")),
) -> None:
    """Run the hub API on embedded defaults (SQLite in ./.dotmac) or DOTMAC_HUB_* settings.

    Examples:

      dotmac-hub serve

      DOTMAC_HUB_DATABASE_URL=postgresql+psycopg://hub@db/hub dotmac-hub serve --workers 4
    """
    import uvicorn

    from hub import migrations
    from hub.metrics import shared_between_workers

    settings = _settings_or_exit(broker_admin=True)
    if settings.migrate_on_start:
        migrations.upgrade(settings.database_url)
        # Migrated once here, so the workers must not race to do it again.
        os.environ["DOTMAC_HUB_AUTO_MIGRATE"] = "false"
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"hub API on http://{bind_host}:{bind_port}  (docs: /docs)")
    # Behind a proxy the peer is the proxy: the client comes from X-Forwarded-For, believed
    # only from DOTMAC_HUB_TRUSTED_PROXIES (per-IP limits and lockouts depend on it).
    processes = workers or settings.workers
    # Several workers count into one shared directory, so any one scrape shows their totals.
    with shared_between_workers(processes):
        uvicorn.run("hub.app:create_app", factory=True, host=bind_host, port=bind_port,
                    workers=processes, log_level=settings.log_level,
                    proxy_headers=bool(settings.trusted_proxies),
                    forwarded_allow_ips=settings.trusted_proxies or None)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument(
        "heads", help="Target revision (default: every head of the schema).")) -> None:
    """Migrate the database to the newest schema (or REVISION).

    Example: DOTMAC_HUB_DATABASE_URL=postgresql+psycopg://hub@db/hub dotmac-hub db upgrade
    """
    from hub import migrations

    settings = HubSettings()
    migrations.upgrade(settings.database_url, revision)
    typer.echo(f"database at {migrations.current(settings.database_url)}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Target revision; `base` = empty.")
                 ) -> None:
    """Migrate the database down to REVISION.

    Example: dotmac-hub db downgrade base
    """
    from hub import migrations

    settings = HubSettings()
    migrations.downgrade(settings.database_url, revision)
    typer.echo(f"database at {migrations.current(settings.database_url) or 'base'}")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database (`base` when empty).

    Example: dotmac-hub db current
    """
    from hub import migrations

    typer.echo(migrations.current(HubSettings().database_url) or "base")


@app.command()
def bootstrap(
    tenant: str = typer.Option(..., help="Name of the tenant (an ISP, or with --platform "
                               "the hub's platform tenant)."),
    admin_email: str = typer.Option(..., help="Email (login) of its owner."),
    platform: bool = typer.Option(False, "--platform", help="Create the hub's one platform "
                                  "tenant, whose owner creates ISPs through the API "
                                  "(docs/tenants.md); existing ISPs go under it."),
) -> None:
    """Create a tenant and its owner; the password comes from DOTMAC_HUB_BOOTSTRAP_PASSWORD
    or is generated and printed once.

    Example: dotmac-hub bootstrap --tenant 'Fibernet' --admin-email noc@fibernet.example

    Example: dotmac-hub bootstrap --platform --tenant 'Platform' --admin-email ops@example.net
    """
    from hub.errors import ConflictError

    settings = HubSettings()
    password = settings.bootstrap_password or secrets.token_urlsafe(18)
    try:
        asyncio.run(_bootstrap(settings, tenant, admin_email, password, platform))
    except ConflictError as exc:
        console.print(styled("bootstrap refused:", exc.detail))
        raise typer.Exit(1) from exc
    kind = "platform tenant" if platform else "tenant"
    typer.echo(f"{kind} {tenant!r} created with owner {admin_email}")
    if settings.bootstrap_password is None:
        typer.echo(f"generated password (shown once): {password}")


async def _bootstrap(settings: HubSettings, tenant: str, email: str, password: str,
                     platform: bool = False) -> None:
    from hub import migrations
    from hub.db import create_engine, session_factory
    from hub.identity.passwords import Passwords
    from hub.identity.signing import ensure_key
    from hub.tenants.service import bootstrap as create_tenant

    await asyncio.to_thread(migrations.upgrade, settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            await ensure_key(session, settings)
            await create_tenant(session, Passwords(settings), tenant, email, password,
                                platform)
    finally:
        await engine.dispose()


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Add a new active signing key; older keys verify until DOTMAC_HUB_KEY_OVERLAP passes.

    Example: dotmac-hub keys rotate
    """
    kid = asyncio.run(_rotate(HubSettings()))
    typer.echo(f"new signing key {kid} active; previous keys stay verifiable for the overlap")


async def _rotate(settings: HubSettings) -> str:
    from hub.db import create_engine, session_factory
    from hub.identity.signing import rotate

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return (await rotate(session, settings)).kid
    finally:
        await engine.dispose()


@app.command("enroll-token")
def enroll_token(
    site: str = typer.Option(..., help="Site (POP) name or id the agent will belong to."),
    tenant: str | None = typer.Option(None, help="Tenant name (needed when the hub holds "
                                      "several)."),
    ttl: str = typer.Option("1h", help="Lifetime: seconds, or 30m / 1h / 2d (max 7d)."),
    agent_name: str | None = typer.Option(None, help="Name the enrolled agent gets "
                                          "(lowercase; default: from the site name)."),
) -> None:
    """Issue a one-time enrollment token for a site and print it (shown once).

    The field tech runs `dotmac-agent enroll --hub URL --token TOKEN` on the POP box.

    Examples:

      dotmac-hub enroll-token --site ams1-pop

      dotmac-hub enroll-token --site ams1-pop --tenant Fibernet --ttl 2h --agent-name ams1-a
    """
    from hub.enrollment.operator import OperatorError, issue_token, parse_ttl

    try:
        token, secret, where = asyncio.run(issue_token(
            HubSettings(), site, tenant, parse_ttl(ttl), agent_name))
    except OperatorError as exc:
        console.print(styled("enroll-token refused:", exc))
        raise typer.Exit(2) from exc
    console.print(f"token for site {where.name} valid until {token.expires_at:%Y-%m-%d %H:%M} "
                  "UTC, one use; on the POP box: dotmac-agent enroll --hub URL --token TOKEN")
    typer.echo(secret)


@app.command("bind-agent-logins")
def bind_agent_logins() -> None:
    """Bind every enrolled agent's broker login to its own client id (run once after
    upgrading: logins granted by older hubs could connect with any client id, and so take
    the hub's or another agent's MQTT session over). Idempotent.

    Examples:

      dotmac-hub bind-agent-logins
    """
    from hub.broker import BrokerError

    settings = _settings_or_exit(broker_admin=True)
    try:
        bound, absent = asyncio.run(_bind_agent_logins(settings))
    except BrokerError as exc:
        console.print(styled("bind-agent-logins failed:", f"{exc}; nothing is lost, rerun"))
        raise typer.Exit(1) from exc
    console.print(f"{bound} agent login(s) bound to their client id; {absent} enrolled "
                  "agent(s) have no login any more (revoked or deleted)")


async def _bind_agent_logins(settings: HubSettings) -> tuple[int, int]:
    from hub.broker import broker_admin
    from hub.broker.agents import bind_enrolled_logins
    from hub.db import create_engine, session_factory

    broker = broker_admin(settings)
    if broker is None:
        raise typer.BadParameter("DOTMAC_HUB_BROKER_HOST: not set; no broker to talk to")
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return await bind_enrolled_logins(session, broker)
    finally:
        await engine.dispose()


@app.command()
def ingest(
    suffix: str | None = typer.Option(
        None, help=IngestSettings.env_help("worker_suffix", "Appended to the MQTT client id, "
                                           "for several workers on one host")),
) -> None:
    """Run one ingest worker: MQTT (shared subscription) -> time-series store + database.

    Start as many as needed, on any machines: they share the load through the broker.

    Examples:

      DOTMAC_HUB_INGEST_PASSWORD=... DOTMAC_HUB_TSDB_URL=http://vm:8428 dotmac-hub ingest

      dotmac-hub ingest --suffix 2

      DOTMAC_HUB_INGEST_METRICS_PORT=9464 dotmac-hub ingest   # Prometheus: :9464/metrics

      export DOTMAC_HUB_BROKER_HOST=mqtt.example.net DOTMAC_HUB_BROKER_TLS=true

      DOTMAC_HUB_BROKER_CA_FILE=/etc/dotmac/ca.pem dotmac-hub ingest
    """
    from hub.handlers import wire
    from hub.ingest import run_standalone
    from hub.worker_runner import run_process

    settings = _settings_or_exit(IngestSettings)
    ingest_settings = IngestSettings(broker=settings.broker)
    console.print(f"ingest worker -> {_broker_text(settings.broker)}, "
                  f"store {without_userinfo(ingest_settings.tsdb.url)}")
    wire()  # domain events: job reports reach jobs, as in the API process
    run_process(run_standalone(settings.database_url, ingest_settings, suffix),
                settings.log_level)


@app.command()
def dispatch() -> None:
    """Send queued provisioning jobs and agents' configurations to agents; expire overdue jobs.

    Needed when the API runs without embedded ingest (DOTMAC_HUB_INGEST_EMBEDDED=false);
    several may run at once (row locks and conditional updates keep a job sent once).

    Examples:

      DOTMAC_HUB_JOBS_PASSWORD=... dotmac-hub dispatch
    """
    from hub.fleet.runner import pushing_while
    from hub.handlers import wire
    from hub.jobs.runner import publisher_for
    from hub.jobs.runner import run_standalone as run_dispatcher
    from hub.worker_runner import run_process

    settings = _settings_or_exit(JobsSettings)
    jobs_settings = JobsSettings(broker=settings.broker)
    console.print(f"job dispatcher and config pusher -> {_broker_text(settings.broker)}")
    wire()  # domain events: an expired job settles billing's step, as in the API process
    # Agents' configs are pushed by the same worker, with the same broker login.
    main = pushing_while(run_dispatcher(settings.database_url, jobs_settings),
                         settings.database_url, publisher_for(jobs_settings),
                         settings.secret_key, jobs_settings.resend_after_s)
    run_process(main, settings.log_level)


@app.command()
def webhooks() -> None:
    """Deliver business events (invoice.finalized, payment.received...) as signed webhooks.

    Needed when the API runs without embedded workers (DOTMAC_HUB_WEBHOOK_EMBEDDED=false or
    DOTMAC_HUB_INGEST_EMBEDDED=false); several may run at once (rows are claimed with
    SKIP LOCKED). Retries follow DOTMAC_HUB_WEBHOOK_* (docs/webhooks.md).

    Examples:

      dotmac-hub webhooks

      DOTMAC_HUB_WEBHOOK_MAX_ATTEMPTS=20 DOTMAC_HUB_WEBHOOK_TIMEOUT_S=5 dotmac-hub webhooks
    """
    from hub import models  # noqa: F401 - every table, so foreign keys (tenants.id) resolve
    from hub.events.runner import run_standalone as run_webhooks
    from hub.events.settings import WebhookSettings
    from hub.handlers import wire
    from hub.worker_runner import run_process

    settings = _settings_or_exit()
    webhook = WebhookSettings()  # validated before anything says it started
    console.print("webhook worker: delivering outbox events")
    wire()  # domain events: the same wiring as every hub process
    run_process(run_webhooks(settings, webhook), settings.log_level)


@app.command()
def alarms() -> None:
    """Decide alarms from telemetry, agent state and the hub itself (rules in docs/alarms.md).

    Needed when the API runs without embedded workers (DOTMAC_HUB_ALARM_EVAL_EMBEDDED=false
    or DOTMAC_HUB_INGEST_EMBEDDED=false). Several may run: each tenant's pass holds a
    PostgreSQL advisory lock, so one process evaluates it at a time. Alarms from traps and
    syslog are decided by ingest as the events arrive, not here.

    Examples:

      dotmac-hub alarms

      DOTMAC_HUB_ALARM_EVAL_INTERVAL_S=30 dotmac-hub alarms
    """
    from hub import models  # noqa: F401 - every table, so foreign keys (tenants.id) resolve
    from hub.alarms.evaluator_settings import EvaluatorSettings
    from hub.alarms.worker import run_standalone as run_evaluator
    from hub.handlers import wire
    from hub.worker_runner import run_process

    settings = _settings_or_exit()
    evaluator = EvaluatorSettings()  # validated before anything says it started
    console.print("alarm evaluator: deciding telemetry, agent and hub alarms")
    wire()  # raising an alarm announces AlarmChanged to the notifications
    run_process(run_evaluator(settings, evaluator), settings.log_level)


@app.command()
def notify() -> None:
    """Send alarm e-mail (SMTP) and escalations owed by the tenants' notification policies.

    Needed when the API runs without embedded workers (DOTMAC_HUB_NOTIFY_EMBEDDED=false or
    DOTMAC_HUB_INGEST_EMBEDDED=false); several may run at once (mails are claimed with
    SKIP LOCKED). The SMTP relay is DOTMAC_HUB_SMTP_* (docs/alarms.md); alarm webhooks go
    out through `dotmac-hub webhooks` like every other event.

    Examples:

      DOTMAC_HUB_SMTP_HOST=mail.isp.example dotmac-hub notify

      DOTMAC_HUB_NOTIFY_INTERVAL_S=10 dotmac-hub notify
    """
    from hub import models  # noqa: F401 - every table, so foreign keys (tenants.id) resolve
    from hub.alarms.notify.runner import run_standalone as run_notifier
    from hub.alarms.notify.settings import NotifierSettings
    from hub.handlers import wire
    from hub.mail import SmtpSettings
    from hub.worker_runner import run_process

    settings = _settings_or_exit()
    notify_settings, smtp = NotifierSettings(), SmtpSettings()  # validated up front
    console.print("alarm notifier: sending alarm mail and escalations")
    wire()
    run_process(run_notifier(settings, notify_settings, smtp), settings.log_level)


@app.command("document-mailer")
def document_mailer() -> None:
    """E-mail issued invoices and credit notes to their customers, the PDF attached.

    Needed when the API runs without embedded workers (DOTMAC_HUB_BILLING_MAIL_EMBEDDED=false
    or DOTMAC_HUB_INGEST_EMBEDDED=false); several may run at once (mails are claimed with
    SKIP LOCKED). The SMTP relay is DOTMAC_HUB_SMTP_* (docs/billing.md, "Documents").

    Examples:

      DOTMAC_HUB_SMTP_HOST=mail.isp.example dotmac-hub document-mailer

      DOTMAC_HUB_BILLING_MAIL_INTERVAL_S=30 dotmac-hub document-mailer
    """
    from hub import models  # noqa: F401 - every table, so foreign keys (tenants.id) resolve
    from hub.billing.documents.runner import run_standalone as run_mailer
    from hub.billing.documents.settings import DocumentMailSettings
    from hub.handlers import wire
    from hub.mail import SmtpSettings
    from hub.worker_runner import run_process

    settings = _settings_or_exit()
    mail, smtp = DocumentMailSettings(), SmtpSettings()  # validated up front
    console.print("document mailer: sending issued invoices and credit notes")
    wire()
    run_process(run_mailer(settings, mail, smtp), settings.log_level)


@app.command()
def scheduler() -> None:
    """Run billing, dunning, retention and backup schedules (docs/scheduling.md).

    Needed when the API runs without embedded workers (DOTMAC_HUB_SCHEDULER_EMBEDDED=false
    or DOTMAC_HUB_INGEST_EMBEDDED=false). Several may run at once, beside embedded ones:
    each due time runs exactly once (claimed in the database).

    Examples:

      dotmac-hub scheduler

      DOTMAC_HUB_SCHEDULER_TICK_S=2 dotmac-hub scheduler
    """
    from hub import models  # noqa: F401 - every table, so foreign keys (tenants.id) resolve
    from hub.handlers import wire
    from hub.schedules.runner import run_standalone as run_scheduler
    from hub.schedules.settings import SchedulerSettings
    from hub.worker_runner import run_process

    settings = _settings_or_exit()
    scheduler_settings = SchedulerSettings()  # validated before anything says it started
    console.print("scheduler: running the tenants' schedules")
    wire()  # registers the scheduled tasks and the domain events they announce
    run_process(run_scheduler(settings, scheduler_settings), settings.log_level)


@app.command("settings")
def settings_list() -> None:
    """List every environment variable of the hub: name, default, meaning; then the old
    names still honoured for this release and the variables that replace them.

    Example: dotmac-hub settings
    """
    for cls in settings_classes():
        typer.echo(f"# {cls.__name__}: {(cls.__doc__ or '').splitlines()[0]}")
        for name, default, description in cls.env_rows():
            typer.echo(f"{name}={default}\n    {description}")
    typer.echo("# deprecated names (honoured for one release; the new name wins)")
    for old, new in renamed_variables().items():
        typer.echo(f"{old} -> {new}")


def _broker_text(broker: BrokerSettings) -> str:
    return f"{broker.address}:{broker.connect_port}{' (TLS)' if broker.tls else ''}"


def without_userinfo(url: str) -> str:
    """`url` without a user:password@ part (banners and logs must not show credentials)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def settings_classes() -> tuple[type[EnvSettings], ...]:
    """Every settings class of the hub (`dotmac-hub settings`, naming a failed variable)."""
    # These import their domains: only here.
    from hub.access.sessions.settings import SessionsSettings
    from hub.access.settings import RadiusSettings
    from hub.alarms.evaluator_settings import EvaluatorSettings
    from hub.alarms.notify.settings import NotifierSettings
    from hub.api.idempotency.settings import IdempotencySettings
    from hub.billing.documents.settings import DocumentMailSettings
    from hub.events.settings import WebhookSettings
    from hub.ipam.settings import IpamSettings
    from hub.mail import SmtpSettings
    from hub.schedules.settings import SchedulerSettings

    return (HubSettings, BrokerSettings, DynsecSettings, IngestSettings, JobsSettings,
            TsdbSettings, WebhookSettings, EvaluatorSettings, NotifierSettings, SmtpSettings,
            DocumentMailSettings, SchedulerSettings, IdempotencySettings, RadiusSettings,
            SessionsSettings, IpamSettings)


def renamed_variables() -> dict[str, str]:
    """Old variable -> the variable(s) that replace it, over every settings class."""
    found: dict[str, list[str]] = {}
    for cls in settings_classes():
        for old, new in cls.renamed_variables().items():
            found.setdefault(old, []).append(new)
    return {old: ", ".join(new) for old, new in sorted(found.items())}


# The operators' commands (sites, devices, credentials, agents, discoveries, jobs, login):
# clients of the HTTP API, registered here and nowhere else (hub/console/).
from hub.console import add_commands  # noqa: E402

add_commands(app)


def main() -> None:
    """Console-script entry point; a setting that fails validation is a usage error (exit
    2) naming the variable, not a traceback."""
    from pydantic import ValidationError

    try:
        app()
    except ValidationError as exc:
        classes = {cls.__name__: cls for cls in settings_classes()}
        if exc.title not in classes:
            raise
        prefix = classes[exc.title].model_config.get("env_prefix", "")
        for error in exc.errors():
            field = "_".join(str(part) for part in error["loc"])
            console.print(styled("refusing to start:",
                                 f"{prefix}{field.upper()}: {error['msg']}"))
        raise SystemExit(2) from None
