"""What a CLI command needs, loaded once and lazily: settings, engine, sessions.

Commands receive an ``App`` through Click's context object. Loading the config
or touching the database happens only when a command asks for it, so
``mailrouter --help`` works anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config
from mailrouter.store import db

DEFAULT_CONFIG = Path("config/mailrouter.toml")


@dataclass
class App:
    config_path: Path | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    _settings: config.Settings | None = None
    _engine: Engine | None = None

    def settings(self) -> config.Settings:
        if self._settings is None:
            path = self.config_path
            if path is None and DEFAULT_CONFIG.exists():
                path = DEFAULT_CONFIG
            if path is None:
                self._settings = config.default_settings(Path.cwd())
            else:
                self._settings = config.load(path, self.environ)
        return self._settings

    def engine(self) -> Engine:
        """The engine, whatever state the schema is in (for `db` commands)."""
        if self._engine is None:
            settings = self.settings()
            password = settings.database.password
            self._engine = db.make_engine(
                settings.database_url(),
                password=password.reveal() if password else None,
                echo=settings.database.echo,
            )
        return self._engine

    def sessions(self) -> sessionmaker[Session]:
        """Sessions on a database migrated to this version; refuses anything else."""
        engine = self.engine()
        db.require_current(engine)
        return db.session_factory(engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
