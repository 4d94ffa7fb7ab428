"""What `/metrics` shows, in Prometheus' text format: requests by route and status, their latency,
errors by kind (the `error` of the JSON answer) and cleaner fallbacks by site (the sites whose own
cleaner could not clean a page: the sign that a site changed its markup). One registry per app."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Seconds: a page takes about 25 ms to clean; a fetch or a page near the time limit, seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "scraper_http_requests", "HTTP requests answered", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "scraper_http_request_duration_seconds",
            "Time from a request's head to its answer",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "scraper_http_requests_in_flight", "Extraction requests being served", registry=self.registry
        )
        self.errors = Counter(
            "scraper_http_errors",
            "Requests answered with an error, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.fallbacks = Counter(
            "scraper_cleaner_fallbacks",
            "Pages whose site cleaner fell back to the generic one, by site",
            ["site"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
