"""Chat backend with agent events."""
