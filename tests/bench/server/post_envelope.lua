-- wrk script: POST the same envelope to the ingest route, as a browser would
-- (Content-Type and an allowed Origin). With a third argument "keyed", every
-- request also carries a fresh Idempotency-Key, as the widget sends one (the
-- server then hashes each body to tell retries from new reports). Usage:
--   wrk -s post_envelope.lua URL -- ENVELOPE_FILE ORIGIN [keyed]
--
-- Every request is a new string in both modes, as in put_webdav.lua (a fresh
-- path per PUT): without a key it carries a fresh X-Bench-Request header
-- instead, which the server ignores. wrk's LuaJIT interns strings, so a
-- request identical to the last one costs the client nothing while a
-- different 200 KB string is allocated, hashed and collected each time; on
-- this 2-core machine that client work alone took the keyed run from ~310 to
-- ~170 requests/s (docs/benchmarks.md, "Ingest server"). Equal client work in
-- every run leaves the server as the only difference.
--
-- Keys sort by the time they were made, as the widget's do (UUIDv7,
-- widget-js/src/app/widget.js): seconds, then thread, then a zero-padded count.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local header = "X-Bench-Request"
local sent = 0
function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Origin"] = args[2]
  if args[3] == "keyed" then header = "Idempotency-Key" end
end

function request()
  sent = sent + 1
  wrk.headers[header] = string.format("bench-%010d-%d-%09d", os.time(), thread_id or 0, sent)
  return wrk.format()
end
