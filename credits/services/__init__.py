"""Issuing credit notes and using them: applied to invoices as they are sent
(``applying``), or refunded, changed or voided by staff (``issuing``)."""
