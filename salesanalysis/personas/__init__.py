"""personas subpackage (being built)."""
