"""What Leora derives about each account: cadence, RFM, health, account type."""
