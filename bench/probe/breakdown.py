#!/usr/bin/env python3
"""breakdown.py — self instructions per object from a callgrind file, by function and by category.
   breakdown.py CALLGRIND_FILE OBJECTS [TOP]"""
import re, sys, collections

def self_costs(path):
    names, objs = {}, {}
    fn = ob = None
    fn_ob = {}
    cost = collections.Counter()
    skip_next = False
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^(fn|cfn|ob|cob|fl|fi|fe|cfi|cfl)=\((\d+)\)(?: (.*))?$", line)
        if m:
            kind, idx, name = m.groups()
            table = objs if kind in ("ob", "cob") else names
            if name is not None and kind in ("ob", "cob", "fn", "cfn"):
                table[idx] = name
            if kind == "ob": ob = idx
            if kind == "fn":
                fn = idx
                fn_ob[fn] = ob
            continue
        if line.startswith("calls="):
            skip_next = True
            continue
        if line and (line[0].isdigit() or line[0] in "+-*"):
            if skip_next:
                skip_next = False
                continue
            parts = line.split()
            if len(parts) >= 2 and fn is not None:
                cost[fn] += int(parts[1])
    return {(names.get(f, f), objs.get(fn_ob.get(f), "?")): c for f, c in cost.items()}

CATEGORIES = [
    ("malloc/free (glibc)", r"malloc|free|_int_|operator new|operator delete|tcache|arena|cfree|scalable_|tbbmalloc"),
    ("oneTBB scheduler + flow graph", r"tbb::|libtbb|oneapi"),
    ("locks, futex, condvar", r"pthread_|futex|__lll|syscall|sched_yield"),
    ("memcpy/strings", r"memcpy|memmove|memset|strlen|^std::__cxx11::basic_string|char_traits"),
    ("shared_ptr / refcounts", r"^std::.*(shared_ptr|_Sp_counted)"),
    ("futures/promises", r"^std::.*(future|promise)|call_once|__once"),
    ("the workload (bench nodes, driver)", r"^bench::|run_sluice|run_baseline|copy_text|main$"),
    ("sluice engine", r"sluice::"),
]

def main():
    path, objects = sys.argv[1], int(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    costs = self_costs(path)
    total = sum(costs.values())
    print(f"{path}: {total / objects:,.0f} instructions/object (self cost summed over all functions)")
    by_cat = collections.Counter()
    for (name, ob), c in costs.items():
        # The qualified name only: a parameter list naming std::string is not string work.
        key = name.split("(")[0] + " " + ob
        for cat, rx in CATEGORIES:
            if re.search(rx, key):
                by_cat[cat] += c
                break
        else:
            by_cat["other"] += c
    print("\nby category:")
    for cat, c in by_cat.most_common():
        print(f"  {c / objects:8,.0f}  {100 * c / total:5.1f}%  {cat}")
    print(f"\ntop {top} functions (self):")
    for (name, ob), c in sorted(costs.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {c / objects:8,.0f}  {name[:110]}  [{ob.rsplit('/', 1)[-1]}]")

if __name__ == "__main__":
    main()
