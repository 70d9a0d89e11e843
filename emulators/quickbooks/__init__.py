"""An offline QuickBooks Online: Intuit OAuth, the v3 API the connector uses, hosted invoices."""
