-- wrk script: GET the URL's path, as a guest or as members in turn.
--
--   wrk -s read.lua URL                      a guest (no cookie)
--   wrk -s read.lua URL -- TOKENS COUNT      the first COUNT members of TOKENS
--                                            (lines "n email session csrf"),
--                                            one after another
--
-- The requests are built once in init(), so the guest and the members cost
-- wrk the same per request: only the cookie differs. Each thread starts at
-- its own place in the list, so no two threads send the same member at once.

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local requests = {}
local at = 0

function init(args)
  local path = wrk.path
  local file, count = args[1], tonumber(args[2] or "1000")
  if file == nil then
    requests[1] = wrk.format("GET", path)
    return
  end
  for line in io.lines(file) do
    local session, csrf = line:match("^%S+%s+%S+%s+(%S+)%s+(%S+)")
    requests[#requests + 1] = wrk.format("GET", path, {
      ["Cookie"] = "abide_session=" .. session .. "; abide_csrf=" .. csrf,
    })
    if #requests >= count then break end
  end
  at = (id * 7919) % #requests
end

function request()
  at = at % #requests + 1
  return requests[at]
end
