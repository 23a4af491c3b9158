"""Differential suite (quality R5): random elections, ties included, counted by `terreau tally
--batch` and by independent implementations from PyPI; any disagreement fails and prints the
election so it can be replayed with `terreau tally`.

References: pref_voting (Schulze as beat path on margins; instant-runoff, simultaneous
elimination of the last-placed, ballots truncated at their first tie), whalrus (approval, score,
dot totals), majorityjudgement (Balinski–Laraki order), votelib (plurality for simple majority,
an absolute threshold for qualified majority, largest remainder for the budget split).
Consent and consensus have no implementation on PyPI: their table-driven tests are in
Tests/TerreauCoreTests/Decisions.

TERREAU_DIFFERENTIAL_ELECTIONS sets the number of elections per method (10,000 by default)."""
import json
import os
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

# majorityjudgement's __init__ uses a Python 2 import; load its module directly.
import importlib.util
_spec = importlib.util.find_spec("majorityjudgement")
sys.path.insert(0, str(Path(_spec.origin).parent))
from grading import MajorityJudgement  # noqa: E402

from pref_voting.profiles_with_ties import ProfileWithTies  # noqa: E402
from pref_voting.voting_methods import beat_path, instant_runoff_for_truncated_linear_orders  # noqa: E402
from whalrus import BallotLevels, RuleApproval, RuleRangeVoting, ScaleRange  # noqa: E402
import votelib.evaluate.core  # noqa: E402
import votelib.evaluate.proportional  # noqa: E402
import votelib.evaluate.threshold  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TERREAU = os.environ.get("TERREAU_BINARY", str(ROOT / ".build" / "debug" / "terreau"))
COUNT = int(os.environ.get("TERREAU_DIFFERENTIAL_ELECTIONS", "10000"))
NAMES = ["A", "B", "C", "D", "E"]
GRADES = ["à rejeter", "insuffisant", "passable", "assez bien", "bien", "très bien", "excellent"]


def tally(elections):
    """All elections through one `terreau tally --batch` process, in order."""
    lines = "\n".join(json.dumps(e, ensure_ascii=False) for e in elections) + "\n"
    done = subprocess.run([TERREAU, "tally", "--batch"], input=lines, capture_output=True, text=True, check=True)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(elections)
    for election, result in zip(elections, results):
        assert "error" not in result, f"{result['error']} for {json.dumps(election, ensure_ascii=False)}"
    return results


def groups(order):
    """A ranking as comparable data: a tuple of frozensets, best first."""
    return tuple(frozenset(group) for group in order)


def elections(method, make, seed):
    rng = random.Random(seed)
    return [make(rng) for _ in range(COUNT)]


def candidates(rng):
    return NAMES[: rng.randint(2, 5)]


def check(method, made, reference, key):
    results = tally(made)
    disagreements = []
    for election, result in zip(made, results):
        expected = reference(election)
        if expected is None:
            continue
        if key(result) != expected:
            disagreements.append((election, key(result), expected))
    assert not disagreements, (
        f"{method}: {len(disagreements)} disagreement(s); first: {json.dumps(disagreements[0][0], ensure_ascii=False)} "
        f"→ terreau {disagreements[0][1]}, reference {disagreements[0][2]}")


# ---- simple and qualified majority (votelib) ----

def make_majority(rng):
    return {"method": "majority", "ballots": [rng.choice(["pour", "contre", "abstention"]) for _ in range(rng.randint(1, 12))]}


def test_majority_against_votelib_plurality():
    def reference(election):
        votes = {"pour": election["ballots"].count("pour"), "contre": election["ballots"].count("contre")}
        if votes["pour"] == votes["contre"]:
            return "tie"
        winner = votelib.evaluate.core.Plurality().evaluate(votes, 1)
        return "adopted" if winner == ["pour"] else "rejected"
    check("majority", elections("majority", make_majority, 1), reference, lambda r: r["outcome"])


def make_qualified(rng):
    threshold = rng.choice(["1/2", "3/5", "2/3", "3/4"])
    return {"method": "qualified-majority", "threshold": threshold,
            "ballots": [rng.choice(["pour", "contre", "abstention"]) for _ in range(rng.randint(1, 15))]}


def test_qualified_majority_against_votelib_threshold():
    def reference(election):
        votes = {"pour": election["ballots"].count("pour"), "contre": election["ballots"].count("contre")}
        if votes["pour"] == 0:
            return None  # votelib selects at 0 ≥ 0; Terreau never adopts without a single pour (table-tested)
        numerator, denominator = map(int, election["threshold"].split("/"))
        # votelib's RelativeThreshold compares a vote count with the fraction when accept_equal is
        # set (0.4.0), so exactly two thirds is never accepted; its absolute threshold, given two
        # thirds of the votes expressed, applies « at least » as intended.
        required = Fraction(numerator, denominator) * (votes["pour"] + votes["contre"])
        selected = votelib.evaluate.threshold.AbsoluteThreshold(required, accept_equal=True).evaluate(votes)
        return "adopted" if "pour" in selected else "rejected"
    check("qualified-majority", elections("qualified", make_qualified, 2), reference, lambda r: r["outcome"])


# ---- approval and score (whalrus) ----

def make_approval(rng):
    names = candidates(rng)
    return {"method": "approval", "candidates": names,
            "ballots": [[c for c in names if rng.random() < 0.4] for _ in range(rng.randint(1, 12))]}


def test_approval_against_whalrus():
    def reference(election):
        names = election["candidates"]
        ballots = [BallotLevels({c: int(c in b) for c in names}, scale=ScaleRange(0, 1)) for b in election["ballots"]]
        return groups(RuleApproval(ballots, candidates=set(names)).order_)
    check("approval", elections("approval", make_approval, 3), reference, lambda r: groups(r["ranking"]))


