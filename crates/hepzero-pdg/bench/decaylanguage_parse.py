"""Peer timing: scikit-hep decaylanguage parsing DECAY_LHCB.DEC (with CDecay expansion), for the
side-by-side ratio in docs/benchmarks.md. Prints the wall-clock and CPU time of each of N runs.

    pip install decaylanguage==1.1.2 particle==1.1.0
    python crates/hepzero-pdg/bench/decaylanguage_parse.py 5
"""

import pathlib
import sys
import time
import warnings

from decaylanguage import DecFileParser

DEC = pathlib.Path(__file__).resolve().parents[3] / "fixtures" / "decays" / "DECAY_LHCB.DEC"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = DecFileParser(str(DEC))
            p.parse()
        print(f"wall {time.perf_counter() - t:.3f} s  cpu {time.process_time() - c:.3f} s  decays {p.number_of_decays}")


if __name__ == "__main__":
    main()
