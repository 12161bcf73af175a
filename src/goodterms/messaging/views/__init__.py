"""The messaging pages, one module per resource: an exit's board, one message, the templates."""
