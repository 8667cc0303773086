#!/usr/bin/python3
"""Anchor for test/bench/tiles.ts: openslide-python's DeepZoomGenerator serving JPEG tiles (PIL, q80),
as openslide-python's own deepzoom_server does.

Usage: tiles_anchor.py SLIDE TILE_SIZE OVERLAP  (then JSON on stdin, see below)

Protocol (so that process start-up and slide opening are not timed, and two processes start together):
  1. opens the slide, builds the generator, prints "ready" and flushes;
  2. reads one line of JSON from stdin: {"level": dz, "tiles": [[col, row], ...], "quality": 80};
  3. serves the tiles one after another, then prints one JSON line:
     {"start": t0, "end": t1, "cpu": seconds, "latencies": [seconds per tile...], "bytes": total JPEG bytes}
     with t0/t1 from time.time() (wall clock, comparable across processes) and cpu from time.process_time().
"""
import io
import json
import sys
import time

import openslide
from openslide.deepzoom import DeepZoomGenerator


def main(argv):
    slide = openslide.OpenSlide(argv[1])
    dz = DeepZoomGenerator(slide, tile_size=int(argv[2]), overlap=int(argv[3]), limit_bounds=False)
    print("ready", flush=True)
    job = json.loads(sys.stdin.readline())
    level, quality = job["level"], job.get("quality", 80)
    latencies = []
    total = 0
    start = time.time()
    cpu = time.process_time()
    for col, row in job["tiles"]:
        t = time.perf_counter()
        tile = dz.get_tile(level, (col, row))
        buf = io.BytesIO()
        tile.save(buf, "jpeg", quality=quality)
        total += buf.tell()
        latencies.append(time.perf_counter() - t)
    end = time.time()
    cpu = time.process_time() - cpu
    print(json.dumps({"start": start, "end": end, "cpu": cpu, "latencies": latencies, "bytes": total}), flush=True)


if __name__ == "__main__":
    main(sys.argv)
