"""An offline Stripe: the part of Stripe's API, Connect OAuth and hosted pages the app uses."""
