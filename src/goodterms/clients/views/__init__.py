"""The clients pages, one module per resource: clients, contacts, imports, exports; base: what they share."""
