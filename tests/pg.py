"""A throwaway PostgreSQL cluster for the tests, on 127.0.0.1 and a free port."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl in a temporary folder; as root it runs as the `postgres` system user."""

    def __init__(self) -> None:
        # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
        self.base = Path(tempfile.mkdtemp(prefix="casustafel-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self._as_root else list(args)
        subprocess.run(command, check=True, capture_output=True, cwd=self.base)

    def start(self) -> None:
        """Create the cluster and start the server (waits until it accepts connections)."""
        if self._as_root:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.base, postgres.pw_uid, postgres.pw_gid)
        initdb = shutil.which("initdb") or "initdb"
        pg_ctl = shutil.which("pg_ctl") or "pg_ctl"
        self._run(
            initdb,
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        self._pg_ctl = pg_ctl
        self.resume()

    def resume(self) -> None:
        """Start the server on its cluster (again); waits until it accepts connections."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.base} {SERVER_OPTIONS}"
        self._run(
            self._pg_ctl,
            *("-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start"),
        )

    def halt(self) -> None:
        """Stop the server as an operator's restart does: open sessions are ended, what was
        committed is kept (`resume` starts it again on the same data and port)."""
        self._run(self._pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        """Stop the server at once."""
        self._run(self._pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        """Run one statement outside a transaction (CREATE / DROP DATABASE)."""
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]
