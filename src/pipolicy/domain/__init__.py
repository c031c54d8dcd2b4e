"""Typed value objects of the domain. Nothing here does I/O or reads the time."""
