"""The demo data worker process: reads a pickled ``Plan`` on stdin, writes pickled batches to stdout.

Pickle rather than JSON: both ends are this program, and unpickling is about twice as fast (it
reuses the key strings it has already seen), which matters on the writing side.
"""

from __future__ import annotations

import gc
import pickle
import sys

from frontdesk.sandbox.seed.batches import HEADER, Plan, generate_batches, pack


def main() -> None:
    gc.disable()  # the documents hold no cycles: collecting would only rescan them (see bulk.py)
    plan: Plan = pickle.loads(sys.stdin.buffer.read())
    out = sys.stdout.buffer
    for batch in generate_batches(plan):
        data = pack(batch)
        out.write(HEADER.pack(len(data)))
        out.write(data)
    out.write(HEADER.pack(0))
    out.flush()


if __name__ == "__main__":
    main()
