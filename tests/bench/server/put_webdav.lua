-- wrk script: the nginx baseline. PUT the same bytes to a fresh WebDAV path
-- per request (nginx writes each body to a file). Usage:
--   wrk -s put_webdav.lua URL -- ENVELOPE_FILE [PREFIX]
-- The names restart with every run: a run with the PREFIX of an earlier one
-- replaces its files, one with a new PREFIX creates files.
local counter = 0
local thread_tag = 0
function setup(thread)
  thread_tag = thread_tag + 1
  thread:set("tag", thread_tag)
end
function init(args)
  local file = assert(io.open(args[1], "rb"))
  body = file:read("*a")
  file:close()
  prefix = args[2] or ""
end
function request()
  counter = counter + 1
  return wrk.format("PUT", "/dav/" .. prefix .. "t" .. tag .. "-" .. counter .. ".env",
                    {["Content-Type"] = "application/octet-stream"}, body)
end
