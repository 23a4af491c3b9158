"""Hostile traffic and clumsy clients against the running demo (the debug build, where a large
body cost most and where an unended stream trips an assertion).

Finding F2 of the security review: every POST route read and parsed a multipart body of up to
~25 MB before refusing it, so sixteen anonymous posts froze the demo for minutes. Bodies are now
judged before they are read (route, type, declared length, session), so each is refused at once.

Operations issue: closing the connection during an open-data download stopped the server (the
stream was never ended when a write failed). Downloads are now cut at random points.
"""
import json
import os
import random
import select
import socket
import struct
import threading
import time
import urllib.parse
import urllib.request

BODY = 25 * 1024 * 1024
CHUNK = 64 * 1024


def _rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _hostile_post(base_url, path, content_type, chunked):
    """Sends a 25 MB body and stops as soon as the server answers; returns (status, seconds)."""
    url = urllib.parse.urlsplit(base_url)
    connection = socket.create_connection((url.hostname, url.port), timeout=30)
    head = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", f"Content-Type: {content_type}", "Connection: close"]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {BODY}")
    started = time.monotonic()
    connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    chunk = b"--x\r\n" + b"A" * (CHUNK - 5)
    sent, answer = 0, b""
    try:
        while sent < BODY:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            piece = (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n") if chunked else chunk
            connection.sendall(piece)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed: the answer is still there to read
    connection.settimeout(30)
    try:
        while b"\r\n" not in answer:
            data = connection.recv(4096)
            if not data:
                break
            answer += data
    except ConnectionResetError:
        pass
    elapsed = time.monotonic() - started
    connection.close()
    status = int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, elapsed, sent


def test_sixteen_25_mb_posts_are_refused_at_once_and_the_server_stays_up(base_url):
    pid = os.environ.get("TERREAU_DEMO_PID")
    before = _rss_kib(pid) if pid else None
    shapes = [
        ("/connexion", "multipart/form-data; boundary=x", False),  # multipart where no file is taken: 415
        ("/connexion", "multipart/form-data; boundary=x", True),
        ("/connexion", "application/x-www-form-urlencoded", False),  # declared over the form limit: 413
        ("/connexion", "application/x-www-form-urlencoded", True),  # no length: read up to 64 kB, then 413
        ("/c/grenoble-alpes/etudes", "multipart/form-data; boundary=x", False),  # an upload without a session: 403
    ]
    results, health, stop = [], [], threading.Event()

    def probe():
        while not stop.is_set():
            started = time.monotonic()
            with urllib.request.urlopen(base_url + "/healthz", timeout=10) as response:
                assert response.status == 200
            health.append(time.monotonic() - started)
            time.sleep(0.02)

    def post(index):
        path, content_type, chunked = shapes[index % len(shapes)]
        results.append((path, content_type, chunked) + _hostile_post(base_url, path, content_type, chunked))

    prober = threading.Thread(target=probe)
    prober.start()
    posters = [threading.Thread(target=post, args=(index,)) for index in range(16)]
    for thread in posters:
        thread.start()
    for thread in posters:
        thread.join(timeout=120)
    time.sleep(0.3)
    stop.set()
    prober.join(timeout=30)

    assert len(results) == 16
    for path, content_type, chunked, status, seconds, sent in results:
        assert status in (403, 413, 415), (path, content_type, chunked, status)
        assert seconds < 1.0, f"{path} {content_type} chunked={chunked}: answered after {seconds:.2f} s"
        assert sent < BODY, "the whole body was sent before any answer"
    assert health and max(health) < 0.2, f"/healthz took up to {max(health):.3f} s"
    if before is not None:
        growth = (_rss_kib(pid) - before) / 1024
        assert growth < 64, f"the server grew by {growth:.0f} MiB"


def test_twenty_downloads_cut_at_random_points_leave_the_server_up(base_url):
    url = urllib.parse.urlsplit(base_url)
    with urllib.request.urlopen(base_url + "/c/grenoble-alpes/donnees/datapackage.json", timeout=30) as response:
        package = json.load(response)
    paths = ["/c/grenoble-alpes/donnees/" + resource["path"].split("/")[-1] for resource in package["resources"]]
    paths += [path.replace(".csv", ".json") for path in paths if path.endswith(".csv")]
    paths += ["/api/communautes/grenoble-alpes/besoins?limite=100", "/c/grenoble-alpes/agenda.ics", "/moi/donnees?format=json"]
    chooser = random.Random(20261207)
    for _ in range(20):
        path = chooser.choice(paths)
        connection = socket.create_connection((url.hostname, url.port), timeout=30)
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode())
        wanted, received = chooser.choice([0, 1, chooser.randint(2, 20000)]), 0
        while received < wanted:
            data = connection.recv(min(4096, wanted - received))
            if not data:
                break
            received += len(data)
        # A reset, not a polite close: the server's next write fails.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
    time.sleep(1)
    # Still up, and every pooled database connection came back: twenty pages at once all answer.
    statuses = []

    def page():
        with urllib.request.urlopen(base_url + "/c/grenoble-alpes/donnees/besoins.csv", timeout=20) as response:
            response.read()
            statuses.append(response.status)

    readers = [threading.Thread(target=page) for _ in range(20)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=60)
    assert statuses == [200] * 20
