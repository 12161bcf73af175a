"""What every part of goodterms shares and no part owns: the vocabulary, the field checks, the YAML node
reader and the one "refused" exception.

Plain Python: no Django here, nor in the cores built on it (goodterms.tone, goodterms.playbook,
goodterms.templating). `make lint` enforces both (the import contracts in pyproject.toml).
"""
