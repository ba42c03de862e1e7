"""Persistence: SQLAlchemy 2.0 models, the engine, Alembic migrations and repositories."""
