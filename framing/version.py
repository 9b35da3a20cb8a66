"""The package version, in a module of its own so that modules the package imports lazily can read it
without importing the package's entry points (no import cycle through ``framing/__init__.py``).

Example:
    >>> __version__
    '0.1.0'
"""

__version__ = "0.1.0"
