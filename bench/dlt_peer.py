"""The peer for `ctower bench`: dlt loading the same pages from the same AP sandbox into SQLite.

Prints one JSON object: {"records": N, "seconds": S}. Installed and run by `make bench`.
"""
import argparse
import json
import time

import dlt
import requests


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--resource", default="invoices")
    ap.add_argument("--max-records", type=int, default=200_000)
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    count = {"n": 0}

    @dlt.resource(name=args.resource, write_disposition="append")
    def pages():
        session = requests.Session()
        cursor = None
        while True:
            params = {"limit": 1000}
            if cursor:
                params["cursor"] = cursor
            r = session.get(f"{args.url}/api/v1/{args.resource}", params=params,
                            headers={"x-api-key": args.key}, timeout=30)
            r.raise_for_status()
            page = r.json()
            count["n"] += len(page["data"])
            yield page["data"]
            cursor = page["next_cursor"]
            if not page["has_more"] or count["n"] >= args.max_records:
                break

    pipeline = dlt.pipeline(
        pipeline_name="ctower_peer",
        destination=dlt.destinations.sqlalchemy(f"sqlite:///{args.db}"),
        dataset_name="main",
        pipelines_dir=f"{args.db}.pipelines",
    )
    started = time.monotonic()
    pipeline.run(pages())
    print(json.dumps({"records": count["n"], "seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main()
