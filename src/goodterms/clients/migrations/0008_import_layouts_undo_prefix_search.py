"""Imports that can be undone and remembered, other emails and phones kept, and a prefix search index.

- Client and contact remember the import that created them (undo), and a contact its last change.
- ImportLayout: the column mapping chosen per CSV header row, per organization.
- On PostgreSQL only, btree indexes on (organization, UPPER(column)) with text_pattern_ops for client name
  and company, contact name and email: a one- or two-letter search is `UPPER(name::text) LIKE 'AN%'`
  (Django's istartswith), a range in these indexes. Trigram indexes (0003) need three letters.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# index name -> (table, column)
PREFIX_INDEXES = {
    "clients_client_name_prefix": ("clients_client", "name"),
    "clients_client_company_prefix": ("clients_client", "company"),
    "clients_contact_name_prefix": ("clients_contact", "name"),
    "clients_contact_email_prefix": ("clients_contact", "email"),
}


def create_prefix_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for name, (table, column) in PREFIX_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"({quote('organization_id')}, (UPPER({quote(column)}::text)) text_pattern_ops)"
        )


def drop_prefix_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_security_sessions_counters_log"),
        ("clients", "0007_addresses_as_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="import_batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="clients.importbatch",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="import_batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="clients.importbatch",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="other_emails",
            field=models.TextField(
                blank=True,
                help_text="One a line. goodterms writes only to the email above.",
                verbose_name="other email addresses",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="other_phones",
            field=models.TextField(blank=True, help_text="One a line.", verbose_name="other phone numbers"),
        ),
        migrations.AddField(
            model_name="contact",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="rejected_csv",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="replaced_primaries",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="undone_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="written_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="ImportLayout",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("header_hash", models.CharField(max_length=64)),
                ("mapping", models.JSONField(default=dict)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "header_hash"), name="one_mapping_per_layout"
                    )
                ],
            },
        ),
        migrations.RunPython(create_prefix_indexes, drop_prefix_indexes, elidable=False),
    ]
