#!/usr/bin/env bash
# Vitrina against a real Zabbix 6.0 server and frontend, end to end.
#
# Installs Debian 12's Zabbix 6.0 packages when they are missing, loads a throwaway Zabbix
# database into the local PostgreSQL, runs zabbix_server, php-fpm and nginx on 127.0.0.1
# only, and runs the ignored Rust tests crates/vitrina/tests/zabbix_e2e.rs against them.
# Everything this script starts is stopped when it ends, also on failure or Ctrl-C.
#
# With CI=true a Zabbix that cannot be installed or started fails the run; without it this
# script prints why and exits 0.
#
# Environment:
#   CI                   "true" makes every step mandatory
#   PGHOST, PGPORT       the PostgreSQL server for the Zabbix database [127.0.0.1, 5432]
#   PGUSER, PGPASSWORD   a role that may create databases [postgres, none]; as root, the
#                        vitrina_ci role of .ci/run when that one may not sign in over TCP
#   ZABBIX_E2E_KEEP      "true" keeps the run directory and the database after a success

set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
ci="${CI:-false}"
started=$(date +%s)

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"
export PGPASSWORD="${PGPASSWORD:-}"
export PGOPTIONS="${PGOPTIONS:---client-min-messages=warning}"
database="vitrina_e2e_zabbix"
schema_dir="/usr/share/zabbix-server-pgsql"
frontend_dir="/usr/share/zabbix"
frontend_config="/etc/zabbix/zabbix.conf.php"
packages=(zabbix-server-pgsql zabbix-frontend-php php-fpm php-pgsql nginx-light zabbix-agent)

run_dir=""
pids=()
frontend_config_backup=""
policy_rc_created=0
succeeded=0

log() {
    echo "zabbix e2e: $*"
}

# Fails with CI=true, or else explains why the suite is skipped and exits 0.
unavailable() {
    if [ "$ci" = "true" ]; then
        echo "error: $*; with CI=true the Zabbix end-to-end suite may not be skipped" >&2
        exit 1
    fi
    log "skipped: $*"
    exit 0
}

