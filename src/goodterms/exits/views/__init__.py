"""The exits pages, one module per resource: the week, exits, their steps, the checklist, the calendar."""
