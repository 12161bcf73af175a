"""goodterms: end client relationships on good terms."""

__version__ = "0.1.0"
