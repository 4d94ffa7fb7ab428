"""`scraper serve` over real HTTP: uvicorn on 127.0.0.1 (its own port, read back), httpx as the client.
The answers are the articles `scraper.extract` makes, valid under the article schema; errors are JSON;
`/metrics` counts what happened. The attacks on the service are in `test_service_attacks.py`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import jsonschema
import orjson
import pytest

from scraper import extract
from scraper.article import json_schema
from tests.support.origin import Origin, origin
from tests.support.pages import article_page, slow_page
from tests.support.redesign import containers_renamed
from tests.support.samples import ROOT, sample_pages
from tests.support.service import Service, error_kind, serve
from tests.support.waiting import wait_for

HTML = {"content-type": "text/html; charset=utf-8"}


@pytest.fixture(scope="module")
def site() -> Iterator[Origin]:
    with origin() as server:
        yield server


@pytest.fixture(scope="module")
def service(site: Origin, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Two workers, a 4 s page time limit (a wall clock: a normal page, ~25 ms alone, stays far under it on
    a loaded machine), room for the slow page, and the test origin's address allowed for fetch-by-URL."""
    port = site.server_address[1]
    args = ("-j", "2", "--page-timeout", "4", "--max-body", "20M", "--allow-fetch", f"127.0.0.1:{port}")
    with serve(tmp_path_factory.mktemp("service"), *args) as running:
        yield running


