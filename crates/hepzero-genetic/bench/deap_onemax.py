#!/usr/bin/env python3
"""OneMax in DEAP, the peer run for hepzero-genetic's `onemax` benchmark.

Same problem and operators as `benches/onemax.rs`: 100 bits, population 6,000, 40 generations,
`algorithms.eaSimple` with `tools.cxTwoPoint`, `tools.mutFlipBit(indpb=0.05)`,
`tools.selTournament(tournsize=3)`, cxpb 0.5, mutpb 0.2, no elitism. Per-generation statistics
(avg, min, max) are collected as the engine does (best, mean, worst). Timed: population creation
plus the 40 generations, median of --repeats runs, as process CPU time (`time.process_time`, the
figure compared: the development machine is shared, so wall time mostly measures other load) and
as wall time.

Usage: python3 bench/deap_onemax.py [--repeats 3] [--seed 1]
Needs: pip install deap  (tested with deap 1.4.4, numpy 2.4, CPython 3.11)
"""

import argparse
import json
import random
import statistics
import sys
import time

import numpy
from deap import algorithms, base, creator, tools

BITS = 100
POPULATION = 6000
GENERATIONS = 40


def eval_onemax(individual):
    return (sum(individual),)


def build_toolbox():
    if not hasattr(creator, "FitnessMax"):
        creator.create("FitnessMax", base.Fitness, weights=(1.0,))
        creator.create("Individual", list, fitness=creator.FitnessMax)
    tb = base.Toolbox()
    tb.register("attr_bool", random.randint, 0, 1)
    tb.register("individual", tools.initRepeat, creator.Individual, tb.attr_bool, BITS)
    tb.register("population", tools.initRepeat, list, tb.individual)
    tb.register("evaluate", eval_onemax)
    tb.register("mate", tools.cxTwoPoint)
    tb.register("mutate", tools.mutFlipBit, indpb=0.05)
    tb.register("select", tools.selTournament, tournsize=3)
    return tb


def run_once(seed):
    random.seed(seed)
    tb = build_toolbox()
    stats = tools.Statistics(lambda ind: ind.fitness.values)
    stats.register("avg", numpy.mean)
    stats.register("min", numpy.min)
    stats.register("max", numpy.max)
    start = time.perf_counter()
    cpu_start = time.process_time()
    pop = tb.population(n=POPULATION)
    pop, log = algorithms.eaSimple(
        pop, tb, cxpb=0.5, mutpb=0.2, ngen=GENERATIONS, stats=stats, verbose=False
    )
    cpu = time.process_time() - cpu_start
    elapsed = time.perf_counter() - start
    evaluations = sum(rec["nevals"] for rec in log)
    return cpu, max(ind.fitness.values[0] for ind in pop), evaluations, elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    runs = [run_once(args.seed + r) for r in range(args.repeats)]
    import deap

    print(
        json.dumps(
            {
                "tool": "deap",
                "deap_version": deap.__version__,
                "python": sys.version.split()[0],
                "population": POPULATION,
                "generations": GENERATIONS,
                "bits": BITS,
                "cpu_seconds": [round(r[0], 4) for r in runs],
                "median_cpu_seconds": round(statistics.median(r[0] for r in runs), 4),
                "wall_seconds": [round(r[3], 4) for r in runs],
                "best": [r[1] for r in runs],
                "evaluations": [r[2] for r in runs],
            }
        )
    )


if __name__ == "__main__":
    main()
