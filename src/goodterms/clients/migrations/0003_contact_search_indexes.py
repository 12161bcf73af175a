"""Indexes for the client list at 20,000 clients and 100,000 contacts (make bench-web).

- contact (organization, client, name, email): serves the page's primary contacts (organization and client),
  and the search's one pass over the organization's names and emails without reading the table. SQLite picks
  it even without ANALYZE statistics, where it otherwise took the organization index and read every contact.
- On PostgreSQL only, trigram (pg_trgm) GIN indexes on UPPER(name) and UPPER(email) of contacts: Django's
  icontains is `UPPER(column::text) LIKE UPPER(%s)`, so these expressions let the search find the matching
  contacts without scanning them all. SQLite has no such index and skips this step. If the extension cannot
  be created (not installed, or no right to), the migration says so and goes on: search still works, by scan.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, migrations, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# index name -> column of clients_contact
TRIGRAM_INDEXES = {"clients_contact_name_trgm": "name", "clients_contact_email_trgm": "email"}


def create_trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):  # a savepoint: a refusal must not end the migration
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        reason = str(error).splitlines()[0]
        sys.stderr.write(
            f"\n  pg_trgm could not be created ({reason}): the client search scans contacts instead.\n"
        )
        return
    quote = schema_editor.quote_name
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote('clients_contact')} "
            f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("clients", "0002_import_batch_delimiter_default_client_stats"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["organization", "client", "name", "email"], name="clients_con_organiz_22ed09_idx"
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
