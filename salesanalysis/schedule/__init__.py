"""schedule subpackage (being built)."""
