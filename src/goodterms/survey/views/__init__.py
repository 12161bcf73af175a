"""The survey pages, one module per resource: the public answer page, the questions, the results, and the
people invited."""
