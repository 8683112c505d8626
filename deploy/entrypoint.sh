#!/bin/sh
# The container's entrypoint, also run as is outside a container (tests/test_deploy.py).
#   web     migrate, then serve on 0.0.0.0:${SCHAKEL_PORT:-8000} (gunicorn, SCHAKEL_WEB_*)
#   worker  run jobs and the schedule (monitor release, digest, retention)
#   demo    keys, synthetic region and accounts in the data folder, then serve (no worker)
#   *       any other `schakel` command, e.g. `backup --out /backup`
set -eu
umask 077
command="${1:-web}"
[ "$#" -gt 0 ] && shift
port="${SCHAKEL_PORT:-8000}"
case "$command" in
  web)
    schakel migrate
    exec schakel serve --host 0.0.0.0 --port "$port" "$@"
    ;;
  worker)
    exec schakel worker --schedule "$@"
    ;;
  demo)
    exec schakel demo --host 0.0.0.0 --port "$port" --persons "${SCHAKEL_DEMO_PERSONS:-3000}" --no-worker "$@"
    ;;
  *)
    exec schakel "$command" "$@"
    ;;
esac
