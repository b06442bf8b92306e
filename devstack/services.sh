#!/usr/bin/env bash
# Starts, stops and reports the local services the system and its tests need, without Docker:
# MariaDB (binlog ROW, server id: ready for Debezium) and Redis, on loopback ports.
#
#   devstack/services.sh up       install missing Debian packages (as root), start both, write secrets
#   devstack/services.sh down     stop what `up` started
#   devstack/services.sh restart mariadb|redis   stop one service and start it again (fault tests;
#                                 Redis comes back empty, as it has no persistence here)
#   devstack/services.sh stop mariadb|redis      stop one service (an outage, for fault tests; `up` ends it)
#   devstack/services.sh freeze|thaw redis   hang Redis (SIGSTOP) and let it go on (SIGCONT) (fault tests: open
#                                 connections stay open and every call times out, as with a hung server)
#   devstack/services.sh status   say what runs and where
#   devstack/services.sh env      print the export lines a shell or test run needs
#
# Settings (environment): COFFEE_HOME (state folder, default <repo>/.local), COFFEE_DB_PORT (3307),
# COFFEE_REDIS_PORT (6380). Passwords are generated once into $COFFEE_HOME/secrets.env (mode 600)
# unless already set in the environment; they never enter the repository.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COFFEE_HOME="${COFFEE_HOME:-$REPO/.local}"
DB_PORT="${COFFEE_DB_PORT:-3307}"
REDIS_PORT="${COFFEE_REDIS_PORT:-6380}"
DB_DIR="$COFFEE_HOME/mariadb"
REDIS_DIR="$COFFEE_HOME/redis"
SECRETS="$COFFEE_HOME/secrets.env"

log() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

ensure_packages() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  # The KPI report draws its charts with Java2D, which needs fontconfig and a font with Vietnamese glyphs.
  [ -n "$(fc-list 2>/dev/null | head -1)" ] || missing+=(fontconfig fonts-dejavu-core)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}"
  log "installing ${missing[*]} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

random_secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

ensure_secrets() {
  mkdir -p "$COFFEE_HOME"
  if [ ! -f "$SECRETS" ]; then
    umask 077
    {
      echo "COFFEE_DB_ADMIN_PASSWORD=${COFFEE_DB_ADMIN_PASSWORD:-$(random_secret)}"
      echo "COFFEE_APP_PASSWORD=${COFFEE_APP_PASSWORD:-$(random_secret)}"
      echo "COFFEE_BATCH_PASSWORD=${COFFEE_BATCH_PASSWORD:-$(random_secret)}"
      echo "COFFEE_CDC_PASSWORD=${COFFEE_CDC_PASSWORD:-$(random_secret)}"
    } > "$SECRETS"
    log "generated passwords in $SECRETS"
  fi
  # shellcheck disable=SC1090
  set -a; . "$SECRETS"; set +a
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

mariadb_up() {
  mkdir -p "$DB_DIR"
  cat > "$DB_DIR/my.cnf" <<CNF
[mysqld]
user=mysql
datadir=$DB_DIR/data
socket=$DB_DIR/mysqld.sock
pid-file=$DB_DIR/mysqld.pid
log-error=$DB_DIR/error.log
bind-address=127.0.0.1
port=$DB_PORT
# Debezium reads the binlog: row events with full images, and a server id.
server_id=1
log_bin=$DB_DIR/binlog/mariadb-bin
binlog_format=ROW
binlog_row_image=FULL
expire_logs_days=2
default-time-zone=+00:00
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb_flush_log_at_trx_commit=1
max_connections=300
CNF
  mkdir -p "$DB_DIR/binlog"
  chown -R mysql:mysql "$DB_DIR"
  # mariadbd runs as `mysql`: every folder above the datadir must be traversable.
  local d="$DB_DIR"; while [ "$d" != "/" ]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
  if pid_alive "$DB_DIR/mysqld.pid"; then log "MariaDB already runs on 127.0.0.1:$DB_PORT"; return 0; fi
  if [ ! -d "$DB_DIR/data/mysql" ]; then
    log "initialising MariaDB datadir $DB_DIR/data"
    mariadb-install-db --defaults-file="$DB_DIR/my.cnf" --skip-test-db >"$DB_DIR/install.log" 2>&1 \
      || die "mariadb-install-db failed, see $DB_DIR/install.log"
  fi
  start-stop-daemon --start --background --make-pidfile --pidfile "$DB_DIR/daemon.pid" \
    --exec /usr/sbin/mariadbd -- --defaults-file="$DB_DIR/my.cnf"
  for _ in $(seq 1 150); do
    mariadb --socket="$DB_DIR/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb --socket="$DB_DIR/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 \
    || die "MariaDB did not start; see $DB_DIR/error.log"
  # The admin account owns the schema and creates the least-privilege users (schemas/mysql/).
  mariadb --socket="$DB_DIR/mysqld.sock" -uroot <<SQL
CREATE USER IF NOT EXISTS 'coffee_admin'@'127.0.0.1' IDENTIFIED BY '${COFFEE_DB_ADMIN_PASSWORD}';
CREATE USER IF NOT EXISTS 'coffee_admin'@'localhost' IDENTIFIED BY '${COFFEE_DB_ADMIN_PASSWORD}';
ALTER USER 'coffee_admin'@'127.0.0.1' IDENTIFIED BY '${COFFEE_DB_ADMIN_PASSWORD}';
ALTER USER 'coffee_admin'@'localhost' IDENTIFIED BY '${COFFEE_DB_ADMIN_PASSWORD}';
GRANT ALL PRIVILEGES ON *.* TO 'coffee_admin'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'coffee_admin'@'localhost' WITH GRANT OPTION;
DELETE FROM mysql.global_priv WHERE User='';
FLUSH PRIVILEGES;
SQL
  log "MariaDB $(mariadbd --version | awk '{print $3}') on 127.0.0.1:$DB_PORT (binlog ROW)"
}

redis_up() {
  mkdir -p "$REDIS_DIR"
  if pid_alive "$REDIS_DIR/redis.pid"; then log "Redis already runs on 127.0.0.1:$REDIS_PORT"; return 0; fi
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "Redis did not start; see $REDIS_DIR/redis.log"
  log "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$REDIS_PORT"
}

stop_pidfile() {
  local name="$1" pidfile="$2"
  if pid_alive "$pidfile"; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 100); do pid_alive "$pidfile" || break; sleep 0.1; done
    log "stopped $name"
  fi
  rm -f "$pidfile"
}

