"""Settings: frozen dataclasses built from a TOML file, validated all at once.

``load(path, environ)`` reads the file, checks every key against the dataclasses
below (unknown keys, wrong types, bad values, missing secrets) and raises one
``ConfigError`` naming every problem with its key path and line. Nothing here
runs at import time and nothing is global: the CLI loads once and passes the
result down, so a bad config never half-starts the daemon.

Secrets never live in the file: a key ``password`` is read from ``password_env``
(an environment variable's name) or ``password_file`` (a path).
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mailrouter.config_lines import KeyLocator
from mailrouter.errors import ConfigError

Nation = Literal["england-and-wales", "scotland", "northern-ireland"]
Cadence = Literal["fortnightly", "monthly"]


class Secret:
    """A value that must never be printed or logged."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class GeneralSettings:
    council_name: str = "Example Borough Council"
    timezone: str = "Europe/London"
    # Which UK bank-holiday calendar defines a working day.
    nation: Nation = "england-and-wales"
    data_dir: str = "var"


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    # SQLite file by default; "postgresql+psycopg://user@host/db" to scale out.
    # A relative SQLite path is taken from the working directory.
    url: str = "sqlite:///var/mailrouter.sqlite3"
    # Optional: the password for a PostgreSQL URL, from the environment or a file.
    password: Secret | None = None
    echo: bool = False


@dataclass(frozen=True, slots=True)
class RawStoreSettings:
    kind: Literal["database", "filesystem"] = "database"
    path: str = "var/raw"


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    security: Literal["none", "starttls", "tls"] = "none"
    username: str = ""
    password: Secret | None = None
    timeout_seconds: float = 30.0
    from_address: str = "managed-contact@council.example"


@dataclass(frozen=True, slots=True)
class MailboxSettings:
    name: str
    username: str
    password: Secret
    kind: Literal["imap", "ews", "graph"] = "imap"
    host: str = "127.0.0.1"
    port: int = 993
    security: Literal["none", "starttls", "tls"] = "tls"
    folders: tuple[str, ...] = ("INBOX",)
    managed_folder: str = "Managed contact"
    # The service this mailbox belongs to, for scatter-gun metrics and reports.
    service: str = ""
    # A person's own mailbox (for distinct-staff counts) rather than a shared one.
    personal: bool = False
    idle: bool = True
    poll_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class SpocSettings:
    id: str
    name: str
    email: str
    deputy: str = ""
    absent: bool = False
    # Replies written in the SPOC's mail client: drafts saved (or mail sent) into
    # ``capture_folder`` of the [[mailboxes]] entry ``capture_mailbox`` are held for
    # the case's cadence. Taken drafts move to ``capture_queued_folder``, drafts
    # that cannot be held (and are bounced to the SPOC) to ``capture_rejected_folder``.
    capture_mailbox: str = ""
    capture_folder: str = ""
    capture_queued_folder: str = ""
    capture_rejected_folder: str = ""
    # A copy of each released reply is appended here, in ``capture_mailbox`` ("": none).
    sent_folder: str = ""

    @property
    def queued_folder(self) -> str:
        return self.capture_queued_folder or f"{self.capture_folder}/Queued"

    @property
    def rejected_folder(self) -> str:
        return self.capture_rejected_folder or f"{self.capture_folder}/Not held"


@dataclass(frozen=True, slots=True)
class ContactSettings:
    ig_address: str = "information.governance@council.example"
    service_alert_addresses: tuple[str, ...] = ()
    # Senior staff addresses: mail insisting on them counts towards a flag.
    senior_staff: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LimitSettings:
    max_message_bytes: int = 25 * 1024 * 1024
    max_mime_depth: int = 20
    max_parts: int = 500
    parse_timeout_seconds: float = 5.0


def default_parse_processes() -> int:
    """1 on a machine with two or more cores, else 0 (parse in the daemon's threads)."""
    return 1 if (os.cpu_count() or 1) >= 2 else 0


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """How the watcher fetches (``mailrouter.watch.WatchOptions``); IDLE/polling per mailbox."""

    workers: int = 8
    batch_messages: int = 500
    batch_bytes: int = 16 * 1024 * 1024
    resync_limit: int = 10_000
    idle_renew_minutes: float = 25.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    # One parsing process where there is a second core to run it (see the example config).
    parse_processes: int = field(default_factory=default_parse_processes)