def make_score(rng):
    names = candidates(rng)
    top = rng.choice([2, 5, 10])
    return {"method": "score", "candidates": names, "scale": [0, top],
            "ballots": [{c: rng.randint(0, top) for c in names} for _ in range(rng.randint(1, 10))]}


def test_score_against_whalrus():
    def reference(election):
        names, top = election["candidates"], election["scale"][1]
        ballots = [BallotLevels(b, scale=ScaleRange(0, top)) for b in election["ballots"]]
        return groups(RuleRangeVoting(ballots, candidates=set(names)).order_)
    check("score", elections("score", make_score, 4), reference, lambda r: groups(r["ranking"]))


# ---- majority judgment (majorityjudgement) ----

def make_judgment(rng):
    names = candidates(rng)
    scale = GRADES[: rng.choice([3, 5, 7])]
    return {"method": "majority-judgment", "candidates": names, "grades": scale,
            "ballots": [{c: rng.choice(scale) for c in names} for _ in range(rng.randint(1, 11))]}


def test_majority_judgment_against_majorityjudgement():
    def reference(election):
        scale = election["grades"]
        merit = {}
        for c in election["candidates"]:
            tally = [0] * len(scale)
            for ballot in election["ballots"]:
                tally[scale.index(ballot[c])] += 1
            merit[c] = MajorityJudgement(tally)
        ordered = sorted(election["candidates"], key=lambda c: merit[c], reverse=True)
        ranking = []
        for c in ordered:
            if ranking and merit[ranking[-1][0]] == merit[c]:
                ranking[-1].append(c)
            else:
                ranking.append([c])
        return groups(ranking)
    check("majority-judgment", elections("judgment", make_judgment, 5), reference, lambda r: groups(r["ranking"]))


# ---- ranked methods (pref_voting) ----

def ranked_ballot(rng, names, ties):
    """A ranking, best first, possibly truncated, possibly with groups of equally ranked candidates."""
    chosen = rng.sample(names, rng.randint(1, len(names)))
    ballot = []
    for c in chosen:
        if ties and ballot and rng.random() < 0.25:
            previous = ballot[-1] if isinstance(ballot[-1], list) else [ballot[-1]]
            ballot[-1] = previous + [c]
        else:
            ballot.append(c)
    return ballot


def profile(election):
    """The same ballots as pref_voting reads them: {candidate: rank}, unranked left out."""
    rankings = []
    for ballot in election["ballots"]:
        ranks = {}
        for level, item in enumerate(ballot, start=1):
            for c in (item if isinstance(item, list) else [item]):
                ranks[c] = level
        rankings.append(ranks)
    return ProfileWithTies(rankings, candidates=election["candidates"])


def make_ranked(method, ties):
    def make(rng):
        names = candidates(rng)
        return {"method": method, "candidates": names, "ballots": [ranked_ballot(rng, names, ties) for _ in range(rng.randint(1, 12))]}
    return make


def test_schulze_against_pref_voting_beat_path():
    def reference(election):
        ballots = profile(election)
        ballots.use_extended_strict_preference()  # ranked candidates above unranked ones, as Terreau reads ballots
        return frozenset(beat_path(ballots))
    check("schulze", elections("schulze", make_ranked("schulze", ties=True), 6), reference, lambda r: frozenset(r["winners"]))


def test_instant_runoff_against_pref_voting():
    def reference(election):
        truncated, _ = profile(election).truncate_overvotes()
        return frozenset(instant_runoff_for_truncated_linear_orders(truncated))
    check("instant-runoff", elections("runoff", make_ranked("instant-runoff", ties=True), 7), reference, lambda r: frozenset(r["winners"]))


# ---- dot voting (whalrus totals, votelib largest remainder) ----

def make_dots(rng):
    names = candidates(rng)
    dots = rng.randint(1, 6)
    ballots = []
    for _ in range(rng.randint(1, 10)):
        ballot, left = {}, dots
        for c in rng.sample(names, len(names)):
            given = rng.randint(0, left)
            if given:
                ballot[c] = given
            left -= given
        ballots.append(ballot)
    return {"method": "dot-voting", "candidates": names, "dots": dots, "amount": rng.choice([100, 1000, 2500, 7]), "ballots": ballots}


def test_dot_voting_totals_against_whalrus():
    def reference(election):
        names = election["candidates"]
        ballots = [BallotLevels({c: b.get(c, 0) for c in names}, scale=ScaleRange(0, election["dots"])) for b in election["ballots"]]
        return groups(RuleRangeVoting(ballots, candidates=set(names)).order_)
    check("dot-voting", elections("dots", make_dots, 8), reference, lambda r: groups(r["ranking"]))


def test_budget_split_against_votelib_largest_remainder():
    def reference(election):
        totals = {c: sum(b.get(c, 0) for b in election["ballots"]) for c in election["candidates"]}
        if sum(totals.values()) == 0:
            return None  # nothing to split in proportion to: Terreau gives everyone 0 (table-tested)
        shares = votelib.evaluate.proportional.LargestRemainder("hare").evaluate({c: v for c, v in totals.items() if v}, election["amount"])
        if any(isinstance(k, votelib.evaluate.core.Tie) for k in shares):
            return None  # equal remainders at the margin: votelib leaves the tie open; Terreau gives it to the option listed first
        return {c: int(shares.get(c, 0)) for c in election["candidates"]}
    check("budget split", elections("dots", make_dots, 8), reference, lambda r: r["split"])
