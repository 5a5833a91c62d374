"""The `casustafel` command: database, accounts, demo data, audit check and the server."""

import getpass
import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from sqlmodel import Session, select
from uvicorn.supervisors import Multiprocess

from app import audit, demo, demo_history, jobs, logs
from app.audit import Actor
from app.backup import service as backup_service
from app.cases import disclosure
from app.config import PROJECT_ROOT, Settings, get_settings
from app.db import make_engine, today, utcnow
from app.errors import DomainError
from app.factors import queries as factor_queries
from app.factors import service as factor_service
from app.ops import metrics, startup
from app.organisations.models import Organisation, OrganisationKind
from app.retention import housekeeping, purge
from app.security.crypto import CaseCrypto
from app.security.passwords import MIN_PASSWORD_LENGTH
from app.users import service as user_service
from app.users.models import UserCreate
from app.web import validation_errors

app = typer.Typer(help="Casustafel beheren vanaf de opdrachtregel.", no_args_is_help=True)
db_app = typer.Typer(help="De database.", no_args_is_help=True)
audit_app = typer.Typer(help="De logging.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
retention_app = typer.Typer(help="De bewaartermijnen.", no_args_is_help=True)
app.add_typer(retention_app, name="retention")

CLI_ACTOR = Actor(user=None, organisation_name=None, client_address="cli")


def _session() -> Session:
    return Session(make_engine(get_settings().database_url))


def alembic_config(database_url: str | None = None) -> Config:
    """The Alembic configuration of this project, optionally for another database."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", database_url or get_settings().database_url)
    return config


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Breng de database naar de nieuwste versie (migraties)."""
    url = get_settings().database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
    typer.echo("Database bijgewerkt.")


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="E-mailadres (inlognaam).")],
    name: Annotated[str, typer.Option(help="Volledige naam.")],
    organisation: Annotated[str, typer.Option(help="Naam van de organisatie.")],
    kind: Annotated[OrganisationKind, typer.Option(help="Soort organisatie, als die nieuw is.")] = (
        OrganisationKind.MUNICIPALITY
    ),
    beheerder: Annotated[bool, typer.Option(help="Rol beheerder.")] = False,
    deelnemer: Annotated[bool, typer.Option(help="Rol deelnemer.")] = False,
    fg: Annotated[bool, typer.Option(help="Rol functionaris gegevensbescherming.")] = False,
) -> None:
    """Maak een account met wachtwoord aan, zoals de eerste beheerder; het wachtwoord wordt
    gevraagd (of van standaardinvoer gelezen). Anderen nodigt een beheerder uit in Casustafel."""
    password = getpass.getpass(
        f"Wachtwoord (minstens {MIN_PASSWORD_LENGTH} tekens, geen veelgebruikt wachtwoord, "
        "niet de naam of het e-mailadres): "
    )
    with _session() as session:
        found = session.exec(select(Organisation).where(Organisation.name == organisation)).first()
        if found is None:
            found = Organisation(name=organisation, kind=kind)
            session.add(found)
            session.flush()
        try:
            data = UserCreate(
                email=email,
                name=name,
                organisation_id=found.id,
                is_admin=beheerder,
                is_participant=deelnemer,
                is_privacy_officer=fg,
            )
            user_service.create_user(session, data=data, password=password, by=CLI_ACTOR)
        except ValidationError as exc:
            problems = " ".join(validation_errors(exc).values())
            typer.echo(f"Niet aangemaakt: {problems}", err=True)
            raise typer.Exit(1) from exc
        except DomainError as exc:
            typer.echo(f"Niet aangemaakt: {exc.message}", err=True)
            raise typer.Exit(1) from exc
    typer.echo(f"Account {email} aangemaakt.")


@app.command("seed-demo")
def seed_demo(
    if_empty: Annotated[bool, typer.Option(help="Alleen laden in een lege database.")] = False,
) -> None:
    """Laad de demo (gemeente Dorpsveen) in een lege database."""
    with _session() as session:
        if if_empty and not demo.is_empty(session):
            typer.echo("De database bevat al gegevens; de demo is niet opnieuw geladen.")
            return
        crypto = CaseCrypto.from_settings(get_settings())
        try:
            loaded = demo.seed_demo(session, crypto=crypto)
        except demo.NotADemoDatabase as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        if loaded:
            # Eighteen months of an older overleg, so the beleidsinformatie has figures to show.
            demo_history.seed_history(session, crypto=crypto)
    typer.echo("Demo geladen." if loaded else "De demo staat al in de database.")


