"""`make loadtest`: the demo under a meeting's load, against two `casustafel serve` processes
on PostgreSQL (only on 127.0.0.1). First each request type alone, one at a time (unloaded);
then for two minutes a chair autosaving every 2 s, 30 attendees browsing and downloading the
verslag and 5 partners submitting casussen. Prints requests per second, p50/p95/p99 per request
type and the errors; the goal per type: no errors and p95 at most 3× its unloaded p95.

    python -m tests.loadtest.run [--seconds 120]
"""

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.meetings.service import fingerprint
from tests.ops.cluster import CHAIR, Cluster, DemoPlaces, log_in, running_cluster, start_meeting

ATTENDEES = 30
PARTNERS = 5
# The demo accounts at the table of the Integraal overleg Dorpsveen who may read its casussen
# and download its verslag; the attendees and partners take turns with them.
MEMBERS = ("beheer@dorpsveen.example", "wijkagent@politie.example", "sociaalteam@dorpsveen.example")
UNLOADED_RUNS = 30
# First requests of a process (templates compiled, connections opened) are left out.
WARM_UP_RUNS = 5
GOAL_FACTOR = 3
HTMX = {"HX-Request": "true"}
SUBMITTED = 303


@dataclass
class Timings:
    """Seconds per request type, and what went wrong."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    causes: Counter[tuple[str, str]] = field(default_factory=Counter)

    async def timed(
        self, kind: str, send: Awaitable[httpx.Response], expected: int = 200
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await send
        except httpx.HTTPError as exc:
            self.failed(kind, type(exc).__name__)
            return None
        self.seconds[kind].append(time.perf_counter() - started)
        if response.status_code != expected:
            self.failed(kind, str(response.status_code))
            return None
        return response

    def failed(self, kind: str, cause: str) -> None:
        self.errors[kind] += 1
        self.causes[kind, cause] += 1


@dataclass
class Typing:
    """What the chair typed in one field, and what of it the server acknowledged."""

    url: str
    acknowledged: str = ""
    words: int = 0


@dataclass
class Load:
    cluster: Cluster
    timings: Timings
    until: float

    @property
    def places(self) -> DemoPlaces:
        return self.cluster.places

    def going(self) -> bool:
        return time.monotonic() < self.until

    async def pause(self, seconds: float) -> None:
        """Wait, but not past the end of the load."""
        await asyncio.sleep(max(0.0, min(seconds, self.until - time.monotonic())))

    def browse_steps(self, rng: random.Random) -> list[tuple[str, str]]:
        return [
            ("startpagina", "/"),
            ("overleg", self.places.series_url),
            ("casus", rng.choice(self.places.case_urls)),
            ("verslag (pdf)", self.places.minutes_pdf_url),
        ]

    async def attendee(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        """Opens a page, reads it for one to three seconds, opens the next."""
        await self.pause(rng.uniform(0, 3))  # people do not all click at the same moment
        while self.going():
            kind, url = rng.choice(self.browse_steps(rng))
            await self.timings.timed(kind, client.get(url))
            await self.pause(rng.uniform(1, 3))

    async def chair(self, client: httpx.AsyncClient, item_id: int) -> None:
        """Types on in one field; the page saves every two seconds."""
        typing = Typing(self.places.text_url(item_id))
        while self.going():
            await self.save(client, typing)
            await self.pause(2)

    async def save(self, client: httpx.AsyncClient, typing: Typing) -> None:
        """One autosave of the text typed so far, based on the last text the server took."""
        typing.words += 1
        text = f"{typing.acknowledged} woord{typing.words}".strip()
        data = {"value": text, "version": fingerprint(typing.acknowledged)}
        if await self.timings.timed("autosave", client.post(typing.url, data=data, headers=HTMX)):
            typing.acknowledged = text

    async def partner(self, client: httpx.AsyncClient, rng: random.Random, pause: float) -> None:
        """Submits an anonymised casus now and then."""
        while self.going():
            await self.submit(client)
            await self.pause(rng.uniform(pause / 2, pause * 1.5))

    async def submit(self, client: httpx.AsyncClient) -> None:
        form = {
            "meeting_id": str(self.places.open_meeting_id),
            "pseudonym": "Gezin met zorgen",
            "categories": "overlast",
            "urgency": "regulier",
            "reason": "Meerdere meldingen van buren.",
            "question": "Wie neemt contact op?",
            "identified": "geanonimiseerd",
            "age_band": "46-66 jaar",
            "situation": "Zorgen over de woonsituatie.",
        }
        url = f"{self.places.series_url}/casussen/nieuw"
        await self.timings.timed("casus indienen", client.post(url, data=form), SUBMITTED)


def logged_in(cluster: Cluster, email: str) -> httpx.AsyncClient:
    with cluster.client() as client:
        log_in(client, email)
        return cluster.async_client(client)


async def unloaded(cluster: Cluster, timings: Timings, typing: Typing, runs: int) -> None:
    """Each request type alone, one after the other: the figures to compare with."""
    load = Load(cluster, timings, until=float("inf"))
    rng = random.Random(1)
    async with logged_in(cluster, MEMBERS[1]) as member, logged_in(cluster, CHAIR) as chair:
        for kind, url in load.browse_steps(rng):
            for _ in range(runs):
                await timings.timed(kind, member.get(url))
        for _ in range(runs):
            await load.submit(member)
        for _ in range(runs):
            await load.save(chair, typing)


async def loaded(cluster: Cluster, timings: Timings, seconds: float) -> float:
    """The meeting's load for that many seconds; how long it really took."""
    rng = random.Random(2)
    clients = [logged_in(cluster, CHAIR)]
    clients += [logged_in(cluster, MEMBERS[n % len(MEMBERS)]) for n in range(ATTENDEES + PARTNERS)]
    started = time.monotonic()
    load = Load(cluster, timings, until=started + seconds)
    chair, attendees, partners = clients[0], clients[1 : ATTENDEES + 1], clients[ATTENDEES + 1 :]
    tasks: list[Awaitable[None]] = [load.chair(chair, cluster.places.item_ids[0])]
    tasks += [load.attendee(client, random.Random(rng.random())) for client in attendees]
    tasks += [load.partner(client, random.Random(rng.random()), 10.0) for client in partners]
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    for client in clients:
        await client.aclose()
    return elapsed


