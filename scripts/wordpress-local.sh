#!/usr/bin/env bash
# A real, private WordPress on loopback for publishing tests (Debian's wordpress + PHP + MariaDB packages).
#
#   scripts/wordpress-local.sh up [DIR]        install packages when missing, then set up and start everything in DIR
#                                             (a new temp dir when omitted); idempotent; prints DIR/env
#   scripts/wordpress-local.sh down DIR        stop PHP and MariaDB (by their pid files); DIR is kept
#   scripts/wordpress-local.sh destroy DIR     down, then remove DIR
#   scripts/wordpress-local.sh stop-web DIR    stop only the web server (WordPress "goes away")
#   scripts/wordpress-local.sh start-web DIR   start it again on the same port
#   scripts/wordpress-local.sh set-bridge DIR KEY APP_URL   set the bridge plugin's API key and IGNY8 app URL
#   scripts/wordpress-local.sh env DIR         print DIR/env
#   scripts/wordpress-local.sh status DIR      say what runs
#
# DIR/env (KEY=VALUE, no quoting needed): WP_DIR WP_URL WP_ADMIN_USER WP_ADMIN_APP_PASSWORD WP_SUBSCRIBER_USER
# WP_SUBSCRIBER_APP_PASSWORD WP_BRIDGE_KEY WP_BRIDGE_APP_URL WP_DB_PORT WP_VERSION.
# Inputs for `up` (optional): WP_PORT (web port, default a free one), WP_BRIDGE_KEY, WP_BRIDGE_APP_URL.
#
# Nothing outside DIR is touched apart from the package install: the database is a private mariadbd (own datadir,
# socket and port, not the system service), WordPress a copy of /usr/share/wordpress with its own wp-config.php,
# served by `php -S 127.0.0.1:PORT` with scripts/wordpress/router.php. The bridge plugin comes from
# integrations/wordpress/igny8-bridge (copied in on every `up`, then activated), plus the test-only mu-plugin
# scripts/wordpress/mu-plugins/igny8-local-test.php that lets WordPress fetch images from loopback ports.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
PLUGIN_SRC=$REPO/integrations/wordpress/igny8-bridge
SUPPORT=$HERE/wordpress
PACKAGES=(wordpress php-cli php-mysql php-curl php-xml php-mbstring mariadb-server)

log() { printf '[wordpress-local] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_packages() {
  [ -f /usr/share/wordpress/wp-settings.php ] && [ -d /var/lib/wordpress/wp-content ] || return 0
  command -v php >/dev/null && command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null \
    && command -v mariadb >/dev/null || return 0
  local mods; mods=$(php -m 2>/dev/null | tr 'A-Z' 'a-z')
  for m in mysqli curl mbstring dom json; do grep -qx "$m" <<<"$mods" || return 0; done
  return 1
}

ensure_packages() {
  need_packages || return 0
  log "installing ${PACKAGES[*]}"
  [ "$(id -u)" = 0 ] || die "packages missing and not root: apt-get install ${PACKAGES[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/tmp/wordpress-local-apt.log 2>&1; then
    apt-get update >>/tmp/wordpress-local-apt.log 2>&1
    apt-get install -y --no-install-recommends "${PACKAGES[@]}" >>/tmp/wordpress-local-apt.log 2>&1 \
      || { tail -20 /tmp/wordpress-local-apt.log >&2; die "apt-get install failed"; }
  fi
  need_packages && die "packages installed but still incomplete"
  return 0
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null && return
  local p; while :; do p=$((20000 + RANDOM % 40000)); (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }; done
}

rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

