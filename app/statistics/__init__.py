"""Beleidsinformatie: figures about the overleggen for reports, never about a person."""
