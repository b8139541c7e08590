#!/usr/bin/env python3
"""Convert Natural Earth country polygons (TopoJSON from the npm package
`world-atlas`) into the compact basemap embedded in crates/geo.

Usage (standard library only, no network):

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 tools/basemap/convert.py package/countries-50m.json \
        crates/geo/data/basemap-ukraine.geojson

What it does, in order:

1. Decodes the quantised, delta-encoded TopoJSON arcs into lon/lat.
2. Borders as internationally recognised: Natural Earth (and so world-atlas
   2.0.2) draws Crimea, with Sevastopol, as part of Russia (a de facto
   depiction). The Russian polygon that lies in Crimea is moved into
   Ukraine's MultiPolygon, and the arcs it shares with mainland Ukraine
   (the Perekop and Chonhar isthmuses, the Arabat spit) are no longer drawn
   as a border. The same polygon is written once more as a feature of kind
   "occupied", so that maps show it as occupied territory, not as Russia.
   Occupied parts of mainland Ukraine are not in Natural Earth; a scenario
   declares them as a zone with its own source.
3. Splits the arcs into land borders (shared by two countries) and
   coastlines (used by one), simplifies each arc once with Douglas-Peucker
   (so shared borders stay identical on both sides), clips everything to
   the bounding box and rounds coordinates.
4. Writes a GeoJSON FeatureCollection: one "country" MultiPolygon per
   country (fill only), "border" and "coast" LineStrings, the "occupied"
   Crimea polygon, and a "bbox".
"""

import json
import math
import sys

# Bounding box around Ukraine and its neighbours (lon/lat degrees).
WEST, EAST, SOUTH, NORTH = 14.0, 45.0, 41.0, 56.0
# Douglas-Peucker tolerance, degrees of latitude (0.01 deg = 1.1 km).
TOLERANCE = 0.012
# Decimal places kept (3 = about 100 m).
DIGITS = 3
# Crimea: the Russian polygon whose points all fall in this box.
CRIMEA_BOX = (32.3, 36.8, 44.2, 46.3)
UKRAINE, RUSSIA = "804", "643"


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def arc_index(i):
    return i if i >= 0 else ~i


def ring_points(ring, arcs):
    pts = []
    for i in ring:
        a = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        pts.extend(a if not pts else a[1:])
    return pts


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def in_box(points, box):
    w, e, s, n = box
    return all(w <= x <= e and s <= y <= n for x, y in points)


