"""Operator commands (run from the repository root with the project venv)."""
