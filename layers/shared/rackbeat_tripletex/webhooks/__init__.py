"""Webhook deliveries: verification per tenant, registration, and turning them into sync tasks."""
