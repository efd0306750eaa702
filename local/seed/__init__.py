"""Seed data for the local stack and tests (see README.md in this folder)."""
