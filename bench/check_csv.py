#!/usr/bin/env python3
"""check_csv.py — the benchmark smoke test: runs `sluice-bench --quick`, then checks that its
CSV parses, has a row for every scenario, carries numbers, and that every row accounts for
every object (accepted == completed + failed). Speed is not checked: CI machines vary."""
import csv
import subprocess
import sys

EXPECTED = ["1_chain", "2_diamond", "3_cpu", "4_send", "5_terminate", "6_memory"]
NUMBERS = ["reps", "sluice_median", "sluice_min", "sluice_max", "baseline_median",
           "baseline_min", "baseline_max", "ratio", "accepted", "completed", "failed"]


def fail(message):
    print(f"bench_smoke: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: check_csv.py SLUICE_BENCH CSV_PATH")
    bench, path = sys.argv[1], sys.argv[2]
    listed = subprocess.run([bench, "--list"], capture_output=True, text=True, timeout=60).stdout
    expected = EXPECTED + (["7_server"] if "7_server" in listed else [])
    run = subprocess.run([bench, "--quick", "--csv", path], timeout=280)
    if run.returncode != 0:
        fail(f"sluice-bench --quick exited with {run.returncode}")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        fail("the CSV has no rows")
    for i, row in enumerate(rows, start=2):
        try:
            values = {k: float(row[k]) for k in NUMBERS}
        except (KeyError, TypeError, ValueError) as e:
            fail(f"line {i}: not a number: {e}")
        if values["sluice_median"] <= 0 and row["metric"] != "engine_overhead_per_object":
            fail(f"line {i}: no sluice measurement: {row}")
        if values["sluice_min"] > values["sluice_median"] or values["sluice_median"] > values["sluice_max"]:
            fail(f"line {i}: median outside [min, max]: {row}")
        if values["accepted"] != values["completed"] + values["failed"]:
            fail(f"line {i}: accepted != completed + failed: {row}")
    for name in expected:
        sent = [r for r in rows if r["scenario"] == name]
        if not sent:
            fail(f"no row for scenario {name}")
        if name not in ("6_memory",) and not any(float(r["accepted"]) > 0 for r in sent):
            fail(f"scenario {name} accounted for no objects")
    if "7_server" in expected:
        bare = [r for r in rows if r["metric"] == "items_per_s_vs_bare_beast"]
        if not bare or any(float(r["baseline_median"]) <= 0 for r in bare):
            fail("scenario 7_server has no measured bare Beast baseline (items_per_s_vs_bare_beast)")
    print(f"bench_smoke: {len(rows)} rows parse; every object accounted for")


if __name__ == "__main__":
    main()
