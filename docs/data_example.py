"""Reading the tracker's downloads with pandas and its data package with frictionless.

Run it against any running tracker: `python docs/data_example.py http://127.0.0.1:8000`.
tests/site/test_data_example.py runs it against a test server, so it keeps working.
"""

from __future__ import annotations

import sys

import frictionless
import pandas


def main(site: str) -> dict:
    # 1. The JSON download is an array of records: pandas reads it as it is, filters and all.
    #    Amounts are decimal strings; keep them text and convert where needed.
    nato = pandas.read_json(f"{site}/export/commitments.json?theme=nato", dtype={"amount": str})
    by_status = nato.groupby("status").size().to_dict()
    print(f"{len(nato)} NATO commitments:", by_status)

    # 2. For citing: since when each status holds, the latest check, and the evidence behind it.
    rated = nato[nato["status"] != "not_rated"]
    for record in rated.itertuples():
        print(f"- {record.title}: {record.status_label} since {record.status_as_of}, "
              f"last assessed {record.last_assessed}; evidence: {', '.join(record.status_evidence) or 'none'}")  # fmt: skip

    # 3. The NDJSON download holds the same records, one a line, for reading as a stream.
    streamed = pandas.read_json(f"{site}/export/commitments.ndjson?theme=nato", lines=True, dtype={"amount": str})
    assert list(streamed["id"]) == list(nato["id"])

    # 4. The data package describes the CSV download: validate it, then read typed rows.
    descriptor = f"{site}/export/datapackage.json?theme=nato"
    report = frictionless.validate(descriptor)
    print("The CSV matches its data package:", report.valid)
    package = frictionless.Package(descriptor)
    resource = package.get_resource("commitments")
    rows = resource.read_rows()
    overdue = [row["slug"] for row in rows if row["is_overdue"]]  # booleans and dates come typed
    print("Overdue:", ", ".join(overdue) or "none")
    return {"count": len(nato), "by_status": by_status, "valid": report.valid, "overdue": overdue,
            "licence": package.licenses[0]["name"], "key": resource.schema.primary_key}  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