def perpendicular(p, a, b, k):
    ax, ay, bx, by, px, py = a[0] * k, a[1], b[0] * k, b[1], p[0] * k, p[1]
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points, tol):
    """Douglas-Peucker; longitudes scaled by cos(latitude) of the arc."""
    if len(points) < 3:
        return points
    k = math.cos(math.radians(sum(p[1] for p in points) / len(points)))
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, at = 0.0, -1
        for m in range(i + 1, j):
            d = perpendicular(points[m], points[i], points[j], k)
            if d > best:
                best, at = d, m
        if best > tol and at > 0:
            keep[at] = True
            stack.append((i, at))
            stack.append((at, j))
    out = [p for p, k_ in zip(points, keep) if k_]
    # A closed arc (an island in one piece) keeps at least a triangle.
    if points[0] == points[-1] and len(out) < 4:
        step = max(1, (len(points) - 1) // 3)
        out = [points[0], points[step], points[2 * step], points[-1]]
    return out


def clip_ring(points, box):
    """Sutherland-Hodgman clip of a closed ring to a rectangle."""
    w, e, s, n = box
    edges = [
        (lambda p: p[0] >= w, lambda a, b: cut_x(a, b, w)),
        (lambda p: p[0] <= e, lambda a, b: cut_x(a, b, e)),
        (lambda p: p[1] >= s, lambda a, b: cut_y(a, b, s)),
        (lambda p: p[1] <= n, lambda a, b: cut_y(a, b, n)),
    ]
    out = points[:-1] if points and points[0] == points[-1] else points
    for inside, cut in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
    if len(out) < 3:
        return []
    return out + [out[0]]


def cut_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def cut_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def clip_line(points, box):
    """Split a polyline into the pieces inside the rectangle (Liang-Barsky)."""
    w, e, s, n = box
    pieces, cur = [], []
    for a, b in zip(points, points[1:]):
        seg = liang_barsky(a, b, w, e, s, n)
        if seg is None:
            if len(cur) > 1:
                pieces.append(cur)
            cur = []
            continue
        p, q = seg
        if not cur or cur[-1] != p:
            if len(cur) > 1:
                pieces.append(cur)
            cur = [p]
        cur.append(q)
        if q != b:
            pieces.append(cur)
            cur = []
    if len(cur) > 1:
        pieces.append(cur)
    return pieces


def liang_barsky(a, b, w, e, s, n):
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - w), (dx, e - a[0]), (-dy, a[1] - s), (dy, n - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        r = q / p
        if p < 0:
            if r > t1:
                return None
            t0 = max(t0, r)
        else:
            if r < t0:
                return None
            t1 = min(t1, r)
    start = a if t0 == 0 else (a[0] + t0 * dx, a[1] + t0 * dy)
    end = b if t1 == 1 else (a[0] + t1 * dx, a[1] + t1 * dy)
    return start, end


def rounded(points):
    out = []
    for x, y in points:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def main(src, dst):
    topo = json.load(open(src, encoding="utf-8"))
    arcs = decode_arcs(topo)
    geoms = topo["objects"]["countries"]["geometries"]
    box = (WEST, EAST, SOUTH, NORTH)

    # Which countries use each arc; polygons per country id.
    users = {}
    polys = {}
    names = {}
    for g in geoms:
        cid = g.get("id") or g["properties"]["name"]
        names[cid] = g["properties"]["name"]
        polys[cid] = polygons_of(g)
    # Move Crimea from Russia to Ukraine.
    crimea = [
        p for p in polys[RUSSIA] if in_box(ring_points(p[0], arcs), CRIMEA_BOX)
    ]
    if len(crimea) != 1:
        sys.exit(f"expected one Russian polygon in Crimea, found {len(crimea)}")
    polys[RUSSIA] = [p for p in polys[RUSSIA] if p is not crimea[0]]
    polys[UKRAINE] = polys[UKRAINE] + crimea
    for cid, ps in polys.items():
        for p in ps:
            for ring in p:
                for i in ring:
                    users.setdefault(arc_index(i), set()).add(cid)

    simplified = {}

    def arc_pts(i):
        j = arc_index(i)
        if j not in simplified:
            simplified[j] = simplify(arcs[j], TOLERANCE)
        return simplified[j] if i >= 0 else list(reversed(simplified[j]))

    def ring_simplified(ring):
        pts = []
        for i in ring:
            a = arc_pts(i)
            pts.extend(a if not pts else a[1:])
        return pts

    features = []
    for cid in sorted(polys, key=lambda c: names[c]):
        multi = []
        for p in polys[cid]:
            rings = [rounded(clip_ring(ring_simplified(r), box)) for r in p]
            if rings and len(rings[0]) >= 4:
                multi.append([r for r in rings if len(r) >= 4])
        if multi:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"kind": "country", "name": names[cid], "iso_n3": cid},
                    "geometry": {"type": "MultiPolygon", "coordinates": multi},
                }
            )
    crimea_ring = rounded(clip_ring(ring_simplified(crimea[0][0]), box))
    features.append(
        {
            "type": "Feature",
            "properties": {
                "kind": "occupied",
                "name": "Crimea (Ukraine; occupied by Russia since 2014)",
            },
            "geometry": {"type": "Polygon", "coordinates": [crimea_ring]},
        }
    )
    for j in sorted(users):
        who = sorted(users[j], key=lambda c: names[c])
        if len(who) > 2:
            sys.exit(f"arc {j} is used by {who}")
        kind = "border" if len(who) == 2 else "coast"
        if who == [UKRAINE] and shared_twice(j, polys[UKRAINE]):
            continue  # an isthmus between mainland Ukraine and Crimea
        for piece in clip_line(arc_pts(j), box):
            line = rounded(piece)
            if len(line) < 2:
                continue
            props = {"kind": kind, "countries": [names[c] for c in who]}
            features.append(
                {
                    "type": "Feature",
                    "properties": props,
                    "geometry": {"type": "LineString", "coordinates": line},
                }
            )
    # Arcs used twice by the same country (Crimea's isthmuses now inside
    # Ukraine) are not borders: count them in the header for the record.
    inner = [j for j in users if users[j] == {UKRAINE} and shared_twice(j, polys[UKRAINE])]
    out = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m Admin 0 countries, v4.1.0, via npm world-atlas 2.0.2 (countries-50m.json); public domain",
        "conversion": f"tools/basemap/convert.py: Crimea moved to Ukraine ({len(inner)} isthmus arcs dropped from borders), Douglas-Peucker {TOLERANCE} deg, clipped to lon {WEST}..{EAST}, lat {SOUTH}..{NORTH}, {DIGITS} decimals",
        "bbox": [WEST, SOUTH, EAST, NORTH],
        "features": features,
    }
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(out, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")


def shared_twice(j, polygons):
    seen = 0
    for p in polygons:
        for ring in p:
            seen += sum(1 for i in ring if arc_index(i) == j)
    return seen >= 2


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
