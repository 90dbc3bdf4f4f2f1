"""Heading suggestions against recorded headings: the figures in docs/HEADINGS.md.

Method: the HCMC traffic cameras (``tests/data/hcmc_traffic_cameras``) whose 2017 portal list
recorded a heading (``heading_deg_2017``) are given suggestions from the OSM streets near them
(``tests/data/hcmc_osm``) as if their heading were unknown; each share is over the cameras that
got at least one suggestion (the street extract covers District 1 and its edge only). Hai Phong
(``tests/data/haiphong``, 837 parsed headings) has street names in its text but no street
geometry in the data, so it cannot be scored here.

Usage: ``python benchmarks/headings_eval.py`` (prints one JSON object; about a second).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import shapely

from camroute.cameras.headings.evaluate import KnownHeading, evaluate
from camroute.cameras.headings.network import StreetNetwork
from camroute.cameras.headings.suggest import CameraSite, suggest_headings

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def load_network(path: Path = DATA / "hcmc_osm" / "streets_near_cameras.geojson") -> StreetNetwork:
    """The test street extract as a network."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return StreetNetwork.build(
        names=[f["properties"]["name"] for f in features],
        lines=[shapely.geometry.shape(f["geometry"]) for f in features],
        classes=[f["properties"]["highway"] for f in features],
    )


def known_cases(network: StreetNetwork) -> list[KnownHeading]:
    """Suggestions for every HCMC camera with a 2017 heading, beside that heading."""
    path = DATA / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson"
    cases = []
    for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props, (lon, lat) = f["properties"], f["geometry"]["coordinates"]
        if props["heading_deg_2017"] is None:
            continue
        site = CameraSite(id=props["id"], name=props["name"], lon=lon, lat=lat)
        found = suggest_headings(site, network)
        cases.append(KnownHeading(found=found, heading_deg=float(props["heading_deg_2017"]) % 360))
    return cases


def main() -> None:
    """Print the evaluation as JSON with the date and the time it took."""
    started = time.perf_counter()
    network = load_network()
    result = evaluate(known_cases(network), network)
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).date().isoformat(),
                "data": "HCMC heading_deg_2017 x OSM streets (tests/data)",
                **result.model_dump(),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
