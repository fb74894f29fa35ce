#!/usr/bin/env python3
"""WordPress test (`make test-wordpress`): a real WordPress (Debian's packages, scripts/wordpress-local.sh) and the
real product (`igny8 serve` on SQLite). Checks the connection test end to end through the outbound guard:

* core REST with the administrator's application password: every named check passes, WordPress 6.x is named;
* core REST with a subscriber's application password: signed in, but `can_publish` fails and says why;
* core REST with a wrong application password: `credentials` fails;
* the bridge plugin with the key the product issued (set in the plugin's settings): connected; the same connection
  after the key is rotated in the product (the plugin still holds the old one): `credentials` fails.

Then runs scripts/wordpress-bridge-check.sh (the plugin's own 66 checks). Exits non-zero on the first failure.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.abspath(os.environ.get("IGNY8_BIN", os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "debug", "igny8")))
LOCAL = os.path.join(HERE, "wordpress-local.sh")


def fail(message):
    print(f"\nWORDPRESS TEST FAILED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print(f"ok   - {message}", flush=True)


def call(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if not os.path.exists(BIN):
        fail(f"{BIN} is missing: build it first (cargo build --bin igny8)")
    work = tempfile.mkdtemp(prefix="igny8-wp-")
    wp_dir = os.path.join(work, "wp")
    up = subprocess.run([LOCAL, "up", wp_dir], capture_output=True, text=True)
    if up.returncode != 0:
        fail(f"wordpress-local.sh up failed:\n{up.stderr[-3000:]}")
    env_file = dict(line.split("=", 1) for line in open(os.path.join(wp_dir, "env")).read().splitlines() if "=" in line)
    wp = env_file["WP_URL"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, IGNY8_DATABASE_URL=f"sqlite://{work}/igny8.db", IGNY8_DATA_DIR=os.path.join(work, "data"),
               IGNY8_BIND=f"127.0.0.1:{port}", IGNY8_SECRET_KEY="wordpress-test-secret-key-long-enough-0123456789",
               IGNY8_DEMO_ACCOUNT="false", IGNY8_PUBLISH_ALLOW_PRIVATE="true", IGNY8_LOG_LEVEL="warn")
    log = open(os.path.join(work, "igny8.log"), "w")
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if call(base, "GET", "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            fail("igny8 serve did not become ready")
        status, body = call(base, "POST", "/api/v1/auth/register/",
                            body={"email": "wp@example.com", "password": "WordPress-Test-9", "first_name": "W"})
        check(status == 201, "signed up")
        token = body["data"]["access"]
        status, body = call(base, "POST", "/api/v1/auth/sites/", token, {"name": "Real WordPress"})
        check(status == 201, "site created")
        site = body["data"]["id"]

        def core(user, password):
            status, made = call(base, "POST", "/api/v1/integration/integrations/", token, {
                "site_id": site, "auth_mode": "application_password", "site_url": wp, "username": user,
                "app_password": password})
            check(status == 201, f"core connection saved for {user}")
            integration = made["data"]["id"]
            status, tested = call(base, "POST", f"/api/v1/integration/integrations/{integration}/test_connection/", token)
            check(status == 200, "connection test answered")
            call(base, "DELETE", f"/api/v1/integration/integrations/{integration}/", token)
            return tested["data"]

        result = core(env_file["WP_ADMIN_USER"], env_file["WP_ADMIN_APP_PASSWORD"])
        checks = {c["name"]: c for c in result["checks"]}
        check(result["connection_status"] == "connected", f"administrator: connected ({[c['detail'] for c in result['checks'] if not c['passed']]})")
        check(list(checks) == ["reachable", "wordpress", "rest_api", "credentials", "can_publish", "version", "post_types", "taxonomies"],
              f"administrator: every named check ran: {list(checks)}")
        check("WordPress 6." in checks["version"]["detail"] or "does not disclose" in checks["version"]["detail"],
              f"version: {checks['version']['detail']}")
        check("category" in checks["taxonomies"]["detail"] and "post" in checks["post_types"]["detail"],
              f"post types and taxonomies read: {checks['post_types']['detail']} / {checks['taxonomies']['detail']}")

        result = core(env_file["WP_SUBSCRIBER_USER"], env_file["WP_SUBSCRIBER_APP_PASSWORD"])
        checks = {c["name"]: c for c in result["checks"]}
        check(checks["credentials"]["passed"] and not checks["can_publish"]["passed"],
              f"subscriber: signed in but may not publish ({checks['can_publish']['detail']})")

        result = core(env_file["WP_ADMIN_USER"], "wrong wrong wrong wrong")
        checks = {c["name"]: c for c in result["checks"]}
        check(result["connection_status"] == "error" and not checks["credentials"]["passed"],
              f"wrong application password: {checks['credentials']['detail']}")

        status, made = call(base, "POST", "/api/v1/integration/integrations/", token,
                            {"site_id": site, "auth_mode": "bridge", "site_url": wp})
        check(status == 201 and made["data"]["bridge_key"], "bridge connection saved, key issued once")
        integration, key = made["data"]["id"], made["data"]["bridge_key"]
        setb = subprocess.run([LOCAL, "set-bridge", wp_dir, key, base], capture_output=True, text=True)
        check(setb.returncode == 0, "the key pasted into the plugin's settings")
        status, tested = call(base, "POST", f"/api/v1/integration/integrations/{integration}/test_connection/", token)
        check(tested["data"]["connection_status"] == "connected",
              f"bridge: connected ({[c['detail'] for c in tested['data']['checks']]})")
        status, _ = call(base, "PATCH", f"/api/v1/integration/integrations/{integration}/", token, {"rotate_bridge_key": True})
        status, tested = call(base, "POST", f"/api/v1/integration/integrations/{integration}/test_connection/", token)
        checks = {c["name"]: c for c in tested["data"]["checks"]}
        check(not checks["credentials"]["passed"], f"bridge after the key was rotated here: {checks['credentials']['detail']}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        subprocess.run([LOCAL, "destroy", wp_dir], capture_output=True)
    bridge = subprocess.run([os.path.join(HERE, "wordpress-bridge-check.sh")])
    if bridge.returncode != 0:
        fail("scripts/wordpress-bridge-check.sh failed")
    print("\nwordpress test passed")


if __name__ == "__main__":
    main()
