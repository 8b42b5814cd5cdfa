-- wrk script: POST the same envelope to the ingest route, as a browser would
-- (Content-Type and an allowed Origin). Usage:
--   wrk -s post_envelope.lua URL -- ENVELOPE_FILE ORIGIN
function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Origin"] = args[2]
end
