"""Attacks on `scraper serve`, each with a real server (uvicorn on 127.0.0.1) and a real client (httpx, or
a raw socket where a client must misbehave): an oversized body, slow clients, fetch-by-URL aimed at the
machine itself (loopback, directly and by redirect), non-http schemes, a 2 GB response, 200 concurrent
requests. Each answer is the documented JSON error, and the service is still up and well after it."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scraper.service.addresses import parse_allowed, refusal
from tests.support.origin import TWO_GB, Origin, origin
from tests.support.pages import article_page
from tests.support.service import Service, error_kind, serve
from tests.support.waiting import wait_for

HTML = {"content-type": "text/html; charset=utf-8"}
MB = 1024 * 1024
LIMIT = 1 * MB  # the service's --max-body here
TIMEOUT = 1.0  # its --head-timeout, --body-timeout


@pytest.fixture(scope="module")
def site() -> Iterator[Origin]:
    """The one origin the service may fetch from (by the allow-list)."""
    with origin() as server:
        yield server


@pytest.fixture(scope="module")
def other() -> Iterator[Origin]:
    """Another server on loopback, which the service must never reach."""
    with origin() as server:
        yield server


@pytest.fixture(scope="module")
def service(site: Origin, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    args = ["-j", "2", "--max-body", "1M", "--head-timeout", str(TIMEOUT), "--body-timeout", str(TIMEOUT)]
    args += ["--fetch-timeout", "2", "--allow-fetch", f"127.0.0.1:{site.server_address[1]}"]
    with serve(tmp_path_factory.mktemp("service"), *args) as running:
        yield running


# An oversized body.


def test_an_announced_oversized_body_answers_413(service: Service) -> None:
    response = httpx.post(service("/v1/extract"), content=b"<p>" + b"x" * LIMIT, headers=HTML)

    assert response.status_code == 413
    assert error_kind(response) == "too_large"
    assert service.healthy()


def test_an_endless_chunked_body_is_cut_off_at_the_limit(service: Service) -> None:
    """No length announced: the service counts as it reads, answers 413 past the limit and stops reading.
    The client would send 2 GB; it gets to send a few megabytes (socket buffers) before the answer."""
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        chunk = b"<p>" + b"x" * (64 * 1024) + b"</p>"
        while sent < TWO_GB:
            sent += len(chunk)
            yield chunk

    rss = service.rss()
    response = httpx.post(service("/v1/extract"), content=endless(), headers=HTML, timeout=60)

    assert response.status_code == 413
    assert error_kind(response) == "too_large"
    assert sent < 64 * MB
    assert service.rss() < rss + 64 * MB
    assert service.healthy()


def test_the_default_limit_is_10_mb(tmp_path: Path) -> None:
    page = article_page("Just under the limit").encode()
    under = page + b" " * (10 * MB - len(page))
    with serve(tmp_path, "-j", "1") as default:
        assert httpx.post(default("/v1/extract"), content=under, headers=HTML).status_code == 200
        over = httpx.post(default("/v1/extract"), content=under + b" ", headers=HTML)
        assert over.status_code == 413 and error_kind(over) == "too_large"


# Slow clients.


def test_a_client_trickling_its_headers_is_cut_off_and_others_are_served(service: Service) -> None:
    """Slowloris: 50 connections send their headers a few bytes at a time. Each is closed once the head
    time limit passes; meanwhile the service answers other clients at once."""
    host, port = httpx.URL(service.url).host, httpx.URL(service.url).port
    clients = [socket.create_connection((host, port)) for _ in range(50)]
    started = time.monotonic()
    for client in clients:
        client.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: attacker\r\n")
    assert service.healthy()  # served while the 50 are trickling
    closed: set[int] = set()
    while len(closed) < len(clients) and time.monotonic() - started < 10 * TIMEOUT:
        for n, client in enumerate(clients):
            if n not in closed and _closed_after_sending(client, b"X-Slow: 1\r\n"):
                closed.add(n)
        time.sleep(0.1)
    elapsed = time.monotonic() - started

    assert len(closed) == len(clients)
    assert elapsed < 5 * TIMEOUT
    assert service.healthy()
    for client in clients:
        client.close()


def test_a_client_trickling_its_body_gets_408(service: Service) -> None:
    host, port = httpx.URL(service.url).host, httpx.URL(service.url).port
    with socket.create_connection((host, port)) as client:
        client.sendall(
            b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n"
        )
        client.settimeout(0.1)
        started, answer = time.monotonic(), b""
        while not answer and time.monotonic() - started < 10 * TIMEOUT:
            client.sendall(b"<")
            try:
                answer = client.recv(65536)
            except TimeoutError:
                continue
        elapsed = time.monotonic() - started
        client.settimeout(10)
        while answer and not answer.endswith(b"}"):  # the rest of the JSON answer
            more = client.recv(65536)
            if not more:
                break
            answer += more

    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b'"error":"slow_client"' in answer
    assert elapsed < 5 * TIMEOUT
    assert service.healthy()


# Fetch-by-URL aimed at the machine itself.


def test_loopback_is_refused_by_default(service: Service, other: Origin) -> None:
    port = other.server_address[1]
    for url in (
        f"http://127.0.0.1:{port}/article",
        f"http://localhost:{port}/article",
        f"http://127.9.9.9:{port}/article",
        f"http://[::1]:{port}/article",
        f"http://0.0.0.0:{port}/article",
        f"http://[::ffff:127.0.0.1]:{port}/article",
    ):
        response = httpx.post(service("/v1/extract"), json={"url": url})
        assert response.status_code == 403, url
        assert error_kind(response) == "url_refused"
    assert sum(other.requests.values()) == 0  # never contacted


def test_a_redirect_to_loopback_is_refused(service: Service, site: Origin, other: Origin) -> None:
    """The allowed origin redirects to another port of 127.0.0.1: the address is checked again after
    the redirect, and the other server never hears of it."""
    target = other.url("/article")

    response = httpx.post(service("/v1/extract"), json={"url": site.url(f"/redirect?to={target}")})

    assert response.status_code == 403
    assert error_kind(response) == "url_refused"
    assert "127.0.0.1 is a loopback address" in response.json()["detail"]
    assert site.requests["/redirect"] >= 1
    assert sum(other.requests.values()) == 0


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/"])
def test_other_schemes_are_refused_directly_and_after_a_redirect(
    service: Service, site: Origin, url: str
) -> None:
    direct = httpx.post(service("/v1/extract"), json={"url": url})
    redirected = httpx.post(service("/v1/extract"), json={"url": site.url(f"/redirect?to={url}")})

    assert direct.status_code == redirected.status_code == 403
    assert error_kind(direct) == error_kind(redirected) == "url_refused"
    assert "redirected to" in redirected.json()["detail"]
    assert "root:" not in direct.text + redirected.text


def test_too_many_redirects_are_not_followed(service: Service, site: Origin) -> None:
    url = site.url("/article")
    for _ in range(6):  # one more than the default 5
        url = site.url(
            "/redirect?to=" + httpx.URL(url).raw_path.decode().replace("?", "%3F").replace("=", "%3D")
        )
    response = httpx.post(service("/v1/extract"), json={"url": url})

    assert response.status_code == 502
    assert error_kind(response) == "fetch_failed"
    assert "more than 5 redirects" in response.json()["detail"]


# Responses too large or too slow.


@pytest.mark.parametrize(
    "path", ["/huge", "/endless", "/bomb"], ids=["announced-2gb", "endless-2gb", "gzip-bomb"]
)
def test_a_huge_response_is_cut_off_without_buffering(service: Service, site: Origin, path: str) -> None:
    """A 2 GB response announced by its Content-Length is refused on its headers; an unannounced one is
    read up to the limit, then the connection is dropped; a gzip bomb (64 kB inflating to 64 MB) is
    counted as it inflates. The origin got to send a few megabytes at most, and the service's memory
    did not grow by the response."""
    rss = service.rss()

    response = httpx.post(service("/v1/extract"), json={"url": site.url(path)}, timeout=60)

    assert response.status_code == 502
    assert error_kind(response) == "fetch_too_large"
    if path != "/bomb":
        wait_for(lambda: site.finished[path] >= 1)  # the origin saw the hang-up
        assert site.sent[path] < 64 * MB
    assert service.rss() < rss + 64 * MB
    assert service.healthy()


def test_a_trickling_origin_is_cut_off_at_the_fetch_time_limit(service: Service, site: Origin) -> None:
    started = time.monotonic()
    response = httpx.post(service("/v1/extract"), json={"url": site.url("/trickle")}, timeout=60)

    assert response.status_code == 504
    assert error_kind(response) == "fetch_timeout"
    assert time.monotonic() - started < 10
    assert service.healthy()


# 200 concurrent requests.


async def _concurrently(url: str, count: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        return await asyncio.gather(
            *(client.post(url, content=article_page(f"Story {n}"), headers=HTML) for n in range(count))
        )


def test_200_concurrent_requests_past_the_limit_get_429_and_the_rest_are_served(tmp_path: Path) -> None:
    with serve(tmp_path, "-j", "2", "--max-requests", "32") as service:
        responses = asyncio.run(_concurrently(service("/v1/extract"), 200))

        statuses = Counter(response.status_code for response in responses)
        assert set(statuses) == {200, 429}, statuses
        for n, response in enumerate(responses):
            if response.status_code == 200:
                assert response.json()["title"] == f"Story {n}"
            else:
                assert error_kind(response) == "overloaded" and response.headers["retry-after"] == "1"
        metrics = httpx.get(service("/metrics")).text
        assert f'scraper_http_errors_total{{kind="overloaded"}} {float(statuses[429])}' in metrics
        assert service.healthy()


def test_200_concurrent_requests_within_the_limit_are_all_served(tmp_path: Path) -> None:
    with serve(tmp_path, "-j", "2", "--max-requests", "256") as service:
        responses = asyncio.run(_concurrently(service("/v1/extract"), 200))

        assert [response.status_code for response in responses] == [200] * 200
        assert [response.json()["title"] for response in responses] == [f"Story {n}" for n in range(200)]
        assert service.healthy()


# The address rule, for the addresses no test may send traffic to (only loopback is ours to reach).


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
        "192.0.2.1", "255.255.255.255", "::", "::1", "fe80::1", "fd00:ec2::254", "::ffff:10.0.0.1",
    ],
)  # fmt: skip
def test_private_link_local_metadata_and_reserved_addresses_are_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address), 80) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700::6810:84e5"])
def test_public_addresses_are_fetched(address: str) -> None:
    assert refusal(ipaddress.ip_address(address), 443) is None


def test_the_allow_list_admits_its_networks_and_ports_only() -> None:
    allowed = (parse_allowed("10.0.0.0/8"), parse_allowed("127.0.0.1:8080"), parse_allowed("[::1]:9000"))

    assert refusal(ipaddress.ip_address("10.20.30.40"), 80, allowed) is None
    assert refusal(ipaddress.ip_address("127.0.0.1"), 8080, allowed) is None
    assert refusal(ipaddress.ip_address("127.0.0.1"), 8081, allowed) == "127.0.0.1 is a loopback address"
    assert refusal(ipaddress.ip_address("::1"), 9000, allowed) is None
    assert refusal(ipaddress.ip_address("192.168.0.1"), 80, allowed) == "192.168.0.1 is a private address"
    assert refusal(ipaddress.ip_address("169.254.169.254"), 80, allowed) is not None


def _closed_after_sending(client: socket.socket, data: bytes) -> bool:
    """Send a few bytes; True when the server has closed the connection."""
    try:
        client.sendall(data)
        client.setblocking(False)
        try:
            return client.recv(1) == b""
        except BlockingIOError:
            return False
        finally:
            client.setblocking(True)
    except (BrokenPipeError, ConnectionResetError):
        return True