def _intact_chain(session: Session) -> audit.ChainCheck:
    """The chain, checked; stops the command (exit code 1) when it is broken."""
    check = audit.check_chain(session)
    if check.broken is not None:
        typer.echo(
            f"De logging is aangetast: de keten breekt bij gebeurtenis {check.broken.id} "
            f"({check.broken.occurred_at.isoformat()}, {check.broken.action}).",
            err=True,
        )
        raise typer.Exit(1)
    return check


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[
        str | None,
        typer.Option(
            help="Een regel van `casustafel audit checkpoint`: meldt ook een logging die sindsdien "
            "is ingekort of herschreven."
        ),
    ] = None,
) -> None:
    """Controleer de hashketen van de logging (met --checkpoint: ook tegen een controlepunt)."""
    expected = None
    if checkpoint is not None:
        try:
            expected = audit.Checkpoint.parse(checkpoint)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
    with _session() as session:
        check = _intact_chain(session)
        mismatch = audit.checkpoint_mismatch(session, expected) if expected else None
    if mismatch is not None:
        typer.echo(mismatch, err=True)
        raise typer.Exit(1)
    keyed = (
        f"met sleutel vanaf gebeurtenis {check.keyed_from}"
        if check.keyed_from is not None
        else "nog geen met sleutel"
    )
    typer.echo(f"De logging is intact: {check.count} gebeurtenissen, {keyed}.")
    if expected is not None:
        typer.echo(
            f"Het controlepunt (gebeurtenis {expected.event_id}) klopt; daarna zijn er "
            f"{check.count - expected.count} gebeurtenissen bijgekomen."
        )


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Druk een controlepunt af: de laatste gebeurtenis, het aantal en de ketenwaarde, op één
    regel om buiten de database te bewaren (controleer later met verify --checkpoint)."""
    with _session() as session:
        line = _intact_chain(session).checkpoint()
    if line is None:
        typer.echo("De logging is nog leeg; er is geen controlepunt te maken.", err=True)
        raise typer.Exit(1)
    typer.echo(str(line))
    typer.echo(
        "Bewaar deze regel buiten de database en haar back-ups; controleer later met "
        "`casustafel audit verify --checkpoint <regel>`.",
        err=True,
    )


keys_app = typer.Typer(
    help="De sleutels voor persoonsgegevens en accountgeheimen.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@keys_app.command("rotate")
def rotate_keys() -> None:
    """Versleutel alle persoonsgegevens en de geheimen van de authenticator-apps opnieuw met de
    nieuwste sleutel (de laatste in de lijst) en in het huidige formaat."""
    crypto = CaseCrypto.from_settings(get_settings())
    with _session() as session:
        persons = disclosure.rotate_keys(session, crypto=crypto, actor=CLI_ACTOR)
        persons_left = disclosure.not_rotated(session, crypto=crypto)
        accounts = factor_service.rotate_secrets(session, cipher=crypto.cipher, actor=CLI_ACTOR)
        authenticators_left = factor_queries.not_rotated(session, cipher=crypto.cipher)
    typer.echo(f"{persons} personen opnieuw versleuteld met de nieuwste sleutel.")
    typer.echo(
        f"{accounts.authenticators} authenticator-apps opnieuw versleuteld met de nieuwste sleutel."
    )
    if accounts.set_ups_stopped:
        typer.echo(
            f"{accounts.set_ups_stopped} authenticator-apps die nog werden ingesteld, waren niet "
            "te lezen; dat instellen begint opnieuw, met een nieuwe QR-code."
        )
    _refuse_unreadable(persons_left, authenticators_left)


def _refuse_unreadable(persons: int, authenticators: int) -> None:
    """Warn and end with exit code 1 while anything still needs an old key."""
    if persons:
        typer.echo(
            f"Let op: van {persons} personen konden de gegevens niet worden gelezen; die staan "
            "nog onder een oude sleutel of in een oud formaat (zie het log).",
            err=True,
        )
    if authenticators:
        typer.echo(
            f"Let op: van {authenticators} authenticator-apps kon het geheim niet worden "
            "gelezen; die staan nog onder een oude sleutel of in een oud formaat (zie het log). "
            "Zonder die sleutel kunnen hun gebruikers niet meer inloggen met de app, tot een "
            "beheerder hun tweede factor herstelt.",
            err=True,
        )
    if persons or authenticators:
        typer.echo("Verwijder geen oude sleutel voordat dit is uitgezocht.", err=True)
        raise typer.Exit(1)


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Alleen tonen wat verwijderd zou worden.")
    ] = False,
) -> None:
    """Verwijder wat over de bewaartermijn is (met --dry-run: toon alleen wat er weg zou gaan)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    for line in purge.run(engine, today=today(), dry_run=dry_run, by=CLI_ACTOR):
        typer.echo(line)
    with Session(engine) as session:
        report = housekeeping.clean_up(session, now=utcnow(), settings=settings, dry_run=dry_run)
    for line in report.lines():
        typer.echo(line)
    typer.echo("Proefdraai: er is niets verwijderd." if dry_run else "Bewaartermijnen uitgevoerd.")


