# Sourced by the ingest-server benchmarks (bench-server, bench-server-ab,
# bench-capacity, soak): a throw-away project to send reports to, and the
# port checks around the servers they start.

# bench_project CLI DATA_DIR NAME ORIGIN: creates the project (its secret key
# in DATA_DIR.secret) and sets $project and $public_key.
bench_project() {
  local json
  json=$("$1" project create --data-dir "$2" --name "$3" --origin "$4" --secret-key-out "$2.secret" --json)
  read -r project public_key < <(node -e 'const p = JSON.parse(process.argv[1]).project; console.log(p.id, p.public_key)' "$json")
}

# bench_lift_quotas CLI DATA_DIR PROJECT: the default quotas (1,000 reports a
# day) would answer 429 within a second of a load test, which measures the
# server, not the quotas.
bench_lift_quotas() {
  "$1" project set-quota --data-dir "$2" --project "$3" --daily-submissions 1000000000 \
    --daily-bytes 1000000000000 --stored-bytes 1000000000000 >/dev/null
}

# port_free HOST PORT: fails, saying so, when something already listens there
# (a server left over from another run would answer in place of the new one).
port_free() {
  if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then
    echo "$(basename "$0"): port $2 is taken (a server left over from another run?)" >&2
    return 1
  fi
}

# wait_port HOST PORT: until something answers there, at most 10 s.
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.1; done
  echo "$(basename "$0"): nothing listening on $1:$2" >&2
  return 1
}
