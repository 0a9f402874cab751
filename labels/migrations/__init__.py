"""Schema migrations, applied in order by `labels.migrate`: `NNNN_name.sql` files or `NNNN_name.py` modules with `migrate(con)`."""
