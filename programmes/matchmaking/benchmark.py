"""How fast and how good the matchmaking solver is, against the greedy baseline.

    python -m programmes.matchmaking.benchmark [--partners 200] [--rounds 6] [--tables 60]
        [--tags 40] [--seed 7] [--repeat 3]

Prints the best of ``--repeat`` timings of ``solver.solve`` and ``solver.greedy`` and their
total scores, on a seeded random programme: ``--tags`` tags with a skewed popularity (a few
tags are common, most are rare, as in real programmes), each partner offering 1-5, seeking
1-5 and interested in 0-4 of them, and about one partner in ten with a "do not match" wish
or two. No database and no Django needed.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from programmes.matchmaking import solver


@dataclass(frozen=True)
class Instance:
    participants: list[solver.Participant]
    forbidden: list[tuple[int, int]]


def random_instance(*, partners: int = 200, tags: int = 40, seed: int = 7) -> Instance:
    """A seeded random programme (see the module's docstring)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    names = list(range(tags))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(tags)]  # Zipf-like popularity

    def pick(low: int, high: int) -> frozenset[int]:
        count = rng.randint(low, high)
        chosen: set[int] = set()
        while len(chosen) < min(count, tags):
            chosen.add(rng.choices(names, weights)[0])
        return frozenset(chosen)

    participants = [
        solver.Participant(id=pid, offers=pick(1, 5), seeks=pick(1, 5), interests=pick(0, 4))
        for pid in range(1, partners + 1)
    ]
    forbidden = []
    for participant in participants:
        if rng.random() < 0.1:
            for _ in range(rng.randint(1, 2)):
                other = rng.randint(1, partners)
                if other != participant.id:
                    forbidden.append((participant.id, other))
    return Instance(participants=participants, forbidden=forbidden)


@dataclass(frozen=True)
class Result:
    seconds: float
    schedule: solver.Schedule


def best_of(repeat: int, run: Callable[[], solver.Schedule]) -> Result:
    """The fastest of ``repeat`` runs (the least disturbed by the rest of the machine), with
    the garbage collector paused as ``timeit`` does: inside a long test run it would
    otherwise time the collection of every earlier test's objects."""
    best: Result | None = None
    for _ in range(max(repeat, 1)):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            schedule = run()
            seconds = time.perf_counter() - started
        finally:
            gc.enable()
        if best is None or seconds < best.seconds:
            best = Result(seconds=seconds, schedule=schedule)
    assert best is not None
    return best


def compare(
    *, partners: int, rounds: int, tables: int, tags: int, seed: int, repeat: int
) -> tuple[Result, Result]:
    """(solve, greedy) on the same random instance."""
    instance = random_instance(partners=partners, tags=tags, seed=seed)
    arguments = {
        "rounds": rounds,
        "tables": tables,
        "forbidden": instance.forbidden,
    }
    solved = best_of(repeat, lambda: solver.solve(instance.participants, **arguments))
    baseline = best_of(repeat, lambda: solver.greedy(instance.participants, **arguments))
    return solved, baseline


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--tags", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    solved, baseline = compare(
        partners=options.partners,
        rounds=options.rounds,
        tables=options.tables,
        tags=options.tags,
        seed=options.seed,
        repeat=options.repeat,
    )
    print(
        f"{options.partners} partners, {options.rounds} rounds, {options.tables} tables, "
        f"{options.tags} tags, seed {options.seed} (best of {options.repeat})"
    )
    for name, result in (("solve", solved), ("greedy", baseline)):
        print(
            f"{name:>7}: {result.seconds * 1000:8.1f} ms  score {result.schedule.total:6d}  "
            f"meetings {result.schedule.meetings}"
        )
    gain = solved.schedule.total - baseline.schedule.total
    share = gain / baseline.schedule.total * 100 if baseline.schedule.total else 0.0
    print(f"   gain: {gain:+d} ({share:+.1f} %) over the greedy baseline")


if __name__ == "__main__":
    main()
