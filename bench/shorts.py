"""How the shorts-programme proposer (scheduler.propose_programmes) scales: random sets of short films
(3-30 minutes, the museum's formats and features, one or two audiences each) grouped into 60-90 minute
programmes with 2-minute gaps, several seeds per size; prints a table of the time it took, whether the
grouping is proven best, and the films placed.

    python -m bench.shorts [--sizes 20 50 100 200] [--seeds 5] [--limit 10]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from scheduler import Lengths, Room, ShortFilm, propose_programmes

ROOMS = [
    Room(frozenset({"dome"}), frozenset({"planetarium"})),
    Room(frozenset({"4d"}), frozenset({"motion", "scent"})),
    Room(frozenset({"4d"}), frozenset({"motion"})),
    Room(frozenset({"giant_screen", "documentary"}), frozenset({"3d"})),
]
FEATURES = {"dome": ["planetarium"], "4d": ["motion", "scent"], "giant_screen": ["3d"], "documentary": []}
AUDIENCES = ["children", "families", "general", "school_groups"]


def films(n: int, seed: int) -> list[ShortFilm]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        fmt = rng.choice(sorted(FEATURES))
        requires = frozenset(w for w in FEATURES[fmt] if rng.random() < 0.3)
        audiences = frozenset(rng.sample(AUDIENCES, rng.choice([0, 1, 1, 2])))
        out.append(ShortFilm(f"f{i}", rng.randint(3, 30), fmt, requires, audiences, rng.randint(20, 400)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 50, 100, 200])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--limit", type=float, default=10.0)
    args = parser.parse_args()
    lengths = Lengths(60, 90, 2)
    header = ("films", "median s", "worst s", "proven", "placed (median)", "left out")
    print("{:>6} {:>9} {:>8} {:>7} {:>16} {:>9}".format(*header))
    for n in args.sizes:
        times, proven, placed, left = [], 0, [], []
        for seed in range(args.seeds):
            batch = films(n, 1000 * n + seed)
            t0 = time.perf_counter()
            grouping = propose_programmes(batch, ROOMS, lengths, seed=seed, time_limit=args.limit)
            times.append(time.perf_counter() - t0)
            proven += grouping.optimal
            placed.append(sum(len(p) for p in grouping.programmes))
            left.append(len(grouping.unplaced))
        print(
            f"{n:>6} {statistics.median(times):>9.2f} {max(times):>8.2f} {proven:>4}/{args.seeds:<2}"
            f" {statistics.median(placed):>16.0f} {statistics.median(left):>9.0f}"
        )


if __name__ == "__main__":
    main()