# Stops every process this script started, restores the frontend configuration it replaced
# and, after a success, removes the run directory and the database.
cleanup() {
    local status=$?
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done

    for pid in "${pids[@]}"; do
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done

    if [ -n "$frontend_config_backup" ]; then
        mv -f "$frontend_config_backup" "$frontend_config"
    elif [ -n "$run_dir" ] && [ -f "$frontend_config" ] && grep -q "$run_dir" "$frontend_config"; then
        rm -f "$frontend_config"
    fi
    if [ "$policy_rc_created" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
    fi

    if [ -n "$run_dir" ]; then
        if [ "$succeeded" = 1 ] && [ "${ZABBIX_E2E_KEEP:-false}" != "true" ]; then
            rm -rf "$run_dir"
            psql -w -q -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
                >/dev/null 2>&1 || true
        else
            log "logs and configuration kept in $run_dir, database $database kept"
            if [ -f "$run_dir/zabbix/zabbix_server.log" ]; then
                echo "--- last lines of the Zabbix server log ---"
                tail -n 40 "$run_dir/zabbix/zabbix_server.log"
            fi
        fi
    fi
    log "finished in $(($(date +%s) - started)) s"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Install --------------------------------------------------------------------------------

missing_packages() {
    local package
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            echo "$package"
        fi
    done
}

# Installs the missing packages without starting their services: Debian's nginx would
# otherwise listen on 0.0.0.0:80, and zabbix-server would try its default database.
install_packages() {
    local missing
    missing=$(missing_packages)
    [ -z "$missing" ] && return 0
    log "installing $(echo "$missing" | tr '\n' ' ')"
    command -v apt-get >/dev/null || return 1
    [ "$(id -u)" = 0 ] || return 1
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_rc_created=1
    fi
    # Another apt run may hold the dpkg lock, so wait up to 10 minutes for it.
    apt-get -o DPkg::Lock::Timeout=600 update -qq || return 1
    # shellcheck disable=SC2086 # one package name per word
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends $missing >/dev/null || return 1
    if [ "$policy_rc_created" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
        policy_rc_created=0
    fi
}

php_fpm_binary() {
    compgen -G "/usr/sbin/php-fpm*" | sort -V | tail -n 1
}

# --- Ports and readiness --------------------------------------------------------------------

port_in_use() {
    [ -n "$(ss -Hltn "sport = :$1")" ]
}

# Prints the first free TCP port from $1 on.
free_port() {
    local port="$1"
    while port_in_use "$port"; do
        port=$((port + 1))
    done
    echo "$port"
}

# Waits up to $1 seconds for the command in the remaining arguments to succeed.
wait_until() {
    local seconds="$1"
    shift
    local deadline=$(($(date +%s) + seconds))
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

api_answers() {
    curl -fsS -H 'Content-Type: application/json-rpc' \
        -d '{"jsonrpc":"2.0","method":"apiinfo.version","params":[],"id":1}' \
        "http://127.0.0.1:$frontend_port/api_jsonrpc.php" | grep -q '"result"'
}

server_started() {
    port_in_use "$server_port" &&
        grep -q "server #0 started" "$run_dir/zabbix/zabbix_server.log"
}

# --- Database -------------------------------------------------------------------------------

# Makes sure $PGUSER may sign in over TCP. A fresh Debian server trusts no TCP login, so as
# root this falls back to the password role that .ci/run creates, made as the postgres user.
choose_database_role() {
    if psql -w -q -tA -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
        return 0
    fi
    [ "$(id -u)" = 0 ] && command -v runuser >/dev/null || return 1
    runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD \
        psql -q -p "$PGPORT" -v ON_ERROR_STOP=1 <<'SQL' >/dev/null || return 1
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vitrina_ci') THEN
        CREATE ROLE vitrina_ci LOGIN CREATEDB PASSWORD 'vitrina_ci';
    END IF;
END $$;
SQL
    export PGUSER=vitrina_ci PGPASSWORD=vitrina_ci
    psql -w -q -tA -d postgres -c 'SELECT 1' >/dev/null 2>&1
}

create_database() {
    psql -w -q -d postgres -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
        -c "CREATE DATABASE $database ENCODING 'UTF8' TEMPLATE template0" >/dev/null || return 1
    local part
    for part in schema images data; do
        { echo "SET synchronous_commit = off;"; zcat "$schema_dir/$part.sql.gz"; } |
            psql -w -q -v ON_ERROR_STOP=1 -d "$database" >/dev/null || return 1
    done
}

# --- Configuration --------------------------------------------------------------------------

write_server_config() {
    mkdir -p "$run_dir/zabbix"
    chown zabbix: "$run_dir/zabbix" 2>/dev/null || true
    cat >"$run_dir/zabbix_server.conf" <<EOF
LogFile=$run_dir/zabbix/zabbix_server.log
LogFileSize=0
PidFile=$run_dir/zabbix/zabbix_server.pid
SocketDir=$run_dir/zabbix
ListenIP=127.0.0.1
ListenPort=$server_port
DBHost=$PGHOST
DBPort=$PGPORT
DBName=$database
DBUser=$PGUSER
DBPassword=$PGPASSWORD
StartPollers=1
StartPollersUnreachable=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartHistoryPollers=1
StartODBCPollers=0
StartProxyPollers=0
StartPreprocessors=1
StartDBSyncers=2
StartTrappers=2
StartAlerters=3
StartLLDProcessors=1
StartEscalators=1
CacheUpdateFrequency=10
Timeout=10
EOF
}

write_frontend_config() {
    if [ -f "$frontend_config" ]; then
        cp -p "$frontend_config" "$run_dir/zabbix.conf.php.before" || return 1
        frontend_config_backup="$run_dir/zabbix.conf.php.before"
    fi
    cat >"$frontend_config" <<EOF || return 1
<?php
// Written by Vitrina's tests/e2e/zabbix.sh for the run in $run_dir; removed when it ends.
\$DB['TYPE']           = 'POSTGRESQL';
\$DB['SERVER']         = '$PGHOST';
\$DB['PORT']           = '$PGPORT';
\$DB['DATABASE']       = '$database';
\$DB['USER']           = '$PGUSER';
\$DB['PASSWORD']       = '$PGPASSWORD';
\$DB['SCHEMA']         = '';
\$DB['ENCRYPTION']     = false;
\$DB['KEY_FILE']       = '';
\$DB['CERT_FILE']      = '';
\$DB['CA_FILE']        = '';
\$DB['VERIFY_HOST']    = false;
\$DB['CIPHER_LIST']    = '';
\$DB['VAULT_URL']      = '';
\$DB['VAULT_DB_PATH']  = '';
\$DB['VAULT_TOKEN']    = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER           = '127.0.0.1';
\$ZBX_SERVER_PORT      = '$server_port';
\$ZBX_SERVER_NAME      = 'Vitrina e2e';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
    chmod 644 "$frontend_config"
}

write_php_fpm_config() {
    cat >"$run_dir/php-fpm.conf" <<EOF
[global]
pid = $run_dir/php-fpm.pid
error_log = $run_dir/php-fpm.log
daemonize = no

[zabbix]
user = www-data
group = www-data
listen = $run_dir/php-fpm.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = 4
php_admin_value[memory_limit] = 256M
php_admin_value[post_max_size] = 16M
php_admin_value[max_execution_time] = 300
php_admin_value[max_input_time] = 300
php_admin_value[date.timezone] = UTC
EOF
}

write_nginx_config() {
    mkdir -p "$run_dir/nginx"
    chown www-data: "$run_dir/nginx" 2>/dev/null || true
    cat >"$run_dir/nginx.conf" <<EOF
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log;
user www-data;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $run_dir/nginx-access.log;
    client_body_temp_path $run_dir/nginx/body;
    fastcgi_temp_path $run_dir/nginx/fastcgi;
    proxy_temp_path $run_dir/nginx/proxy;
    uwsgi_temp_path $run_dir/nginx/uwsgi;
    scgi_temp_path $run_dir/nginx/scgi;
    server {
        listen 127.0.0.1:$frontend_port;
        root $frontend_dir;
        index index.php;
        client_max_body_size 16m;
        location ~ \.php\$ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_read_timeout 300;
            fastcgi_pass unix:$run_dir/php-fpm.sock;
        }
    }
}
EOF
}

# --- Start ----------------------------------------------------------------------------------

start_zabbix() {
    # The servers must not inherit the lock on descriptor 9.
    /usr/sbin/zabbix_server -f -c "$run_dir/zabbix_server.conf" \
        >"$run_dir/zabbix_server.out" 2>&1 9>&- &
    pids+=("$!")
    "$(php_fpm_binary)" -F -y "$run_dir/php-fpm.conf" >"$run_dir/php-fpm.out" 2>&1 9>&- &
    pids+=("$!")
    /usr/sbin/nginx -c "$run_dir/nginx.conf" -e "$run_dir/nginx-error.log" \
        -g 'daemon off;' >"$run_dir/nginx.out" 2>&1 9>&- &
    pids+=("$!")

    wait_until 120 api_answers || return 1
    wait_until 120 server_started || return 1
}

# --- Run ------------------------------------------------------------------------------------

if ! install_packages; then
    unavailable "the Zabbix 6.0 packages (${packages[*]}) could not be installed; run as root on Debian 12"
fi
missing=$(missing_packages)
[ -z "$missing" ] || unavailable "packages still missing: $missing"
for tool in psql pg_isready ss curl flock cargo; do
    command -v "$tool" >/dev/null || unavailable "$tool is not installed"
done
pg_isready -q || unavailable "no PostgreSQL server answers at $PGHOST:$PGPORT"
choose_database_role ||
    unavailable "PostgreSQL at $PGHOST:$PGPORT rejects $PGUSER; set PGUSER and PGPASSWORD to a role that may create databases"
cargo nextest --version >/dev/null 2>&1 || unavailable "cargo-nextest is not installed"

# Runs share the database name and /etc/zabbix/zabbix.conf.php, so one runs at a time.
exec 9>"${TMPDIR:-/tmp}/vitrina-e2e-zabbix.lock"
if ! flock -n 9; then
    log "waiting for another run of this suite to finish"
    flock 9
fi

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/vitrina-e2e-zabbix.XXXXXX")
chmod 755 "$run_dir"
server_port=$(free_port 10051)
frontend_port=$(free_port 8091)

log "loading the Zabbix schema into database $database"
create_database || unavailable "the Zabbix database $database could not be created on $PGHOST:$PGPORT"
log "database loaded after $(($(date +%s) - started)) s"
write_server_config
write_frontend_config || unavailable "cannot write $frontend_config, which the Zabbix frontend reads; run as root"
write_php_fpm_config
write_nginx_config

log "starting zabbix_server on 127.0.0.1:$server_port and the frontend on 127.0.0.1:$frontend_port"
start_zabbix || unavailable "Zabbix did not start; see the logs in $run_dir"
log "Zabbix is up after $(($(date +%s) - started)) s"

export ZABBIX_E2E_URL="http://127.0.0.1:$frontend_port/"
export ZABBIX_E2E_SERVER_CONFIG="$run_dir/zabbix_server.conf"
export ZABBIX_E2E_TRAPPER="127.0.0.1:$server_port"
# --no-capture shows each step's time as it passes and makes nextest run the tests one at a
# time. They need that because each points the one Vitrina media type at its own Vitrina.
cargo nextest run -p vitrina --locked --run-ignored only --no-fail-fast --no-capture \
    -E 'test(/zabbix_e2e/)'
succeeded=1
