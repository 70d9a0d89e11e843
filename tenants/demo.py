"""The demo account that `make dev` seeds (plain constants: imported before Django starts)."""

DEMO_SUBDOMAIN = "demo"
DEMO_COMPANY = "Demo Agency"
DEMO_PASSWORD = "demo-pass-2024"
DEMO_OWNER = ("Olivia Owner", "owner@demo.example")
DEMO_EMPLOYEE = ("Eric Employee", "employee@demo.example")
# Name, company, email, currency, language (Camille reads her emails and pages in French).
DEMO_CLIENTS = (
    ("Camille Martin", "Atelier Martin", "camille@atelier-martin.example", "EUR", "fr"),
    ("Jordan Lee", "Northwind Traders", "jordan@northwind.example", "USD", ""),
)
