"""Tenant webhook subscriptions and their signed, retried deliveries."""