paths() {
  D=$(cd "$1" && pwd)
  WP=$D/wp; DB=$D/db; RUN=$D/run; LOGS=$D/logs; STATE=$D/state
  SOCK=$DB/mysqld.sock
  [ ${#SOCK} -lt 100 ] || SOCK=/tmp/igny8-wp-$(printf '%s' "$D" | md5sum | cut -c1-12).sock
}

load_state() { [ -f "$STATE" ] || die "$D is not a wordpress-local folder (no state file)"; . "$STATE"; }

save_state() {
  cat >"$STATE" <<S
WP_PORT=$WP_PORT
DB_PORT=$DB_PORT
DB_PASSWORD=$DB_PASSWORD
WP_BRIDGE_KEY=$WP_BRIDGE_KEY
WP_BRIDGE_APP_URL=$WP_BRIDGE_APP_URL
S
  chmod 600 "$STATE"
}

write_config() {
  local salts="" k
  for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
    salts+="define( '$k', '$(rand_hex 32)' );"$'\n'
  done
  cat >"$WP/wp-config.php" <<C
<?php
// Written by scripts/wordpress-local.sh for a throw-away local test site.
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', '$DB_PASSWORD' );
define( 'DB_HOST', '127.0.0.1:$DB_PORT' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$salts
\$table_prefix = 'wp_';
define( 'WP_ENVIRONMENT_TYPE', 'local' ); // application passwords over plain http
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true ); // only this host and localhost (see WP_ACCESSIBLE_HOSTS)
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'FS_METHOD', 'direct' );
define( 'WP_DEBUG', true ); // logged, never displayed (it would corrupt JSON answers)
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', '$LOGS/wp-debug.log' );
define( 'WP_CONTENT_DIR', __DIR__ . '/wp-content' );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
C
}

make_site() {
  if [ ! -f "$WP/wp-settings.php" ]; then
    log "copying WordPress into $WP"
    rm -rf "$WP.tmp"
    cp -a /usr/share/wordpress "$WP.tmp"
    rm -rf "$WP.tmp/wp-content" "$WP.tmp/.htaccess" "$WP.tmp/wp-config.php"
    cp -a /var/lib/wordpress/wp-content "$WP.tmp/wp-content"
    if [ -d /usr/share/wordpress/wp-content/themes ]; then cp -a /usr/share/wordpress/wp-content/themes/. "$WP.tmp/wp-content/themes/"; fi
    mkdir -p "$WP.tmp/wp-content/uploads" "$WP.tmp/wp-content/mu-plugins"
    mv "$WP.tmp" "$WP"
  fi
  [ -f "$WP/wp-config.php" ] || write_config
  rm -rf "$WP/wp-content/plugins/igny8-bridge"
  cp -a "$PLUGIN_SRC" "$WP/wp-content/plugins/igny8-bridge"
  mkdir -p "$WP/wp-content/mu-plugins"
  cp "$SUPPORT/mu-plugins/igny8-local-test.php" "$WP/wp-content/mu-plugins/"
}

sql() { mariadb --no-defaults --socket="$SOCK" -uroot "$@"; }

start_db() {
  if alive "$DB/mariadbd.pid"; then return 0; fi
  mkdir -p "$DB"
  if [ ! -d "$DB/data/mysql" ]; then
    log "initialising MariaDB in $DB/data"
    rm -rf "$DB/data"
    mariadb-install-db --no-defaults --datadir="$DB/data" --user="$(id -un)" --auth-root-authentication-method=normal \
      --skip-test-db >"$LOGS/mariadb-install.log" 2>&1 || { tail -20 "$LOGS/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  fi
  log "starting mariadbd on 127.0.0.1:$DB_PORT"
  rm -f "$SOCK"
  setsid mariadbd --no-defaults --datadir="$DB/data" --socket="$SOCK" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --pid-file="$DB/mariadbd.pid" --log-error="$LOGS/mariadbd.log" --user="$(id -un)" --skip-name-resolve \
    --skip-log-bin --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 --max-connections=200 \
    </dev/null >/dev/null 2>&1 &
  local i
  for i in $(seq 1 300); do
    if sql -e 'SELECT 1' >/dev/null 2>&1 && [ -f "$DB/mariadbd.pid" ]; then break; fi
    sleep 0.1
  done
  sql -e 'SELECT 1' >/dev/null 2>&1 || { tail -20 "$LOGS/mariadbd.log" >&2; die "mariadbd did not start"; }
  sql <<SQL
CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'wp'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS 'wp'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL ON wordpress.* TO 'wp'@'127.0.0.1';
GRANT ALL ON wordpress.* TO 'wp'@'localhost';
SQL
}

web_up() { curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$WP_PORT/wp-json/" 2>/dev/null | grep -q '^200$'; }

start_web() {
  if alive "$RUN/php.pid"; then return 0; fi
  mkdir -p "$RUN"
  log "starting php -S 127.0.0.1:$WP_PORT"
  PHP_CLI_SERVER_WORKERS=${WP_PHP_WORKERS:-4} setsid php -d display_errors=0 -d log_errors=1 \
    -d error_log="$LOGS/php-error.log" -d memory_limit=256M -d post_max_size=64M -d upload_max_filesize=64M \
    -d max_execution_time=120 -S "127.0.0.1:$WP_PORT" -t "$WP" "$SUPPORT/router.php" \
    </dev/null >>"$LOGS/php.log" 2>&1 &
  echo $! >"$RUN/php.pid"
  local i
  for i in $(seq 1 200); do web_up && return 0; alive "$RUN/php.pid" || break; sleep 0.1; done
  tail -20 "$LOGS/php.log" >&2
  die "WordPress does not answer on http://127.0.0.1:$WP_PORT/wp-json/"
}

stop_pid() { # pidfile what [group]
  local f=$1 pid i
  alive "$f" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  log "stopping $2 (pid $pid)"
  if [ "${3:-}" = group ]; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  else kill -TERM "$pid" 2>/dev/null || true; fi
  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$2 ignored TERM; killing"
    if [ "${3:-}" = group ]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop_web() {
  stop_pid "$RUN/php.pid" "php -S" group
  local i; for i in $(seq 1 50); do web_up || return 0; sleep 0.1; done
  die "port $WP_PORT still answers after stopping php"
}

run_setup() {
  local old_admin="" old_sub="" out
  if [ -f "$D/env" ]; then
    old_admin=$(sed -n 's/^WP_ADMIN_APP_PASSWORD=//p' "$D/env")
    old_sub=$(sed -n 's/^WP_SUBSCRIBER_APP_PASSWORD=//p' "$D/env")
  fi
  out=$(WP_DIR="$WP" WP_URL="http://127.0.0.1:$WP_PORT" WP_ADMIN_USER=admin WP_SUBSCRIBER_USER=subscriber \
    WP_ADMIN_APP_PASSWORD="$old_admin" WP_SUBSCRIBER_APP_PASSWORD="$old_sub" \
    WP_BRIDGE_KEY="$WP_BRIDGE_KEY" WP_BRIDGE_APP_URL="$WP_BRIDGE_APP_URL" \
    php -d display_errors=stderr -d memory_limit=256M "$SUPPORT/setup.php" 2>>"$LOGS/setup.log") \
    || { tail -20 "$LOGS/setup.log" >&2; die "setup.php failed"; }
  {
    echo "WP_DIR=$D"
    grep -E '^WP_(URL|ADMIN_USER|ADMIN_APP_PASSWORD|SUBSCRIBER_USER|SUBSCRIBER_APP_PASSWORD)=' <<<"$out"
    echo "WP_BRIDGE_KEY=$WP_BRIDGE_KEY"
    echo "WP_BRIDGE_APP_URL=$WP_BRIDGE_APP_URL"
    echo "WP_DB_PORT=$DB_PORT"
    grep -E '^WP_VERSION=' <<<"$out"
  } >"$D/env.tmp"
  chmod 600 "$D/env.tmp"
  mv "$D/env.tmp" "$D/env"
}

cmd_up() {
  local t0=$SECONDS dir=${1:-}
  ensure_packages
  local t1=$SECONDS
  if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/igny8-wp.XXXXXX); fi
  mkdir -p "$dir"
  paths "$dir"
  mkdir -p "$LOGS" "$RUN" "$DB"
  local want_key=${WP_BRIDGE_KEY:-} want_app=${WP_BRIDGE_APP_URL-__unset__} want_port=${WP_PORT:-}
  if [ -f "$STATE" ]; then
    . "$STATE"
  else
    WP_PORT=${want_port:-$(free_port)}
    DB_PORT=$(free_port)
    DB_PASSWORD=$(rand_hex 16)
    WP_BRIDGE_KEY=$(rand_hex 24)
    WP_BRIDGE_APP_URL=""
  fi
  [ -n "$want_key" ] && WP_BRIDGE_KEY=$want_key
  [ "$want_app" != __unset__ ] && WP_BRIDGE_APP_URL=$want_app
  if [ -n "$want_port" ] && [ "$want_port" != "$WP_PORT" ]; then
    alive "$RUN/php.pid" && die "WordPress in $D already runs on port $WP_PORT"
    WP_PORT=$want_port
  fi
  save_state
  make_site
  start_db
  run_setup
  start_web
  log "up in $((SECONDS - t1)) s (packages: $((t1 - t0)) s): $D"
  cat "$D/env"
}

cmd_set_bridge() {
  [ $# -ge 3 ] || die "usage: set-bridge DIR KEY APP_URL"
  paths "$1"; load_state
  WP_BRIDGE_KEY=$2; WP_BRIDGE_APP_URL=$3
  save_state
  alive "$DB/mariadbd.pid" || die "the database in $D is not running (run up first)"
  run_setup
  cat "$D/env"
}

cmd=${1:-}; shift || true
case "$cmd" in
  up) cmd_up "$@" ;;
  down) [ $# -ge 1 ] || die "usage: down DIR"; paths "$1"
        stop_pid "$RUN/php.pid" "php -S" group; stop_pid "$DB/mariadbd.pid" mariadbd ;;
  destroy) [ $# -ge 1 ] || die "usage: destroy DIR"; [ -d "$1" ] || exit 0; paths "$1"
        stop_pid "$RUN/php.pid" "php -S" group; stop_pid "$DB/mariadbd.pid" mariadbd
        [ -f "$STATE" ] || die "$D has no state file; not removing it"
        rm -f "$SOCK"; rm -rf "$D" ;;
  stop-web) [ $# -ge 1 ] || die "usage: stop-web DIR"; paths "$1"; load_state; stop_web ;;
  start-web) [ $# -ge 1 ] || die "usage: start-web DIR"; paths "$1"; load_state
        alive "$DB/mariadbd.pid" || die "the database in $D is not running (run up first)"; start_web ;;
  set-bridge) cmd_set_bridge "$@" ;;
  env) [ $# -ge 1 ] || die "usage: env DIR"; paths "$1"; cat "$D/env" ;;
  status) [ $# -ge 1 ] || die "usage: status DIR"; paths "$1"; load_state
        if alive "$DB/mariadbd.pid"; then echo "mariadbd: running (pid $(cat "$DB/mariadbd.pid"), port $DB_PORT)"; else echo "mariadbd: stopped"; fi
        if alive "$RUN/php.pid"; then echo "web: running (pid $(cat "$RUN/php.pid"), http://127.0.0.1:$WP_PORT)"; else echo "web: stopped"; fi ;;
  *) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
