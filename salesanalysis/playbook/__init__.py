"""playbook subpackage (being built)."""
