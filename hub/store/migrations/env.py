"""Alembic environment: migrates DATABASE_URL (or the URL the caller set)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

from hub.settings import DEFAULT_DATABASE_URL, database_url_from_environment
from hub.store import sync_database_url
from hub.store.tables import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

url = sync_database_url(config.attributes.get("database_url") or database_url_from_environment() or DEFAULT_DATABASE_URL)

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
