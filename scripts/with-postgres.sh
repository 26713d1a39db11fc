#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on 127.0.0.1, then stop and remove it.
# Installs PostgreSQL from Debian's packages when the server binaries are missing.
# The command sees WORKBENCH_TEST_POSTGRES_URL (an admin URL to the cluster).
set -euo pipefail

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  echo "with-postgres: installing PostgreSQL (Debian package)..." >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  BINDIR=$(find_bindir)
fi

# PostgreSQL refuses to run as root: use the postgres account when we are root.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
  RUN_AS=(runuser -u postgres --)
fi

WORKDIR=$(mktemp -d /tmp/workbench-pg.XXXXXX)
chmod 755 "$WORKDIR"
DATA="$WORKDIR/data"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
[ "$(id -u)" -eq 0 ] && chown postgres "$WORKDIR"

cleanup() {
  "${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORKDIR"
}
trap cleanup EXIT INT TERM

"${RUN_AS[@]}" "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$DATA" -l "$WORKDIR/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $PORT -k $WORKDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
echo "with-postgres: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2

export WORKBENCH_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
export WORKBENCH_REQUIRE_POSTGRES=1
set +e
"$@"
status=$?
set -e
exit $status
