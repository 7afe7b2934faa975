"""The ERP backend: the system of record for the sales-order assistant."""
