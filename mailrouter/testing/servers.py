"""Real local servers for tests, benchmarks and the demo: Dovecot, PostgreSQL, an SMTP sink.

Each listens on 127.0.0.1 only, on a free port, from its own temporary folder,
and is stopped by the PID it started. Dovecot and PostgreSQL refuse to keep
mail or data as root, so when we are root their files belong to an existing
unprivileged account (``mail`` for Dovecot, ``postgres`` for PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

LOOPBACK = "127.0.0.1"
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)


class ServerUnavailable(RuntimeError):
    """The server's software is not installed here; the reason says how to get it."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {LOOPBACK}:{port} after {timeout}s")


def _account(preferred: Iterable[str]) -> pwd.struct_passwd:
    """The account a server runs its files as: ourselves unless we are root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    for name in preferred:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise ServerUnavailable(f"no unprivileged account among {', '.join(preferred)}")


def _chown_tree(path: Path, account: pwd.struct_passwd) -> None:
    if os.geteuid() != 0:
        return
    for root, dirs, files in os.walk(path):
        for name in (root, *dirs, *files):
            os.chown(Path(root) / name, account.pw_uid, account.pw_gid)


@dataclass
class Dovecot:
    """A Dovecot IMAP server from a temp folder; every user shares one password."""

    # Every user name logs in with this password (a static passdb), so tests can
    # make as many mailboxes as they like without waiting for a users file reload.
    password: str = "secret"  # noqa: S105 - a throwaway local test server
    mail_format: str = "maildir"
    port: int = 0
    root: Path | None = None
    _pid: int | None = None

    @staticmethod
    def binary() -> str:
        found = shutil.which("dovecot") or (
            "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
        )
        if not found:
            raise ServerUnavailable(
                "Dovecot is not installed (apt-get install dovecot-imapd dovecot-lmtpd)"
            )
        return found

    def start(self) -> Dovecot:
        self.binary()
        account = _account(("mail", "dovecot"))
        # Unix socket paths must stay under 108 bytes: keep the folder short.
        self.root = Path(tempfile.mkdtemp(prefix="mrdc", dir="/tmp"))
        self.root.chmod(0o755)
        self.port = self.port or free_port()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir()
        (self.root / "dovecot.conf").write_text(self._config(account))
        _chown_tree(self.root / "mail", account)
        self._launch()
        return self

    def _launch(self) -> None:
        assert self.root is not None
        subprocess.run([self.binary(), "-c", str(self.root / "dovecot.conf")], check=True)
        wait_for_port(self.port)
        pid_file = self.root / "run" / "master.pid"
        deadline = time.monotonic() + 10
        # The master writes its pid file a moment after it starts listening, and a
        # reader can catch it created but still empty.
        while time.monotonic() < deadline:
            text = pid_file.read_text().strip() if pid_file.exists() else ""
            if text.isdigit():
                self._pid = int(text)
                return
            time.sleep(0.02)
        raise TimeoutError(f"Dovecot wrote no pid to {pid_file}")

    def account(self, user: str) -> tuple[str, str]:
        """(user, password) for a mailbox; any user name logs in, its folder made on first use."""
        return user, self.password

    def _config(self, account: pwd.struct_passwd) -> str:
        assert self.root is not None
        location = {
            "maildir": "maildir:~/Maildir",
            "sdbox": "sdbox:~/sdbox",
        }[self.mail_format]
        internal = "dovenull" if os.geteuid() == 0 else account.pw_name
        return f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
instance_name = {self.root.name}
listen = {LOOPBACK}
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal if _user_exists(internal) else account.pw_name}
default_login_user = {internal if _user_exists(internal) else account.pw_name}
first_valid_uid = {min(account.pw_uid, 8) if os.geteuid() == 0 else account.pw_uid}
mail_location = {location}
mail_fsync = never
mail_max_userip_connections = 500
imap_idle_notify_interval = 2 mins
passdb {{
  driver = static
  args = password={self.password}
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={self.root}/mail/%n
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = {LOOPBACK}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""

    def stop(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            _wait_gone(self._pid)
            self._pid = None

    def restart(self) -> None:
        """Stop and start on the same port and mail folder (to test reconnects)."""
        assert self.root is not None
        self.stop()
        self._launch()

    def cleanup(self) -> None:
        self.stop()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


@dataclass
class PostgresCluster:
    """A throwaway PostgreSQL cluster: initdb, trust auth, loopback only."""

    port: int = 0
    root: Path | None = None
    superuser: str = "postgres"
    _account: pwd.struct_passwd | None = None

    @staticmethod
    def bin_dir() -> Path:
        override = os.environ.get("MAILROUTER_PG_BIN")
        candidates = [override] if override else []
        found = shutil.which("initdb")
        if found:
            candidates.append(str(Path(found).parent))
        candidates.extend(PG_BIN_DIRS)
        for candidate in candidates:
            if candidate and (Path(candidate) / "initdb").exists():
                return Path(candidate)
        raise ServerUnavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")

    def _run(self, *args: str) -> None:
        assert self._account is not None
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", self._account.pw_name, "--"]
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresCluster:
        bin_dir = self.bin_dir()
        self._account = _account(("postgres", "nobody"))
        self.root = Path(tempfile.mkdtemp(prefix="mrpg", dir="/tmp"))
        self.root.chmod(0o755)
        _chown_tree(self.root, self._account)
        self.port = self.port or free_port()
        data = self.root / "data"
        self._run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            self.superuser,
            "--no-sync",
            "-E",
            "UTF8",
        )
        options = (
            f"-c listen_addresses={LOOPBACK} -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.root / "postgres.log"),
            "-w",
            "start",
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.superuser}@{LOOPBACK}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg  # noqa: PLC0415 - only test runs that use PostgreSQL need the driver

        with psycopg.connect(
            host=LOOPBACK, port=self.port, user=self.superuser, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.root is None or self._account is None:
            return
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run(
                str(self.bin_dir() / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            )

    def cleanup(self) -> None:
        self.stop()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


@dataclass(frozen=True)
class Received:
    """One message the SMTP sink accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


class _CaptureHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.sink.reject_with:
            return self.sink.reject_with
        received = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=bytes(envelope.original_content or envelope.content),
        )
        with self.sink.lock:
            self.sink.messages.append(received)
            self.sink.arrived.notify_all()
        return "250 OK"


class SmtpSink:
    """An aiosmtpd server that keeps what it receives; can go down and come back."""

    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self.messages: list[Received] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        # Set to e.g. "451 try later" to make the server refuse mail.
        self.reject_with: str | None = None
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        self._controller = Controller(_CaptureHandler(self), hostname=LOOPBACK, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self.lock:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
