"""Client Billing's pages, one module per page or group of actions; they read and render,
and change nothing themselves: every write goes through ``payment_requests.services``."""
