"""The geography of Alder Falls, made by code and the same every time: a river that meanders
across the south of town, streets that bend with the land, blocks between them, zoning
districts grown from the blocks (downtown by the bridge, industry and parks on the river,
housing further out), and lots of varied sizes cut from each block.

Coordinates are metres east and north of the town's south-west corner; ``lon_lat`` turns
them into degrees."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import shapely
from shapely.geometry import LineString, Polygon, box
from shapely.ops import polygonize, unary_union

ORIGIN_LON, ORIGIN_LAT = -90.8420, 43.9310
WIDTH, HEIGHT = 3200.0, 2400.0
DOWNTOWN = (1450.0, 1050.0)  # by the bridge over the river

EAST_WEST = ["River Rd", "Mill St", "Main St", "Oak Ave", "Elm St", "Prospect St", "Hill Rd"]
NORTH_SOUTH = [
    f"{n}{s} Ave" for n, s in zip(range(1, 10), ["st", "nd", "rd"] + ["th"] * 6, strict=True)
]
DIAGONAL = "Old Mill Rd"
# The lot size each zone is cut into (square metres), and how its lots vary.
LOT_AREA = {"R-1": 2300, "R-2": 1500, "R-3": 3200, "C-1": 2200, "C-2": 4200, "MU": 1600,
            "I-1": 9000, "P": 40000}  # fmt: skip


def lon_lat(x: float, y: float) -> tuple[float, float]:
    lat_scale = 111_320.0
    lon_scale = lat_scale * math.cos(math.radians(ORIGIN_LAT))
    return round(ORIGIN_LON + x / lon_scale, 6), round(ORIGIN_LAT + y / lat_scale, 6)


def ring(polygon: Polygon) -> list[list[list[float]]]:
    """A polygon's outer ring as GeoJSON coordinates (longitude, latitude)."""
    return [[list(lon_lat(x, y)) for x, y in polygon.exterior.coords]]


def river_y(x: float) -> float:
    return 330 + 110 * math.sin(x / 520) + 45 * math.sin(x / 170 + 1.3)


@dataclass(frozen=True)
class Street:
    name: str
    line: LineString


@cache
def streets() -> tuple[Street, ...]:
    found = []
    steps = [i * 20.0 for i in range(int(WIDTH / 20) + 1)]
    for k, name in enumerate(EAST_WEST):
        base = 150 + k * 360 if k else None
        if base is None:  # River Rd follows the north bank
            points = [(x, river_y(x) + 70) for x in steps]
        else:
            points = [
                (x, base + 260 + 28 * math.sin(x / 610 + k) + 12 * math.sin(x / 230)) for x in steps
            ]
        found.append(Street(name, LineString(points)))
    heights = [i * 20.0 for i in range(int(HEIGHT / 20) + 1)]
    for k, name in enumerate(NORTH_SOUTH):
        base = 180 + k * 355
        points = [
            (base + 22 * math.sin(y / 480 + 2 * k) + 9 * math.sin(y / 150), y) for y in heights
        ]
        found.append(Street(name, LineString(points)))
    found.append(
        Street(DIAGONAL, LineString([(300, river_y(300) + 70), (1450, 1050), (2900, 2300)]))
    )
    return tuple(found)


@cache
def river() -> Polygon:
    bank = LineString([(x, river_y(x)) for x in (i * 20.0 for i in range(int(WIDTH / 20) + 1))])
    return bank.buffer(28, cap_style="flat")


@cache
def blocks() -> tuple[Polygon, ...]:
    """The land between streets, the river and the town line: irregular blocks."""
    town = box(0, 0, WIDTH, HEIGHT)
    lines = unary_union([s.line for s in streets()] + [town.exterior, river().exterior])
    pieces = [p for p in polygonize(lines) if p.representative_point().within(town)]
    land = [p.difference(river()) for p in pieces if not p.representative_point().within(river())]
    shrunk = [p.buffer(-7, join_style="mitre") for p in land]  # the streets' width
    return tuple(
        sorted(
            (p for p in _polygons(shrunk) if p.area > 1500),
            key=lambda p: (round(p.centroid.y, -1), p.centroid.x),
        )
    )


