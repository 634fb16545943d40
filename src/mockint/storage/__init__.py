"""The SQLite database: connection, migrations and transactions, and one module per
aggregate. SQL appears only in this package."""
