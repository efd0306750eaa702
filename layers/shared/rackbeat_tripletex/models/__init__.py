"""Pydantic v2 models: the API entities we read and write, and our own domain."""
