"""The accounts pages, one module per resource: setup, sign-in, health, members and invitations, settings."""
