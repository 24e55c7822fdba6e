"""Headwise: craniosacral therapy in migraine care, measured honestly."""

__version__ = "0.1.0"
