-- wrk script: GET /api/search with each query of a file in turn (one
-- URL-encoded query per line), each thread starting at its own place.
--
--   wrk -s queries.lua URL -- QUERIES_FILE

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local requests = {}
local at = 0

function init(args)
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", "/api/search?q=" .. line)
  end
  at = (id or 0) * 97 % #requests
end

function request()
  at = at % #requests + 1
  return requests[at]
end