def load() -> str:
    """The machine's load average over the last minute: other work skews the figures."""
    return f"{os.getloadavg()[0]:.1f}"


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def report(quiet: Timings, busy: Timings, seconds: float, echo: Callable[[str], None]) -> bool:
    """The table; whether every request type met its goal."""
    total = sum(len(values) for values in busy.seconds.values())
    errors = sum(busy.errors.values())
    echo(
        f"\nBelast: {seconds:.0f} s, {total} verzoeken ({total / seconds:.1f} per seconde), "
        f"{errors} fouten; belasting van de machine {load()} (1 min)."
    )
    echo(f"{'soort':<16}{'aantal':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'p95 onbelast':>14}  doel")
    met = True
    for kind, values in busy.seconds.items():
        p50, p95, p99 = percentiles(values)
        _, quiet_p95, _ = percentiles(quiet.seconds[kind])
        ok = busy.errors[kind] == 0 and p95 <= GOAL_FACTOR * quiet_p95
        met = met and ok
        echo(
            f"{kind:<16}{len(values):>7}{p50:>6.0f}ms{p95:>6.0f}ms{p99:>6.0f}ms{quiet_p95:>12.0f}ms"
            f"  {'gehaald' if ok else 'niet gehaald'}"
            + (f" ({busy.errors[kind]} fouten)" if busy.errors[kind] else "")
        )
    return met and not quiet.errors and errors == 0


async def measure(cluster: Cluster, seconds: float) -> bool:
    quiet, busy = Timings(), Timings()
    typing = Typing(cluster.places.text_url(cluster.places.item_ids[-1]))
    await unloaded(cluster, Timings(), typing, WARM_UP_RUNS)
    await unloaded(cluster, quiet, typing, UNLOADED_RUNS)
    if quiet.errors:
        say(f"Fouten zonder belasting: {dict(quiet.causes)}")
    elapsed = await loaded(cluster, busy, seconds)
    met = report(quiet, busy, elapsed, say)
    if busy.causes:
        say(f"Fouten (soort, oorzaak): {dict(busy.causes)}")
    return met


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="hoe lang de belasting duurt")
    arguments = parser.parse_args()
    say(f"Opzetten: PostgreSQL, de demo, twee serverprocessen en een worker (load {load()}) …")
    with running_cluster(
        Path(tempfile.mkdtemp(prefix="casustafel-loadtest-")), history=True
    ) as cluster:
        with cluster.client() as chair:
            log_in(chair, CHAIR)
            start_meeting(chair, cluster.places)
        met = asyncio.run(measure(cluster, arguments.seconds))
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
