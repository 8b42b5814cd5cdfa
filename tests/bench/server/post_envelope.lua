-- wrk script: POST the same envelope to the ingest route, as a browser would
-- (Content-Type and an allowed Origin). With a third argument "keyed", every
-- request also carries a fresh Idempotency-Key, as the widget sends one (the
-- server then hashes each body to tell retries from new reports). Usage:
--   wrk -s post_envelope.lua URL -- ENVELOPE_FILE ORIGIN [keyed]
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local keyed = false
local sent = 0
function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Origin"] = args[2]
  keyed = args[3] == "keyed"
end

function request()
  if not keyed then return wrk.format() end
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), thread_id or 0, sent)
  return wrk.format()
end