@app.command("worker")
def worker() -> None:
    """Voer de achtergrondtaken uit (planning bijhouden, herinneringen, e-mail versturen)."""
    logs.configure()
    settings = get_settings()
    _refuse_or_warn(settings, lambda: startup.check_worker(settings))
    metrics.use_process_files(metrics.worker_folder(settings))
    stop = threading.Event()
    # The work runs in a thread of its own, so the signal handler (always on the main thread)
    # never interrupts it half-way: a mail the SMTP server accepted is marked sent before exit.
    running = threading.Thread(
        target=jobs.work,
        args=(make_engine(settings.database_url, settings.database_connections), settings, stop),
        name="casustafel-worker",
    )
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda _signal, _frame: stop.set())
    jobs.logger.info("Achtergrondtaken draaien; stop met Ctrl+C of SIGTERM.")
    running.start()
    while running.is_alive():
        running.join(timeout=1.0)
    metrics.process_ended()
    jobs.logger.info("Achtergrondtaken gestopt; de e-mail die werd verzonden, is afgemaakt.")


def _refuse_or_warn(settings: Settings, check: Callable[[], None], *, demo: bool = False) -> None:
    """Stop (exit code 1, the reason on stderr) when the process cannot work as configured;
    shout when it runs on the development keys outside a demo."""
    try:
        check()
    except startup.StartRefused as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from exc
    warning = None if demo else startup.development_keys_warning(settings)
    if warning is not None:
        typer.secho(warning, err=True, fg=typer.colors.RED, bold=True)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Aantal serverprocessen; meer dan één met PostgreSQL.")
    ] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Een demo op deze machine (zoals make run): zonder waarschuwing over "
            "de ontwikkelsleutels.",
        ),
    ] = False,
) -> None:
    """Start de webserver (op een database die al op de nieuwste versie staat)."""
    settings = get_settings()
    _refuse_or_warn(settings, lambda: startup.check_serve(settings, workers=workers), demo=demo)
    # Made here, before uvicorn starts its processes: they all write to it, /metrics adds up.
    metrics.use_process_files(metrics.serve_folder(settings, port))
    # Casustafel itself decides whose X-Forwarded-For to believe (CASUSTAFEL_TRUSTED_PROXIES);
    # uvicorn's own handling would believe 127.0.0.1 before the app could say otherwise.
    if workers == 1:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            proxy_headers=False,
            log_config=logs.config(),
            access_log=False,
        )
        return
    config = uvicorn.Config(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        log_config=logs.config(),
        access_log=False,
    )
    Multiprocess(config, sockets=[_listening_socket(host, port, config.backlog)]).run()


def _listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    # uvicorn binds its shared socket without IPPROTO_TCP, so asyncio never sets TCP_NODELAY on
    # the connections and each keep-alive response waits some 40 ms for a delayed ACK.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def main() -> None:
    """Entry point of the `casustafel` command."""
    app()


@app.command("backup")
def backup(
    path: Annotated[Path, typer.Argument(help="Het back-upbestand dat wordt gemaakt.")],
    force: Annotated[bool, typer.Option("--force", help="Een bestaand bestand overschrijven.")] = (
        False
    ),
) -> None:
    """Maak een versleutelde back-up van de database (met CASUSTAFEL_BACKUP_KEY)."""
    try:
        made = backup_service.make_backup(settings=get_settings(), target=path, force=force)
    except DomainError as exc:
        typer.echo(f"Geen back-up gemaakt: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"Back-up gemaakt: {path} (databaseversie {made.revision}). Bewaar de sleutels "
        "(CASUSTAFEL_DATA_ENCRYPTION_KEYS, _BLIND_INDEX_KEY, _AUDIT_KEY en _BACKUP_KEY) apart "
        "van de back-ups: zonder die sleutels is de back-up niet bruikbaar."
    )


@app.command("restore")
def restore(
    path: Annotated[Path, typer.Argument(help="Het back-upbestand van `casustafel backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Een database die al gegevens bevat vervangen.")
    ] = False,
) -> None:
    """Zet een back-up terug, breng hem naar de nieuwste databaseversie en voer daarna de
    bewaartermijnen uit; Casustafel (serve en worker) staat daarbij stil."""
    typer.echo("Zorg dat `casustafel serve` en `casustafel worker` gestopt zijn tot dit klaar is.")
    script = ScriptDirectory.from_config(alembic_config())
    try:
        restored = backup_service.restore_backup(
            settings=get_settings(), source=path, force=force, script=script
        )
    except DomainError as exc:
        typer.echo(f"Niet teruggezet: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Back-up teruggezet (databaseversie {restored.revision}).")
    db_upgrade()
    # Before anyone is served again: what a bewaartermijn deleted after the backup was made
    # is deleted again now.
    retention_run(dry_run=False)
    typer.echo("Klaar; start Casustafel weer.")
