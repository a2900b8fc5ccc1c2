"""The program's version: one place, read by pyproject.toml (setuptools `attr:`), --version, 关于."""

VERSION = "0.2.0"
