"""CSV and Excel imports of customers, contacts, products and orders."""
