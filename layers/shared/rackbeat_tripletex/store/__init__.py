"""Persistence: DynamoDB (tenants, settings, links, cursors, runs, failures) and Secrets Manager."""
