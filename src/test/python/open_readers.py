"""Reads every table of a ProfitLake lakehouse with two readers that are not Spark: the deltalake package
(delta-rs) and DuckDB's own Delta extension (delta_scan). Prints, per table, its Delta protocol and what each
reader counts: rows, and the total of every money column (DECIMAL(18,2)) as an exact decimal string.

Usage: open_readers.py LAKEHOUSE [DATABASE]
The integration test compares these figures with Spark's.
"""
import json
import os
import sys

import duckdb
import duckdb_extensions
import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable


def money_columns(schema: pa.Schema) -> list:
    return [f.name for f in schema if pa.types.is_decimal(f.type) and f.type.precision == 18 and f.type.scale == 2]


def exact(value) -> str | None:
    return None if value is None else format(value, "f")


def main(lakehouse: str, database: str = "profitability") -> int:
    root = os.path.join(os.path.abspath(lakehouse), "warehouse", database + ".db")
    # The extension from PyPI (duckdb-extension-delta): DuckDB's INSTALL delta would download it.
    duckdb_extensions.import_extension("delta")
    con = duckdb.connect()
    con.sql("LOAD delta")
    out = {}
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if not os.path.isdir(os.path.join(path, "_delta_log")):
            continue
        table = DeltaTable(path)
        protocol = table.protocol()
        data = table.to_pyarrow_table()
        money = money_columns(data.schema)
        by_deltalake = {"rows": data.num_rows, "money": {c: exact(pc.sum(data[c]).as_py()) for c in money}}
        sums = "".join(f", sum(\"{c}\")::VARCHAR" for c in money)
        row = con.sql(f"SELECT count(*){sums} FROM delta_scan('{path}')").fetchone()
        by_duckdb = {"rows": row[0], "money": {c: row[i + 1] for i, c in enumerate(money)}}
        out[name] = {
            "protocol": {"min_reader_version": protocol.min_reader_version,
                         "min_writer_version": protocol.min_writer_version,
                         "reader_features": protocol.reader_features or [],
                         "writer_features": protocol.writer_features or []},
            "deltalake": by_deltalake,
            "duckdb": by_duckdb,
        }
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
