"""Onboarding: the logic behind the onboarding API routes and the daily token check."""
