"""Emails sent through SES."""
