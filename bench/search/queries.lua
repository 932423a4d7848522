-- wrk script: GET /api/search with each query of a file in turn (one
-- URL-encoded query per line), each thread starting at its own place.
--
--   wrk -s queries.lua URL -- QUERIES_FILE [unique]
--
-- With `unique`, every request also says `to=` a day far in the future, a
-- different one each time: the filter keeps every entry (nothing is
-- published after today), so each request does the same work as without
-- it, but none is the same request as another, and none is answered from
-- the server's kept answers.

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local requests = {}
local at = 0
local unique = false
local sent = 0
-- 2030-01-01 00:00 UTC
local base = 1893456000

function init(args)
  for line in io.lines(args[1]) do
    requests[#requests + 1] = "/api/search?q=" .. line
  end
  unique = args[2] == "unique"
  at = (id or 0) * 97 % #requests
end

function request()
  at = at % #requests + 1
  local path = requests[at]
  if unique then
    -- Two threads: odd and even days, never the same request twice (2.5
    -- million days: years 2030 to about 8900).
    sent = sent + 1
    local day = (sent * 2 + (id or 0)) % 2500000
    path = path .. "&to=" .. os.date("!%Y-%m-%d", base + day * 86400)
  end
  return wrk.format("GET", path)
end