@dataclass(frozen=True, slots=True)
class RetentionSettings:
    """How long mail and per-sender data outside the register are kept (UK GDPR).

    Mail linked to a register case follows the case's own retention (register
    deletion); these ages apply to everyone else's. See ``mailrouter.retention``.
    """

    enabled: bool = True
    # Mail from senders not on the register and not linked to a case: 6 months, so a
    # stage 1 business case can still draw on a sender's earlier mail.
    unmatched_mail_days: int = 180
    # Metrics counters, traits and fingerprints of senders not on the register.
    sender_data_days: int = 90
    # Quarantined mail (not parseable or not routable), kept for an operator to retry.
    quarantine_days: int = 30
    batch_size: int = 1000
    # Local time of the daily run.
    time: str = "02:30"


@dataclass(frozen=True, slots=True)
class PolicySettings:
    monitoring_months: int = 6
    review_interval_months: int = 3
    max_review_interval_months: int = 6
    dormant_retention_months: int = 24
    fold_subaddress: bool = True
    spoc_unread_alert_hours: int = 48
    default_cadence: Cadence = "fortnightly"
    mailbox_alert_after_minutes: int = 30


@dataclass(frozen=True, slots=True)
class ThresholdSettings:
    messages_per_day: int = 10
    messages_per_week: int = 25
    messages_per_month: int = 60
    distinct_staff_per_week: int = 8
    senior_share: float = 0.5
    near_duplicate_similarity: float = 0.8
    # Repeats of an earlier message (at or above the similarity) in a week that raise a flag.
    near_duplicates_per_week: int = 3
    anomaly_quantile: float = 0.999
    complaints_per_month: int = 3
    # Writing similarity to a register customer that, with one other sign, suggests an alias.
    alias_writing_similarity: float = 0.9
    # Office hours in the council's time zone; contact outside them counts as out of hours.
    office_opens: str = "08:00"
    office_closes: str = "18:00"
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True, slots=True)
class DigestSettings:
    time: str = "08:00"
    working_days_only: bool = True
    # Characters of a diverted message shown in a digest; 0 shows none.
    excerpt_chars: int = 200
    # The console's address as SPOCs reach it, for "mark read" links; "" means
    # http://{web.host}:{web.port}.
    console_url: str = ""


@dataclass(frozen=True, slots=True)
class DetectionSettings:
    enabled: bool = True
    # Run detection on everyone's mail, not only register customers' (costs a body parse each).
    everyone: bool = False
    # Where the trained models are; empty means the models/ folder shipped with mailrouter.
    models_dir: str = ""
    # Characters of a message's text the detectors read.
    max_chars: int = 20000


@dataclass(frozen=True, slots=True)
class WebSettings:
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = 8025
    secret_key: Secret | None = None


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["json", "text"] = "json"


