#!/usr/bin/env python3
"""Fault test (`make test-faults`): the production shape as processes on one PostgreSQL database, one API node
(`igny8 serve --no-worker`) and two `igny8 worker` processes, with an OpenAI-compatible model server that counts
its calls, and these faults:

1. every database connection is cut three times (pg_terminate_backend, as a restart or failover does) while
   requests and jobs run: the workers resume within 5 s each time, every task finishes, no read fails and every
   failed write is a clear 503 (never a 500);
2. the API is killed (SIGKILL) in the middle of a burst of AI requests: every task it recorded still runs;
3. a worker is killed (SIGKILL) mid-job: its jobs resume on the other worker within 10 s; a worker stopped with
   SIGTERM exits cleanly;
4. 50 AI jobs of one account run at once: no deadlock in any log, every model call made exactly once.

Prints the figures; exits non-zero on the first broken promise. Needs target/debug/igny8 and psql.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ADMIN = os.environ.get("IGNY8_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BIN = os.path.abspath(os.environ.get("IGNY8_BIN", os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "debug", "igny8")))
PASSWORD = "Faults-Test-Password-9"
FIGURES = []


def figure(text):
    FIGURES.append(text)
    print(f"  · {text}", flush=True)


def fail(message):
    print(f"\nFAULT TEST FAILED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def check(condition, message):
    if not condition:
        fail(message)


# ---------------------------------------------------------------- the model server


class Model:
    lock = threading.Lock()
    calls = {}

    @classmethod
    def count(cls, prefix):
        with cls.lock:
            return {k: v for k, v in cls.calls.items() if k.startswith(prefix)}


class ModelHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        found = re.search(r"Message: ([A-Za-z0-9_.-]+)", body)
        message = found.group(1) if found else "?"
        with Model.lock:
            Model.calls[message] = Model.calls.get(message, 0) + 1
        if message.startswith("slow-"):
            time.sleep(4)
        content = json.dumps({"ok": True, "echo": message})
        reply = json.dumps({
            "id": "chatcmpl-" + uuid.uuid4().hex,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28},
        }).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller was killed mid-call (the worker-kill phase)

    def log_message(self, *args):
        pass


# ---------------------------------------------------------------- database and processes


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-tAc", sql], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    def __init__(self, name, args, env, logs):
        self.name, self.args, self.env = name, args, env
        self.log_path = os.path.join(logs, f"{name}.log")
        self.popen = None

    def start(self):
        log = open(self.log_path, "a")
        log.write(f"\n==== start {time.strftime('%H:%M:%S')} ====\n")
        log.flush()
        self.popen = subprocess.Popen([BIN] + self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def signal(self, sig):
        self.popen.send_signal(sig)

    def wait(self, timeout=30):
        return self.popen.wait(timeout=timeout)

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def log(self):
        with open(self.log_path) as f:
            return f.read()


class Api:
    def __init__(self, base):
        self.base = base
        self.token = None

    def call(self, method, path, body=None, timeout=15):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read() or b"null")
            except ValueError:
                return error.code, None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            return 0, str(error)

    def wait_ready(self, limit=60):
        deadline = time.time() + limit
        while time.time() < deadline:
            status, _ = self.call("GET", "/readyz")
            if status == 200:
                return
            time.sleep(0.2)
        fail(f"{self.base} never became ready")

    def start_check(self, message):
        return self.call("POST", "/api/v1/system/ai/test_connection/", {"message": message})


def task_rows(db, where="true"):
    out = psql(db, f"SELECT id, status, attempts, COALESCE(error_code, ''), "
                   f"COALESCE(EXTRACT(EPOCH FROM started_at)::text, '') FROM tasks WHERE {where} ORDER BY id")
    rows = []
    for line in filter(None, out.splitlines()):
        id_, status, attempts, code, started = line.split("|")
        rows.append({"id": int(id_), "status": status, "attempts": int(attempts), "code": code,
                     "started": float(started) if started else None})
    return rows


def wait_all_finished(db, limit, what):
    deadline = time.time() + limit
    while time.time() < deadline:
        open_ = psql(db, "SELECT count(*) FROM tasks WHERE status IN ('queued', 'running')")
        if open_ == "0":
            break
        time.sleep(0.25)
    else:
        still = task_rows(db, "status IN ('queued', 'running')")
        fail(f"{what}: tasks still open after {limit} s: {still}")
    bad = task_rows(db, "status <> 'succeeded'")
    check(not bad, f"{what}: tasks that did not succeed: {bad}")


def cut_connections(db, name):
    return int(psql(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))


# ---------------------------------------------------------------- the phases


def phase_cuts(db, name, api):
    print("1. cutting every database connection three times while requests and jobs run", flush=True)
    stop = threading.Event()
    reads, writes = [], []

    def load():
        i = 0
        while not stop.is_set():
            reads.append(api.call("GET", "/api/v1/auth/me/")[0])
            if i % 4 == 0:
                status, body = api.start_check(f"cut-{i}")
                writes.append((status, body))
            i += 1
            time.sleep(0.02)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    resumes = []
    try:
        for round_ in range(3):
            time.sleep(1.5)
            cut = cut_connections(db, name)
            at = time.time()
            # A task queued right after the cut: the time until a worker starts it is the time to resume.
            for _ in range(50):
                status, body = api.start_check(f"probe-{round_}")
                if status == 202:
                    break
                time.sleep(0.05)
            check(status == 202, f"probe task not accepted after the cut: {status} {body}")
            probe = body["data"]["id"]
            deadline = at + 30
            started = None
            while time.time() < deadline:
                rows = task_rows(db, f"id = {probe}")
                if rows and rows[0]["started"]:
                    started = rows[0]["started"]
                    break
                time.sleep(0.05)
            check(started is not None, f"round {round_}: no worker started a task within 30 s of the cut")
            resumes.append(started - at)
            figure(f"cut {round_ + 1}: {cut} sessions ended; a task queued after it started {started - at:.2f} s later")
    finally:
        stop.set()
        for t in threads:
            t.join()
    check(all(r < 5 for r in resumes), f"a worker took 5 s or more to resume: {resumes}")
    failed_reads = [s for s in reads if s != 200]
    failed_writes = [(s, b) for s, b in writes if s != 202]
    figure(f"requests during the cuts: {len(reads)} reads, {len(failed_reads)} failed; "
           f"{len(writes)} AI starts, {len(failed_writes)} failed")
    check(not failed_reads, f"reads failed: {failed_reads[:10]}")
    for status, body in failed_writes:
        check(status == 503 and isinstance(body, dict) and body.get("code") == "DATABASE_UNAVAILABLE",
              f"a write failed with something other than a clear 503: {status} {body}")
    wait_all_finished(db, 60, "after the cuts")
    figure(f"every task finished: {psql(db, 'SELECT count(*) FROM tasks')} succeeded")


def phase_kill_api(db, api, api_proc):
    print("2. killing the API in the middle of a burst of AI requests", flush=True)
    before = int(psql(db, "SELECT count(*) FROM tasks"))
    answers = []
    answered = threading.Semaphore(0)

    def burst(t):
        for i in range(15):
            status = api.start_check(f"killed-{t}-{i}")[0]
            answers.append(status)
            answered.release()
            if status == 0:
                return

    threads = [threading.Thread(target=burst, args=(t,)) for t in range(6)]
    for t in threads:
        t.start()
    for _ in range(20):
        answered.acquire()
    api_proc.signal(signal.SIGKILL)
    api_proc.wait()
    for t in threads:
        t.join()
    api_proc.start()
    api.wait_ready()
    recorded = int(psql(db, "SELECT count(*) FROM tasks")) - before
    accepted = answers.count(202)
    cut_off = answers.count(0)
    figure(f"API killed mid-burst: {accepted} requests answered 202, {cut_off} cut off, {recorded} tasks recorded")
    check(cut_off > 0, "the kill came after the burst")
    check(recorded >= accepted, "a task answered 202 is missing")
    wait_all_finished(db, 60, "after the API was killed")
    never = task_rows(db, "attempts = 0")
    check(not never, f"tasks that never ran: {never}")
    figure(f"all {recorded} recorded tasks ran (none left queued without a job)")


def phase_kill_worker(db, api, workers, spawn_worker):
    print("3. stopping a worker with SIGTERM, then killing the other with SIGKILL mid-job", flush=True)
    w1, w2 = workers
    w2.signal(signal.SIGTERM)
    code = w2.wait(30)
    check(code == 0, f"a worker stopped with SIGTERM exited with {code}")
    figure("a worker stopped with SIGTERM finished its jobs and exited 0")
    ids = []
    for i in range(2):
        status, body = api.start_check(f"slow-{i}")
        check(status == 202, f"slow task not accepted: {status} {body}")
        ids.append(body["data"]["id"])
    deadline = time.time() + 20
    while time.time() < deadline:
        rows = task_rows(db, f"id IN ({','.join(map(str, ids))})")
        if all(r["status"] == "running" for r in rows):
            break
        time.sleep(0.05)
    else:
        fail(f"the slow tasks did not start: {rows}")
    w2_new = spawn_worker("worker-2b").start()
    time.sleep(1.0)
    w1.signal(signal.SIGKILL)
    killed_at = time.time()
    w1.wait()
    resumed = {}
    deadline = killed_at + 40
    while time.time() < deadline and len(resumed) < len(ids):
        for r in task_rows(db, f"id IN ({','.join(map(str, ids))})"):
            if r["attempts"] >= 2 and r["started"] and r["id"] not in resumed:
                resumed[r["id"]] = r["started"] - killed_at
        time.sleep(0.05)
    check(len(resumed) == len(ids), f"jobs of the killed worker were not taken over: {task_rows(db, 'true')[-3:]}")
    worst = max(resumed.values())
    figure(f"worker killed mid-job: its {len(ids)} jobs resumed on the other worker after "
           f"{', '.join(f'{v:.1f} s' for v in sorted(resumed.values()))}")
    check(worst <= 10, f"a killed worker's job took more than 10 s to resume: {worst:.1f} s")
    wait_all_finished(db, 60, "after the worker was killed")
    return [w2_new, spawn_worker("worker-1b").start()]


def phase_concurrent(db, api, procs):
    print("4. 50 AI jobs of one account at once", flush=True)
    answers = []

    def one(i):
        answers.append(api.start_check(f"burst-{i}"))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [a for a in answers if a[0] != 202]
    check(not bad, f"AI starts refused: {bad[:5]}")
    wait_all_finished(db, 120, "the concurrent jobs")
    figure(f"50 concurrent jobs of one account finished in {time.time() - started:.1f} s")
    calls = Model.count("burst-")
    check(len(calls) == 50 and all(n == 1 for n in calls.values()),
          f"model calls per job were not exactly one: {sorted(calls.items())[:10]} ({len(calls)} jobs called)")
    figure("each of the 50 model calls was made exactly once")
    for proc in procs:
        log = proc.log()
        check("deadlock" not in log.lower(), f"{proc.name} logged a deadlock")
        check("panicked" not in log, f"{proc.name} panicked")
    figure("no deadlock in any process's log")


def main():
    if not os.path.exists(BIN):
        fail(f"{BIN} is missing: build it first (cargo build --bin igny8)")
    name = f"igny8_faults_{uuid.uuid4().hex[:12]}"
    psql(ADMIN, f'CREATE DATABASE "{name}"')
    base = ADMIN.rsplit("/", 1)[0]
    db = f"{base}/{name}"
    model = ThreadingHTTPServer(("127.0.0.1", 0), ModelHandler)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    logs = tempfile.mkdtemp(prefix="igny8-faults-")
    port = free_port()
    env = dict(os.environ)
    env.update({
        "IGNY8_DATABASE_URL": db,
        "IGNY8_SECRET_KEY": "fault-test-secret-key-that-is-long-enough-0123456789",
        "IGNY8_DATA_DIR": os.path.join(logs, "data"),
        "IGNY8_DEMO_ACCOUNT": "false",
        "IGNY8_LOG_LEVEL": "info",
        "IGNY8_AI_PROVIDER": "openai",
        "IGNY8_AI_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
        "IGNY8_AI_API_KEY": "sk-fault-test",
        "IGNY8_AI_MODEL": "gpt-4o-mini",
        "IGNY8_JOB_RETRY_BASE_MS": "200",
        "IGNY8_DB_MAX_CONNECTIONS": "10",
    })
    for scope in ["AUTH", "LOGIN", "AI", "IMAGE", "WRITE", "READ"]:
        env[f"IGNY8_{scope}_RATE_PER_MINUTE"] = "100000"
    api_env = dict(env, IGNY8_BIND=f"127.0.0.1:{port}", IGNY8_AUTO_MIGRATE="true")
    worker_env = dict(env, IGNY8_AUTO_MIGRATE="false")
    procs = []

    def spawn_worker(label):
        proc = Proc(label, ["worker"], worker_env, logs)
        procs.append(proc)
        return proc

    ok = False
    try:
        api_proc = Proc("api", ["serve", "--no-worker"], api_env, logs).start()
        procs.append(api_proc)
        api = Api(f"http://127.0.0.1:{port}")
        api.wait_ready()
        workers = [spawn_worker("worker-1").start(), spawn_worker("worker-2").start()]
        status, body = api.call("POST", "/api/v1/auth/register/",
                                {"email": "faults@example.com", "password": PASSWORD, "first_name": "Fault"})
        check(status == 201, f"register: {status} {body}")
        api.token = body["data"]["access"]
        psql(db, "UPDATE accounts SET credits = 1000000")
        print(f"fault test on {name}: API on port {port}, 2 workers, logs in {logs}", flush=True)
        phase_cuts(db, name, api)
        phase_kill_api(db, api, api_proc)
        workers = phase_kill_worker(db, api, workers, spawn_worker)
        phase_concurrent(db, api, procs)
        ok = True
    finally:
        for proc in procs:
            if proc.alive():
                proc.signal(signal.SIGTERM)
        for proc in procs:
            if proc.alive():
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.signal(signal.SIGKILL)
        if not ok:
            for proc in procs:
                print(f"\n---- {proc.name} log (last 40 lines) ----", file=sys.stderr)
                print("\n".join(proc.log().splitlines()[-40:]), file=sys.stderr)
        model.shutdown()
        subprocess.run(["psql", ADMIN, "-tAc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                       capture_output=True)
    print("\nfault test passed:")
    for line in FIGURES:
        print(f"  {line}")


if __name__ == "__main__":
    main()