def _polygons(shapes: Sequence[object]) -> list[Polygon]:
    found: list[Polygon] = []
    for shape in shapes:
        if isinstance(shape, Polygon) and not shape.is_empty:
            found.append(shape)
        elif hasattr(shape, "geoms"):
            found += [g for g in shape.geoms if isinstance(g, Polygon)]
    return found


def zone_of(block: Polygon) -> str:
    """A plausible plan: downtown mixed use by the bridge, shops along Main Street, industry on
    the river east of downtown, parks on the river to the west and on the hill, apartments
    near downtown, houses further out."""
    x, y = block.centroid.x, block.centroid.y
    to_downtown = math.dist((x, y), DOWNTOWN)
    by_river = y - river_y(x) < 260
    if y < river_y(x):
        return "P" if x < 1700 else "I-1"
    if by_river:
        return "I-1" if x > 2100 else "P" if x < 900 else "C-2"
    if to_downtown < 330:
        return "MU"
    main = streets()[2].line.distance(block.centroid)
    if main < 140 and 600 < x < 2700:
        return "C-1"
    if to_downtown < 720:
        return "R-3"
    if y > 2050 and x > 2300:
        return "P"
    return "R-2" if to_downtown < 1150 else "R-1"


@cache
def districts() -> tuple[tuple[str, Polygon], ...]:
    """Adjacent blocks of one zone joined into a district (the streets between them too)."""
    by_zone: dict[str, list[Polygon]] = {}
    for block in blocks():
        by_zone.setdefault(zone_of(block), []).append(block.buffer(8, join_style="mitre"))
    found: list[tuple[str, Polygon]] = []
    for zone in sorted(by_zone):
        merged = unary_union(by_zone[zone]).buffer(-8, join_style="mitre")
        for part in _polygons([merged]):
            found += [
                (zone, p) for p in _polygons([shapely.set_precision(part.simplify(1.0), 0.1)])
            ]
    return tuple(sorted(found, key=lambda d: (round(d[1].centroid.y, -2), d[1].centroid.x)))


@dataclass(frozen=True)
class Lot:
    shape: Polygon
    zone: str
    block: int


@cache
def lots() -> tuple[Lot, ...]:
    """Each block cut into lots: split across its long side at a random point, again and
    again, until the pieces are about the zone's lot size (varied, not a grid)."""
    rng = random.Random(1857)
    found = []
    for index, block in enumerate(blocks()):
        zone = zone_of(block)
        for piece in _cut(block, LOT_AREA[zone], rng):
            found.append(Lot(piece, zone, index))
    return tuple(found)


def _cut(shape: Polygon, target: float, rng: random.Random) -> list[Polygon]:
    if shape.area < target * rng.uniform(1.2, 1.9):
        return [shape.buffer(-1.5)] if shape.area > 250 else []
    rectangle = shape.minimum_rotated_rectangle
    if not isinstance(rectangle, Polygon):  # a degenerate shape (a line or a point)
        return []
    corners = list(rectangle.exterior.coords)[:4]
    sides = [(corners[i], corners[(i + 1) % 4]) for i in range(4)]
    a, b = max(sides, key=lambda s: math.dist(*s))
    long_x, long_y = b[0] - a[0], b[1] - a[1]
    at = rng.uniform(0.3, 0.7)
    middle = (a[0] + long_x * at, a[1] + long_y * at)
    length = math.hypot(long_x, long_y) or 1.0
    across = (-long_y / length * 2000, long_x / length * 2000)
    cutter = LineString(
        [
            (middle[0] - across[0], middle[1] - across[1]),
            (middle[0] + across[0], middle[1] + across[1]),
        ]
    )
    halves = _polygons(list(shapely.ops.split(shape, cutter).geoms))
    if len(halves) < 2:
        return [shape.buffer(-1.5)]
    return [lot for half in halves for lot in _cut(half, target, rng)]


def nearest_street(x: float, y: float) -> Street:
    point = shapely.Point(x, y)
    return min(streets(), key=lambda s: s.line.distance(point))


def house_number(street: Street, x: float, y: float) -> int:
    """Numbers grow along the street, 100 a block (about 355 m), even on one side."""
    along = street.line.project(shapely.Point(x, y))
    number = 100 + int(along / 355 * 100)
    side = street.line.interpolate(along)
    left = (x - side.x) + (y - side.y) > 0
    return number - number % 2 + (0 if left else 1)
