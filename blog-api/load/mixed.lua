-- A mixed read/write workload for `wrk` against blog-api: 70 % post pages (half of them the second
-- page, through the cursor of the first), 10 % user with stats, 10 % popular tags, 10 % notification
-- writes (one per request, with a unique id, counted from the 201 answers' bodies).

local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  acked = 0
  failed = 0
  seq = 0
  math.randomseed(os.time() + tid * 7919)
end

local cursor = nil

function request()
  local r = math.random(100)
  if r <= 35 then
    return wrk.format("GET", "/posts?limit=10")
  elseif r <= 70 then
    if cursor then
      return wrk.format("GET", "/posts?limit=10&cursor=" .. cursor)
    end
    return wrk.format("GET", "/posts?limit=10")
  elseif r <= 80 then
    return wrk.format("GET", string.format("/users/user_%04d", math.random(0, 10)))
  elseif r <= 90 then
    return wrk.format("GET", "/tags/popular?limit=10")
  else
    seq = seq + 1
    local body = string.format(
      '[{"id":"load_%d_%d_%d","recipient_id":"user_%04d","kind":"system","title":"load","message":"m"}]',
      tid, os.time(), seq, math.random(0, 10))
    return wrk.format("POST", "/notifications", {["Content-Type"] = "application/json"}, body)
  end
end

function response(status, headers, body)
  if status >= 400 then
    failed = failed + 1
  end
  -- Requests and responses interleave over the thread's connections: a write is known by its
  -- answer's body.
  if status == 201 then
    local n = string.match(body, '^{"created":(%d+)}$')
    if n then acked = acked + tonumber(n) end
  end
  if not cursor and status == 200 then
    local c = string.match(body, '"next_cursor":"([^"]+)"')
    if c then cursor = c end
  end
end

function done(summary, latency, requests)
  local a, f = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    f = f + t:get("failed")
  end
  io.write(string.format("acknowledged_writes=%d\nerror_responses=%d\n", a, f))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("p%d_ms=%.2f\n", p, latency:percentile(p) / 1000))
  end
end
