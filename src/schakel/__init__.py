"""Schakel: linking signals, care and follow-up in the Dutch approach to human trafficking."""

__version__ = "0.1.0"
