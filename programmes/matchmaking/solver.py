"""The matchmaking schedule: pure Python, no database.

Input: participants (an id and three tag sets: what it offers, what it seeks, what it is
interested in), pairs that must never meet, the number of rounds and of tables. Output: per
round a list of disjoint pairs (one meeting per table) such that

- a participant has at most one meeting per round (no double booking);
- a round has at most ``tables`` meetings;
- no pair meets twice in the session;
- no forbidden pair meets ("do not match", either side's wish);
- every meeting has a positive score: the platform never books a meeting with nothing in
  common (a participant simply has a free round; staff can still add such a meeting by hand);

and the total score of the meetings is as high as the algorithm below finds.

The score of a pair (``pair_score``)::

    OFFER_WEIGHT * (|offers(a) ∩ seeks(b)| + |offers(b) ∩ seeks(a)|)
      + INTEREST_WEIGHT * |interests(a) ∩ interests(b)|

with OFFER_WEIGHT = 3 and INTEREST_WEIGHT = 1: a need one side can meet is worth three
shared interests. Tags are any hashable values (the app uses tag ids).

The algorithm (``solve``):

1. Scores for every pair from bit masks (a tag is a bit), ~20,000 pairs for 200 people.
2. A first schedule round by round: in each round the best remaining edges are taken
   greedily (highest score first, ties by a seeded order), up to ``tables`` meetings. This
   is also the **baseline** (``greedy``) the benchmark compares with.
3. Local search over the whole schedule, accepting only moves that raise the total and
   keep every rule above, until no move helps (or ``max_passes``):
   - *replace*: in a meeting (a, b) someone free that round, x, takes a's seat: (x, b);
   - *swap*: two meetings of a round exchange partners: (a, b), (c, d) → (a, c), (b, d)
     or (a, d), (b, c);
   - *refill*: a round with a free table, or its weakest meeting, gets the best unused
     edge between two people free that round.
   A move frees the pair it removes, so that pair can be booked in another round later.

Because step 3 starts from the baseline and only accepts improvements, the result is never
worse than the greedy baseline; on 200 participants and 6 rounds it is a few per cent
better and takes a few hundred milliseconds (see README.md and ``benchmark.py``).

Maximum-weight matching per round (``networkx.max_weight_matching``) was measured too: on
the dense graph (~20,000 edges) one round takes several seconds, and it cannot cap a round
at ``tables`` meetings, so it is not used (README.md has the numbers).
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx

OFFER_WEIGHT = 3
INTEREST_WEIGHT = 1
# Upper bound on local-search passes: each pass looks at every move once; in practice the
# search stops well before (no move improves the total any more).
DEFAULT_MAX_PASSES = 50
# The matching sees each person's best few unused edges (all of them in small programmes):
# enough for nearly the exact round optimum, at a fraction of the dense graph's time.
DEFAULT_PER_PERSON = 6
SMALL = 40


@dataclass(frozen=True)
class Participant:
    id: int
    offers: frozenset[Hashable] = frozenset()
    seeks: frozenset[Hashable] = frozenset()
    interests: frozenset[Hashable] = frozenset()


Pair = tuple[int, int]  # participant ids, smaller first


@dataclass
class Schedule:
    """Per round (index 0 is round 1) the meetings as (id, id, score), best first; a
    meeting's table is its position in the round + 1."""

    rounds: list[list[tuple[int, int, int]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(score for meetings in self.rounds for _, _, score in meetings)

    @property
    def meetings(self) -> int:
        return sum(len(meetings) for meetings in self.rounds)


def pair_key(a: int, b: int) -> Pair:
    return (a, b) if a <= b else (b, a)


def pair_score(a: Participant, b: Participant) -> int:
    """The score of a meeting between ``a`` and ``b`` (the module's docstring)."""
    return OFFER_WEIGHT * (len(a.offers & b.seeks) + len(b.offers & a.seeks)) + (
        INTEREST_WEIGHT * len(a.interests & b.interests)
    )


def schedule_violations(
    rounds: Iterable[Iterable[tuple[int, int]]],
    *,
    tables: int,
    forbidden: Iterable[tuple[int, int]] = (),
) -> list[str]:
    """What breaks the rules in ``rounds`` (lists of id pairs per round): empty when none.
    The messages are for tests and logs; the services give translated ones."""
    problems: list[str] = []
    banned = {pair_key(a, b) for a, b in forbidden}
    seen: dict[Pair, int] = {}
    for number, meetings in enumerate(rounds, start=1):
        meetings = list(meetings)
        if len(meetings) > tables:
            problems.append(f"round {number}: {len(meetings)} meetings at {tables} tables")
        busy: set[int] = set()
        for a, b in meetings:
            if a == b:
                problems.append(f"round {number}: {a} meets itself")
            for person in (a, b):
                if person in busy:
                    problems.append(f"round {number}: {person} is booked twice")
                busy.add(person)
            key = pair_key(a, b)
            if key in banned:
                problems.append(f"round {number}: {key} must not meet")
            if key in seen:
                problems.append(f"round {number}: {key} met in round {seen[key]} already")
            seen.setdefault(key, number)
    return problems


class _Problem:
    """Participants as indexes 0..n-1 with the score matrix; forbidden pairs score -1."""

    def __init__(
        self,
        participants: Iterable[Participant],
        forbidden: Iterable[tuple[int, int]],
        seed: int,
    ) -> None:
        people = sorted(participants, key=lambda p: p.id)
        self.ids = [p.id for p in people]
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("participant ids must be unique")
        index = {pid: i for i, pid in enumerate(self.ids)}
        bits: dict[Hashable, int] = {}

        def mask(tags: frozenset[Hashable]) -> int:
            value = 0
            for tag in tags:
                value |= 1 << bits.setdefault(tag, len(bits))
            return value

        offers = [mask(p.offers) for p in people]
        seeks = [mask(p.seeks) for p in people]
        interests = [mask(p.interests) for p in people]
        n = len(people)
        self.n = n
        score = [[0] * n for _ in range(n)]
        for a in range(n):
            oa, sa, ia, row = offers[a], seeks[a], interests[a], score[a]
            for b in range(a + 1, n):
                value = OFFER_WEIGHT * ((oa & seeks[b]).bit_count() + (offers[b] & sa).bit_count())
                value += INTEREST_WEIGHT * (ia & interests[b]).bit_count()
                row[b] = value
                score[b][a] = value
        for a_id, b_id in forbidden:
            a, b = index.get(a_id), index.get(b_id)
            if a is not None and b is not None and a != b:
                score[a][b] = score[b][a] = -1
        self.score = score
        # Edges that may be booked, best first; ties in a seeded order (fair to everyone).
        order = list(range(n))
        random.Random(seed).shuffle(order)  # noqa: S311 - a fair tie order, not a secret
        rank = {person: position for position, person in enumerate(order)}
        edges = [(score[a][b], a, b) for a in range(n) for b in range(a + 1, n) if score[a][b] > 0]
        edges.sort(key=lambda e: (-e[0], min(rank[e[1]], rank[e[2]]), max(rank[e[1]], rank[e[2]])))
        self.edges = edges
        # Per person, the others it may meet, best first (the same tie order).
        self.neighbours: list[list[int]] = [[] for _ in range(n)]
        for _value, a, b in edges:
            self.neighbours[a].append(b)
            self.neighbours[b].append(a)


def _greedy_rounds(problem: _Problem, rounds: int, tables: int) -> list[list[Pair]]:
    used: set[Pair] = set()
    result: list[list[Pair]] = []
    for _ in range(rounds):
        busy: set[int] = set()
        meetings: list[Pair] = []
        if tables > 0:
            for _score, a, b in problem.edges:
                if a in busy or b in busy or (a, b) in used:
                    continue
                meetings.append((a, b))
                busy.add(a)
                busy.add(b)
                used.add((a, b))
                if len(meetings) == tables:
                    break
        result.append(meetings)
    return result


def _matching_rounds(
    problem: _Problem, rounds: int, tables: int, per_person: int
) -> list[list[Pair]]:
    """Round by round a maximum-weight matching (networkx, exact on the graph it gets) on
    the ``per_person`` best unused edges of each person. A matching with more meetings than
    tables keeps its best ``tables``; free tables are then filled greedily."""
    score = problem.score
    used: set[Pair] = set()
    result: list[list[Pair]] = []
    for _ in range(rounds):
        graph = nx.Graph()
        if tables > 0:
            for a, others in enumerate(problem.neighbours):
                taken = 0
                for b in others:
                    if ((a, b) if a < b else (b, a)) in used:
                        continue
                    graph.add_edge(a, b, weight=score[a][b])
                    taken += 1
                    if taken == per_person:
                        break
        matched = sorted(
            (pair_key(a, b) for a, b in nx.max_weight_matching(graph)),
            key=lambda pair: -score[pair[0]][pair[1]],
        )[:tables]
        busy = {person for pair in matched for person in pair}
        for _value, a, b in problem.edges:
            if len(matched) >= tables:
                break
            if a in busy or b in busy or (a, b) in used:
                continue
            matched.append((a, b))
            busy.add(a)
            busy.add(b)
        used.update(matched)
        result.append(matched)
    return result


def _total(problem: _Problem, rounds: list[list[Pair]]) -> int:
    return sum(problem.score[a][b] for meetings in rounds for a, b in meetings)


def _local_search(
    problem: _Problem, schedule: list[list[Pair]], tables: int, max_passes: int
) -> list[list[Pair]]:
    """Improve ``schedule`` (index pairs, a < b) in place by the moves of the module's
    docstring; every accepted move strictly raises the total and keeps the rules."""
    score = problem.score
    n = problem.n
    used: set[Pair] = {pair for meetings in schedule for pair in meetings}
    everyone = range(n)

    def free(a: int, b: int) -> bool:
        return score[a][b] > 0 and ((a, b) if a < b else (b, a)) not in used

    for _ in range(max_passes):
        improved = False
        for meetings in schedule:
            seated = {p for pair in meetings for p in pair}
            idle = [p for p in everyone if p not in seated]
            # replace: someone free takes one of the two seats of a meeting.
            for position in range(len(meetings)):
                a, b = meetings[position]
                current = score[a][b]
                best = (0, -1, -1)
                for stay in (a, b):
                    row = score[stay]
                    for x in idle:
                        gain = row[x] - current
                        if gain > best[0] and free(stay, x):
                            best = (gain, stay, x)
                if best[0] > 0:
                    _, stay, x = best
                    leave = b if stay == a else a
                    used.discard((a, b))
                    new = (stay, x) if stay < x else (x, stay)
                    used.add(new)
                    meetings[position] = new
                    seated.discard(leave)
                    seated.add(x)
                    idle[idle.index(x)] = leave
                    improved = True
            # swap: two meetings of the round exchange partners.
            count = len(meetings)
            for i in range(count):
                for j in range(i + 1, count):
                    a, b = meetings[i]
                    c, d = meetings[j]
                    current = score[a][b] + score[c][d]
                    if free(a, c) and free(b, d) and score[a][c] + score[b][d] > current:
                        first, second = (a, c), (b, d)
                    elif free(a, d) and free(b, c) and score[a][d] + score[b][c] > current:
                        first, second = (a, d), (b, c)
                    else:
                        continue
                    used.discard((a, b))
                    used.discard((c, d))
                    first = pair_key(*first)
                    second = pair_key(*second)
                    used.add(first)
                    used.add(second)
                    meetings[i], meetings[j] = first, second
                    improved = True
            # refill: a free table, or the weakest meeting, gets the best unused idle edge.
            while True:
                best_edge = None
                idle_set = set(idle)
                weakest = min(
                    range(len(meetings)),
                    key=lambda k: score[meetings[k][0]][meetings[k][1]],
                    default=None,
                )
                floor = (
                    0
                    if len(meetings) < tables
                    else (
                        score[meetings[weakest][0]][meetings[weakest][1]]
                        if weakest is not None
                        else None
                    )
                )
                if floor is None:
                    break
                for value, a, b in problem.edges:
                    if value <= floor:
                        break
                    if a in idle_set and b in idle_set and (a, b) not in used:
                        best_edge = (a, b)
                        break
                if best_edge is None:
                    break
                a, b = best_edge
                used.add(best_edge)
                if len(meetings) < tables:
                    meetings.append(best_edge)
                    idle = [p for p in idle if p != a and p != b]
                else:
                    old = meetings[weakest]
                    used.discard(old)
                    meetings[weakest] = best_edge
                    idle = [p for p in idle if p != a and p != b] + list(old)
                improved = True
        if not improved:
            break
    return schedule


def _as_schedule(problem: _Problem, rounds: list[list[Pair]]) -> Schedule:
    ids, score = problem.ids, problem.score
    return Schedule(
        rounds=[
            sorted(
                ((ids[a], ids[b], score[a][b]) for a, b in meetings),
                key=lambda m: (-m[2], m[0], m[1]),
            )
            for meetings in rounds
        ]
    )


def greedy(
    participants: Iterable[Participant],
    *,
    rounds: int,
    tables: int,
    forbidden: Iterable[tuple[int, int]] = (),
    seed: int = 0,
) -> Schedule:
    """The baseline: round by round, the best remaining edges first, up to ``tables``."""
    problem = _Problem(participants, forbidden, seed)
    return _as_schedule(problem, _greedy_rounds(problem, max(rounds, 0), max(tables, 0)))


def solve(
    participants: Iterable[Participant],
    *,
    rounds: int,
    tables: int,
    forbidden: Iterable[tuple[int, int]] = (),
    seed: int = 0,
    max_passes: int = DEFAULT_MAX_PASSES,
    per_person: int = DEFAULT_PER_PERSON,
) -> Schedule:
    """The schedule (the module's docstring): the better of the greedy baseline and the
    sparse matching, each improved by local search. Deterministic for a given input and
    ``seed``. ``per_person=0`` skips the matching (greedy and local search only)."""
    problem = _Problem(participants, forbidden, seed)
    rounds, tables = max(rounds, 0), max(tables, 0)
    best = _local_search(problem, _greedy_rounds(problem, rounds, tables), tables, max_passes)
    if per_person > 0 and problem.edges:
        width = problem.n if problem.n <= SMALL else per_person
        matched = _local_search(
            problem, _matching_rounds(problem, rounds, tables, width), tables, max_passes
        )
        if _total(problem, matched) > _total(problem, best):
            best = matched
    return _as_schedule(problem, best)
