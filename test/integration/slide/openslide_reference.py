#!/usr/bin/python3
"""Reference values from python3-openslide (the library's own bindings) for the slide integration tests.

Usage:
  openslide_reference.py info SLIDE...                 -> JSON {path: {vendor, levels, properties, associated} | {error}}
  openslide_reference.py grid SLIDE TILE OVERLAP       -> JSON {levelDimensions, levelTiles, tiles: [[dz, col, row, x, y, level, w, h, ow, oh], ...]}
  openslide_reference.py region SLIDE X Y LEVEL W H OUT.png     -> writes read_region's RGBA as PNG
  openslide_reference.py tile SLIDE TILE OVERLAP DZ COL ROW OUT.png  -> writes DeepZoomGenerator's tile (RGB) as PNG
"""
import json
import sys

import openslide
from openslide import lowlevel
from openslide.deepzoom import DeepZoomGenerator


def info(paths):
    out = {}
    for p in paths:
        try:
            s = openslide.OpenSlide(p)
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            out[p] = {"error": type(e).__name__ + ": " + str(e)}
            continue
        out[p] = {
            "vendor": openslide.OpenSlide.detect_format(p),
            "levels": [[w, h, d] for (w, h), d in zip(s.level_dimensions, s.level_downsamples)],
            "properties": dict(s.properties),
            # Sizes without decoding: unreadable.svs has an associated image that fails to decode.
            "associated": {k: list(lowlevel.get_associated_image_dimensions(s._osr, k)) for k in s.associated_images.keys()},
        }
        s.close()
    return out


def grid(path, tile, overlap):
    s = openslide.OpenSlide(path)
    g = DeepZoomGenerator(s, tile_size=tile, overlap=overlap, limit_bounds=False)
    tiles = []
    for dz in range(g.level_count):
        cols, rows = g.level_tiles[dz]
        for row in range(rows):
            for col in range(cols):
                (loc, level, size), zsize = g._get_tile_info(dz, (col, row))
                tiles.append([dz, col, row, loc[0], loc[1], level, size[0], size[1], zsize[0], zsize[1]])
    return {"levelDimensions": [list(d) for d in g.level_dimensions], "levelTiles": [list(t) for t in g.level_tiles], "tiles": tiles}


def main(argv):
    cmd = argv[1]
    if cmd == "info":
        print(json.dumps(info(argv[2:])))
    elif cmd == "grid":
        print(json.dumps(grid(argv[2], int(argv[3]), int(argv[4]))))
    elif cmd == "region":
        s = openslide.OpenSlide(argv[2])
        x, y, level, w, h = (int(v) for v in argv[3:8])
        s.read_region((x, y), level, (w, h)).save(argv[8], "PNG")
    elif cmd == "tile":
        s = openslide.OpenSlide(argv[2])
        g = DeepZoomGenerator(s, tile_size=int(argv[3]), overlap=int(argv[4]), limit_bounds=False)
        g.get_tile(int(argv[5]), (int(argv[6]), int(argv[7]))).save(argv[8], "PNG")
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
