"""Imported notes become private notes.

Until now an import mapped a "Notes" column (Google Contacts) or a vCard NOTE into "what we did together",
which goodbyes quote to the client. The contacts an import wrote are found by the import's commit: they were
created in the minutes after their batch was committed, in the same organization. Their notes move to
private notes, and `notes_moved` makes the contact's page say so. A contact typed in by hand keeps its text.
A contact added by hand in those same minutes is moved too: the safe side, since private notes never reach a
client and the user can copy back what a client may read.
"""

from datetime import timedelta
from typing import Any

from django.db import migrations

WINDOW = timedelta(minutes=10)


def move_imported_notes(apps: Any, schema_editor: Any) -> None:
    Contact = apps.get_model("clients", "Contact")
    ImportBatch = apps.get_model("clients", "ImportBatch")
    for batch in ImportBatch.objects.filter(committed_at__isnull=False).iterator():
        imported = Contact.objects.filter(
            organization_id=batch.organization_id,
            created_at__gte=batch.committed_at - timedelta(seconds=5),
            created_at__lte=batch.committed_at + WINDOW,
        ).exclude(together_notes="")
        for contact in imported.iterator():
            contact.private_notes = (
                f"{contact.private_notes}\n\n{contact.together_notes}".strip()
                if contact.private_notes
                else contact.together_notes
            )
            contact.together_notes = ""
            contact.notes_moved = True
            contact.save(update_fields=["private_notes", "together_notes", "notes_moved"])


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_contact_private_notes")]

    operations = [migrations.RunPython(move_imported_notes, migrations.RunPython.noop)]