def metric(service: Service, name: str, **labels: str) -> float:
    """A sample of `/metrics` (0 when the series does not exist yet)."""
    wanted = name + ("{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else "")
    for line in httpx.get(service("/metrics")).text.splitlines():
        series, _, value = line.rpartition(" ")
        if series == wanted:
            return float(value)
    return 0.0


@pytest.mark.parametrize("page", sample_pages(), ids=lambda page: page.parent.name + "/" + page.stem)
def test_a_posted_page_answers_the_article_extract_makes(service: Service, page: Path) -> None:
    url = orjson.loads(page.with_suffix(".json").read_bytes())["url"]
    html = page.read_bytes()

    response = httpx.post(service("/v1/extract"), params={"url": url}, content=html, headers=HTML)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    article = response.json()
    jsonschema.validate(article, json_schema())
    assert article == orjson.loads(extract(html, url, content_type=HTML["content-type"]).to_json())


@pytest.mark.parametrize("body", ["markdown", "html"])
def test_body_formats_and_extras_answer_what_extract_makes(service: Service, body: str) -> None:
    """In the query string with an HTML body, and in a JSON request: the same record as `extract`."""
    page = next(p for p in sample_pages() if p.with_suffix(".md").exists())
    url, html = orjson.loads(page.with_suffix(".json").read_bytes())["url"], page.read_bytes()
    expected = orjson.loads(extract(html, url, body=body, with_=("links", "images")).to_json())
    assert expected["body_format"] == body and expected["links"] is not None

    as_query = httpx.post(
        service("/v1/extract"), params={"url": url, "body": body, "with": "links,images"}, content=html
    )
    as_json = httpx.post(
        service("/v1/extract"),
        json={"url": url, "html": html.decode(), "body": body, "with": ["links", "images"]},
    )

    assert as_query.status_code == 200, as_query.text
    assert as_query.json() == expected
    assert as_json.status_code == 200, as_json.text
    assert as_json.json() == orjson.loads(
        extract(html.decode(), url, body=body, with_=("links", "images")).to_json()
    )


def test_a_json_request_with_html_and_url_answers_the_same_article(service: Service) -> None:
    html, url = article_page("Ferry timetable changes"), "https://news.example.com/2026/ferry"

    response = httpx.post(service("/v1/extract"), json={"url": url, "html": html})

    assert response.status_code == 200, response.text
    assert response.json() == orjson.loads(extract(html, url).to_json())


def test_a_json_url_is_fetched_then_extracted(service: Service, site: Origin) -> None:
    url = site.url("/article")

    response = httpx.post(service("/v1/extract"), json={"url": url})

    assert response.status_code == 200, response.text
    article = response.json()
    jsonschema.validate(article, json_schema())
    assert article["url"] == url
    assert article["title"] == "Harbour plan approved"
    assert "winter timetable" in article["body"]


def test_redirects_are_followed_to_the_page(service: Service, site: Origin) -> None:
    start = site.url("/redirect?to=/redirect%3Fto%3D/article")

    response = httpx.post(service("/v1/extract"), json={"url": start})

    assert response.status_code == 200, response.text
    assert response.json()["url"] == site.url("/article")


@pytest.mark.parametrize(
    ("request_", "status", "kind"),
    [
        ({"content": b""}, 422, "not_a_page"),
        ({"content": b"\x00\x01\x02 binary"}, 422, "not_a_page"),
        ({"content": b"<p>x</p>", "params": {"body": "pdf"}}, 422, "bad_request"),
        ({"content": b"<p>x</p>", "params": {"with": "links,smells"}}, 422, "bad_request"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "bad_request"),
        ({"json": {}}, 422, "bad_request"),
        ({"json": {"html": "<p>x</p>", "colour": "red"}}, 422, "bad_request"),
        ({"json": {"url": "https://example.com/"}, "params": {"body": "text"}}, 422, "bad_request"),
        ({"json": {"url": "not a url"}}, 403, "url_refused"),
    ],
    ids=[
        "empty",
        "binary",
        "body-format",
        "with",
        "bad-json",
        "no-url-no-html",
        "unknown-field",
        "both",
        "no-url",
    ],
)
def test_bad_requests_answer_a_json_error_naming_the_problem(
    service: Service, request_: dict, status: int, kind: str
) -> None:
    response = httpx.post(service("/v1/extract"), **request_)

    assert response.status_code == status, response.text
    assert error_kind(response) == kind


def test_a_failed_fetch_says_why(service: Service, site: Origin) -> None:
    response = httpx.post(service("/v1/extract"), json={"url": site.url("/missing")})

    assert response.status_code == 502
    assert error_kind(response) == "fetch_failed"
    assert "answered 404" in response.json()["detail"]


def test_a_page_over_the_time_limit_answers_504_and_the_service_goes_on(service: Service) -> None:
    slow = slow_page()  # about 9 s to clean (15 MB, under the 20 MB limit), against a 4 s limit

    response = httpx.post(service("/v1/extract"), content=slow, headers=HTML, timeout=60)

    assert response.status_code == 504
    assert error_kind(response) == "page_timeout"
    assert "took longer than 4 s" in response.json()["detail"]
    after = httpx.post(service("/v1/extract"), content=article_page("After the slow one"), headers=HTML)
    assert after.status_code == 200 and after.json()["title"] == "After the slow one"


def test_a_killed_worker_fails_its_request_with_503_and_is_replaced(tmp_path: Path) -> None:
    with serve(tmp_path, "-j", "1", "--page-timeout", "60") as service:
        (worker,) = service.workers()
        idle = cpu_ticks(worker)
        with ThreadPoolExecutor(1) as client:
            # A page of seconds on the only worker: once the worker is busy, the page is in flight.
            sent = client.submit(
                httpx.post, service("/v1/extract"), content=slow_page(100_000), headers=HTML, timeout=120
            )
            wait_for(lambda: cpu_ticks(worker) > idle + 10)
            os.kill(worker, signal.SIGKILL)  # as the out-of-memory killer would
            response = sent.result(timeout=120)

        assert response.status_code == 503
        assert error_kind(response) == "worker_died"
        after = httpx.post(service("/v1/extract"), content=article_page("After the kill"), headers=HTML)
        assert after.status_code == 200 and after.json()["title"] == "After the kill"
        assert len(service.workers()) == 1 and service.workers() != [worker]


def test_unknown_routes_and_methods_answer_json_errors(service: Service) -> None:
    missing = httpx.get(service("/v2/extract"))
    wrong_method = httpx.get(service("/v1/extract"))

    assert (missing.status_code, error_kind(missing)) == (404, "not_found")
    assert (wrong_method.status_code, error_kind(wrong_method)) == (405, "method_not_allowed")


def test_healthz_and_the_openapi_documentation(service: Service) -> None:
    assert httpx.get(service("/healthz")).json() == {"status": "ok"}
    spec = httpx.get(service("/openapi.json")).json()
    operation = spec["paths"]["/v1/extract"]["post"]
    assert set(operation["requestBody"]["content"]) == {"text/html", "application/json"}
    assert {p["name"] for p in operation["parameters"]} == {"url", "body", "with"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["title"] == "Article"
    assert "swagger-ui" in httpx.get(service("/docs")).text


def test_metrics_count_requests_latency_errors_and_fallbacks_by_site(service: Service) -> None:
    """The redesigned theweek.com page is cleaned by the generic cleaner: a fallback for its site."""
    page = next(page for page in sample_pages() if page.parent.name == "theweek.com")
    redesigned = containers_renamed(page.read_text("utf-8"), "theweek.com").encode()
    url = orjson.loads(page.with_suffix(".json").read_bytes())["url"]
    before = {
        "ok": metric(service, "scraper_http_requests_total", route="/v1/extract", status="200"),
        "latency": metric(service, "scraper_http_request_duration_seconds_count", route="/v1/extract"),
        "errors": metric(service, "scraper_http_errors_total", kind="not_a_page"),
        "fallbacks": metric(service, "scraper_cleaner_fallbacks_total", site="theweek.com"),
    }

    fell_back = httpx.post(service("/v1/extract"), params={"url": url}, content=redesigned, headers=HTML)
    empty = httpx.post(service("/v1/extract"), content=b"")

    assert fell_back.json()["cleaner"]["fallback_from"] == "theweek"
    assert empty.status_code == 422
    assert (
        metric(service, "scraper_http_requests_total", route="/v1/extract", status="200") == before["ok"] + 1
    )
    assert metric(service, "scraper_http_requests_total", route="/v1/extract", status="422") >= 1
    latency = metric(service, "scraper_http_request_duration_seconds_count", route="/v1/extract")
    assert latency == before["latency"] + 2
    assert metric(service, "scraper_http_errors_total", kind="not_a_page") == before["errors"] + 1
    assert metric(service, "scraper_cleaner_fallbacks_total", site="theweek.com") == before["fallbacks"] + 1


@pytest.mark.parametrize("from_environment", [False, True], ids=["--api-key", "SCRAPER_API_KEY"])
def test_an_api_key_is_required_when_set(tmp_path: Path, from_environment: bool) -> None:
    key = "s3cret-key"
    env = {**os.environ, "SCRAPER_API_KEY": key} if from_environment else None
    args = () if from_environment else ("--api-key", key)
    page = article_page("Keyed")
    with serve(tmp_path, "-j", "1", *args, env=env) as service:
        extract_url = service("/v1/extract")
        missing = httpx.post(extract_url, content=page, headers=HTML)
        wrong = httpx.post(extract_url, content=page, headers={**HTML, "authorization": "Bearer nope"})
        bearer = httpx.post(extract_url, content=page, headers={**HTML, "authorization": f"Bearer {key}"})
        header = httpx.post(extract_url, content=page, headers={**HTML, "x-api-key": key})

        assert [missing.status_code, wrong.status_code] == [401, 401]
        assert error_kind(missing) == error_kind(wrong) == "unauthorized"
        assert bearer.status_code == header.status_code == 200
        assert httpx.get(service("/metrics")).status_code == 401
        assert httpx.get(service("/metrics"), headers={"x-api-key": key}).status_code == 200
        assert httpx.get(service("/healthz")).status_code == 200  # liveness probes need no key


def test_sigterm_stops_the_service_and_its_workers(tmp_path: Path) -> None:
    """A graceful stop, then the process ends by the signal, as service managers expect."""
    with serve(tmp_path, "-j", "2") as service:
        workers = service.workers()
        service.process.terminate()
        assert service.process.wait(timeout=60) == -signal.SIGTERM
        assert "Application shutdown complete." in service.log.read_text()
    wait_for(lambda: all(gone(pid) for pid in workers))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--allow-fetch", "intranet"], "--allow-fetch 'intranet' is no address"),
        (["--allow-fetch", "127.0.0.1:99999"], "port 99999 out of range"),
        (["-j", "0"], "--jobs 0: too small"),
        (["--max-body", "lots"], "'lots' is no size"),
    ],
)
def test_usage_errors_exit_2_naming_the_option(args: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scraper", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_a_port_in_use_exits_3_with_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "scraper", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"scraper serve: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def cpu_ticks(pid: int) -> int:
    """User and system CPU time a process has used, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def gone(pid: int) -> bool:
    """The process has exited (reaped, or a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True
