"""Builds plain-text reports from settings and records."""
