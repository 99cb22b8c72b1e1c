"""Billing's rules, one module per subject: entitlements (who may study what), checkout and
webhooks, coupons, seats, receipts. Views, webhooks, admin actions and tasks call these."""