print_env() {
  [ -f "$SECRETS" ] && cat "$SECRETS" | sed 's/^/export /'
  echo "export COFFEE_DB_HOST=127.0.0.1"
  echo "export COFFEE_DB_PORT=$DB_PORT"
  echo "export COFFEE_DB_ADMIN_USER=coffee_admin"
  echo "export COFFEE_REDIS_HOST=127.0.0.1"
  echo "export COFFEE_REDIS_PORT=$REDIS_PORT"
}

case "${1:-}" in
  up)
    ensure_packages
    ensure_secrets
    mariadb_up
    redis_up
    log "ready. Load the settings into your shell with: eval \"\$($0 env)\""
    ;;
  down)
    stop_pidfile Redis "$REDIS_DIR/redis.pid"
    stop_pidfile MariaDB "$DB_DIR/mysqld.pid"
    rm -f "$DB_DIR/daemon.pid"
    ;;
  restart)
    ensure_secrets
    case "${2:-}" in
      mariadb) stop_pidfile MariaDB "$DB_DIR/mysqld.pid"; rm -f "$DB_DIR/daemon.pid"; mariadb_up ;;
      redis) stop_pidfile Redis "$REDIS_DIR/redis.pid"; redis_up ;;
      *) echo "usage: $0 restart mariadb|redis" >&2; exit 2 ;;
    esac
    ;;
  stop)
    case "${2:-}" in
      mariadb) stop_pidfile MariaDB "$DB_DIR/mysqld.pid"; rm -f "$DB_DIR/daemon.pid" ;;
      redis) stop_pidfile Redis "$REDIS_DIR/redis.pid" ;;
      *) echo "usage: $0 stop mariadb|redis" >&2; exit 2 ;;
    esac
    ;;
  freeze|thaw)
    [ "${2:-}" = redis ] || { echo "usage: $0 $1 redis" >&2; exit 2; }
    pid_alive "$REDIS_DIR/redis.pid" || die "Redis does not run; start it with: $0 up"
    if [ "$1" = freeze ]; then
      kill -STOP "$(cat "$REDIS_DIR/redis.pid")"; log "Redis frozen (SIGSTOP): it accepts nothing until thaw"
    else
      kill -CONT "$(cat "$REDIS_DIR/redis.pid")"; log "Redis thawed (SIGCONT)"
    fi
    ;;
  status)
    if pid_alive "$DB_DIR/mysqld.pid"; then echo "mariadb  running  127.0.0.1:$DB_PORT  pid $(cat "$DB_DIR/mysqld.pid")"; else echo "mariadb  stopped"; fi
    if pid_alive "$REDIS_DIR/redis.pid"; then echo "redis    running  127.0.0.1:$REDIS_PORT  pid $(cat "$REDIS_DIR/redis.pid")"; else echo "redis    stopped"; fi
    ;;
  env) print_env ;;
  *) echo "usage: $0 up|down|restart mariadb|redis|stop mariadb|redis|freeze redis|thaw redis|status|env" >&2; exit 2 ;;
esac