@dataclass(frozen=True, slots=True)
class Settings:
    general: GeneralSettings = field(default_factory=GeneralSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    raw_store: RawStoreSettings = field(default_factory=RawStoreSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    mailboxes: tuple[MailboxSettings, ...] = ()
    spocs: tuple[SpocSettings, ...] = ()
    contacts: ContactSettings = field(default_factory=ContactSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    thresholds: ThresholdSettings = field(default_factory=ThresholdSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    web: WebSettings = field(default_factory=WebSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    # The working directory at load time; relative data paths resolve against it.
    base_dir: str = "."

    def __post_init__(self) -> None:
        # Capture folders are watched like any other folder of their mailbox, so
        # ingestion needs no special case: they join the mailbox's ``folders`` here.
        wanted: dict[str, list[str]] = {}
        for spoc in self.spocs:
            if spoc.capture_mailbox and spoc.capture_folder:
                wanted.setdefault(spoc.capture_mailbox, []).append(spoc.capture_folder)
        if not wanted:
            return
        mailboxes = tuple(
            replace(m, folders=tuple(dict.fromkeys((*m.folders, *wanted.get(m.name, ())))))
            for m in self.mailboxes
        )
        object.__setattr__(self, "mailboxes", mailboxes)

    def capture_owners(self, mailbox: str, folder: str) -> tuple[SpocSettings, ...]:
        """The SPOCs whose capture folder ``mailbox``/``folder`` is (empty: not one)."""
        return tuple(
            s
            for s in self.spocs
            if s.capture_folder and (s.capture_mailbox, s.capture_folder) == (mailbox, folder)
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.general.timezone)

    def resolve_path(self, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else Path(self.base_dir) / path

    def database_url(self) -> str:
        """The URL with a relative SQLite path made absolute against the config's folder."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.resolve_path(url[len(prefix) :]))
        return url


T = TypeVar("T")


def load(path: str | Path, environ: Mapping[str, str]) -> Settings:
    """Read and validate ``path``; raise ``ConfigError`` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the file: {exc.strerror}"]) from exc
    return loads(text, environ, base_dir=path.parent.resolve(), filename=str(path))


def loads(
    text: str, environ: Mapping[str, str], *, base_dir: Path = Path(), filename: str = "<config>"
) -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{filename}: not valid TOML: {exc}"]) from exc
    builder = _Builder(environ, KeyLocator(text), filename, base_dir)
    # Data paths are relative to the working directory (systemd's WorkingDirectory);
    # secret files are relative to the config file, where an operator keeps them.
    data = {**data, "base_dir": str(Path.cwd())}
    settings = builder.build(Settings, data, ())
    builder.errors.extend(_cross_checks(settings, builder))
    if builder.errors:
        raise ConfigError(builder.errors)
    assert isinstance(settings, Settings)
    return settings


def default_settings(base_dir: Path) -> Settings:
    """Embedded defaults: SQLite under ``base_dir``, no mailboxes."""
    return Settings(base_dir=str(base_dir))


class _Builder:
    def __init__(
        self, environ: Mapping[str, str], locator: KeyLocator, filename: str, base_dir: Path
    ) -> None:
        self.environ = environ
        self.locator = locator
        self.filename = filename
        self.base_dir = base_dir
        self.errors: list[str] = []

    def problem(self, path: tuple[str | int, ...], message: str) -> None:
        dotted = _dotted(path)
        line = self.locator.line_of(path)
        where = f"{self.filename}:{line}" if line else self.filename
        self.errors.append(f"{where}: {dotted}: {message}")

    def build(self, cls: type[Any], data: object, path: tuple[str | int, ...]) -> Any:
        if not isinstance(data, dict):
            self.problem(path, f"expected a table, got {_kind(data)}")
            return None
        hints = typing.get_type_hints(cls)
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key in data:
            base = key.removesuffix("_env").removesuffix("_file")
            if key in known or (base != key and base in known and _is_secret(hints[base])):
                continue
            self.problem((*path, key), f"unknown key (known keys: {', '.join(sorted(known))})")
        for f in fields(cls):
            hint = hints[f.name]
            if _is_secret(hint):
                secret = self.secret(data, path, f.name, required=f.default is MISSING)
                if secret is not None:
                    kwargs[f.name] = secret
                continue
            if f.name not in data:
                if f.default is MISSING and f.default_factory is MISSING:
                    self.problem((*path, f.name), "required key is missing")
                continue
            value = self.convert(hint, data[f.name], (*path, f.name))
            if value is not None:
                kwargs[f.name] = value
        try:
            return cls(**kwargs)
        except TypeError:
            return None  # A required key is missing; already reported.

    def convert(  # noqa: PLR0911 - one return per kind of TOML value reads clearest
        self, hint: Any, value: object, path: tuple[str | int, ...]
    ) -> Any:
        origin = typing.get_origin(hint)
        if is_dataclass(hint):
            return self.build(typing.cast(type[Any], hint), value, path)
        if origin is tuple:
            if not isinstance(value, list):
                self.problem(path, f"expected a list, got {_kind(value)}")
                return None
            item = typing.get_args(hint)[0]
            items = [self.convert(item, v, (*path, i)) for i, v in enumerate(value)]
            return None if any(v is None for v in items) else tuple(items)
        if origin is Literal:
            choices = typing.get_args(hint)
            if value not in choices:
                self.problem(path, f"must be one of {', '.join(map(repr, choices))}, got {value!r}")
                return None
            return value
        if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if hint in (str, int, bool) and type(value) is hint:
            return value
        self.problem(path, f"expected {_type_name(hint)}, got {_kind(value)} {value!r}")
        return None

    def secret(  # noqa: PLR0911 - env, file or missing, each with its own error
        self, data: dict[str, Any], path: tuple[str | int, ...], name: str, *, required: bool
    ) -> Secret | None:
        if name in data:
            self.problem(
                (*path, name),
                f"secrets are not allowed in the file: use {name}_env or {name}_file",
            )
            return None
        env_name, file_name = data.get(f"{name}_env"), data.get(f"{name}_file")
        if env_name is not None:
            if not isinstance(env_name, str):
                self.problem((*path, f"{name}_env"), "expected the name of an environment variable")
            elif env_name not in self.environ:
                self.problem((*path, f"{name}_env"), f"environment variable {env_name} is not set")
            else:
                return Secret(self.environ[env_name])
            return None
        if file_name is not None:
            if not isinstance(file_name, str):
                self.problem((*path, f"{name}_file"), "expected a file path")
                return None
            secret_path = Path(file_name)
            if not secret_path.is_absolute():
                secret_path = self.base_dir / secret_path
            try:
                return Secret(secret_path.read_text(encoding="utf-8").rstrip("\r\n"))
            except OSError as exc:
                self.problem((*path, f"{name}_file"), f"cannot read {file_name}: {exc.strerror}")
                return None
        if required:
            self.problem((*path, name), f"required secret: set {name}_env or {name}_file")
        return None


def _cross_checks(settings: Settings | None, builder: _Builder) -> list[str]:
    """Checks that span keys; each names the key it is about."""
    if settings is None:
        return []
    found: list[str] = []

    def add(path: tuple[str | int, ...], message: str) -> None:
        before = len(builder.errors)
        builder.problem(path, message)
        found.append(builder.errors.pop(before))

    _check_general(settings, add)
    _check_mailboxes_and_spocs(settings, add)
    _check_policy_and_limits(settings, add)
    _check_ingest(settings, add)
    _check_retention(settings.retention, add)
    _check_thresholds(settings.thresholds, add)
    return found


Problem = Callable[[tuple[str | int, ...], str], None]


def _check_general(settings: Settings, add: Problem) -> None:
    try:
        ZoneInfo(settings.general.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        add(("general", "timezone"), f"unknown time zone {settings.general.timezone!r}")
    if not settings.database.url.startswith(("sqlite://", "postgresql")):
        add(("database", "url"), "only sqlite:// and postgresql URLs are supported")
    try:
        time.fromisoformat(settings.digest.time)
    except ValueError:
        add(("digest", "time"), f"expected HH:MM, got {settings.digest.time!r}")


def _check_mailboxes_and_spocs(settings: Settings, add: Problem) -> None:
    seen: set[str] = set()
    for i, mailbox in enumerate(settings.mailboxes):
        if mailbox.name in seen:
            add(("mailboxes", i, "name"), f"duplicate mailbox name {mailbox.name!r}")
        seen.add(mailbox.name)
        if not 0 < mailbox.port < 65536:
            add(("mailboxes", i, "port"), f"port out of range: {mailbox.port}")
    spoc_ids = {s.id for s in settings.spocs}
    for i, spoc in enumerate(settings.spocs):
        if spoc.deputy and spoc.deputy not in spoc_ids:
            add(("spocs", i, "deputy"), f"no SPOC with id {spoc.deputy!r}")
        if "@" not in spoc.email:
            add(("spocs", i, "email"), f"not an e-mail address: {spoc.email!r}")
        _check_capture(settings, i, spoc, add)


def _check_capture(settings: Settings, i: int, spoc: SpocSettings, add: Problem) -> None:
    if not (spoc.capture_mailbox or spoc.capture_folder or spoc.sent_folder):
        return
    mailbox = next((m for m in settings.mailboxes if m.name == spoc.capture_mailbox), None)
    if mailbox is None:
        add(
            ("spocs", i, "capture_mailbox"),
            f"no [[mailboxes]] entry named {spoc.capture_mailbox!r}"
            " (capture_folder and sent_folder are folders of that mailbox)",
        )
    elif mailbox.kind != "imap":
        add(("spocs", i, "capture_mailbox"), f"mailbox {mailbox.name!r} is not IMAP")
    if spoc.capture_mailbox and not spoc.capture_folder.strip():
        add(("spocs", i, "capture_folder"), "required with capture_mailbox")
        return
    if mailbox is not None and spoc.capture_folder == mailbox.managed_folder:
        add(("spocs", i, "capture_folder"), "must differ from the mailbox's managed_folder")
    for key, folder in (
        ("capture_queued_folder", spoc.queued_folder),
        ("capture_rejected_folder", spoc.rejected_folder),
    ):
        if spoc.capture_folder and folder == spoc.capture_folder:
            add(("spocs", i, key), "must differ from capture_folder")


def _check_policy_and_limits(settings: Settings, add: Problem) -> None:
    policy = settings.policy
    if policy.review_interval_months > policy.max_review_interval_months:
        add(("policy", "review_interval_months"), "cannot exceed max_review_interval_months")
    if policy.max_review_interval_months > 6:
        add(
            ("policy", "max_review_interval_months"), "the policy requires a review within 6 months"
        )
    for key in ("max_message_bytes", "max_mime_depth", "max_parts"):
        if getattr(settings.limits, key) <= 0:
            add(("limits", key), "must be positive")


def _check_ingest(settings: Settings, add: Problem) -> None:
    ingest = settings.ingest
    for key in ("workers", "batch_messages", "batch_bytes", "resync_limit"):
        if getattr(ingest, key) <= 0:
            add(("ingest", key), "must be positive")
    if not 0 < ingest.idle_renew_minutes < 30:
        # RFC 2177: servers may end an IDLE after 30 minutes.
        add(("ingest", "idle_renew_minutes"), "must be above 0 and below 30")
    if ingest.backoff_base_seconds <= 0:
        add(("ingest", "backoff_base_seconds"), "must be positive")
    if ingest.backoff_max_seconds < ingest.backoff_base_seconds:
        add(("ingest", "backoff_max_seconds"), "cannot be below backoff_base_seconds")
    if ingest.parse_processes < 0:
        add(("ingest", "parse_processes"), "cannot be negative")
    for i, mailbox in enumerate(settings.mailboxes):
        if mailbox.poll_seconds <= 0:
            add(("mailboxes", i, "poll_seconds"), "must be positive")


# The flag scan reads 28 days back, and a calendar-month rule reads from the first of
# the month its window starts in (up to 31 days earlier): 28 + 31.
MIN_SENDER_DATA_DAYS = 59


def _check_retention(retention: RetentionSettings, add: Problem) -> None:
    for key in ("unmatched_mail_days", "quarantine_days", "batch_size"):
        if getattr(retention, key) <= 0:
            add(("retention", key), "must be positive")
    if retention.sender_data_days < MIN_SENDER_DATA_DAYS:
        add(
            ("retention", "sender_data_days"),
            f"must be at least {MIN_SENDER_DATA_DAYS} (the longest window the flags read)",
        )
    if retention.unmatched_mail_days < retention.sender_data_days:
        # A flag's evidence names messages: they must outlive the counters behind it.
        add(("retention", "unmatched_mail_days"), "cannot be below sender_data_days")
    try:
        time.fromisoformat(retention.time)
    except ValueError:
        add(("retention", "time"), f"expected HH:MM, got {retention.time!r}")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _check_thresholds(limits: ThresholdSettings, add: Problem) -> None:
    for key in (
        "messages_per_day",
        "messages_per_week",
        "messages_per_month",
        "distinct_staff_per_week",
        "near_duplicates_per_week",
        "complaints_per_month",
    ):
        if getattr(limits, key) < 0:
            add(("thresholds", key), "cannot be negative")
    for key in ("senior_share", "near_duplicate_similarity", "alias_writing_similarity"):
        if not 0 < getattr(limits, key) <= 1:
            add(("thresholds", key), "must be above 0 and at most 1")
    if not 0 < limits.anomaly_quantile < 1:
        add(("thresholds", "anomaly_quantile"), "must be between 0 and 1")
    hours: list[time] = []
    for key in ("office_opens", "office_closes"):
        try:
            hours.append(time.fromisoformat(getattr(limits, key)))
        except ValueError:
            add(("thresholds", key), f"expected HH:MM, got {getattr(limits, key)!r}")
    if len(hours) == 2 and hours[0] >= hours[1]:
        add(("thresholds", "office_closes"), "must be later than office_opens")
    for i, day in enumerate(limits.working_days):
        if day not in WEEKDAYS:
            add(("thresholds", "working_days", i), f"expected one of {', '.join(WEEKDAYS)}")


def _is_secret(hint: Any) -> bool:
    return hint is Secret or (isinstance(hint, types.UnionType) and Secret in typing.get_args(hint))


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _kind(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _type_name(hint: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        hint, str(hint)
    )
