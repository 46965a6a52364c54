-- wrk script for bench/run.
--   wrk ... -s bench/wrk/report.lua <url> -- <paths file> [delay ms]
-- With a delay, each connection waits that long before each request (wrk's delay() hook): the soak's paced load.
-- Each request takes the next path of the file (each thread starts at its own offset), so every key is
-- asked in turn and no cache sees one hot key. Headers come from wrk's -H options.
-- done() prints one JSON line (and nothing else on that line):
--   {"requests":N,"durationSeconds":S,"requestsPerSecond":R,
--    "errors":{"connect":N,"read":N,"write":N,"timeout":N,"non2xx":N},
--    "latencyMs":{"p50":X,"p90":X,"p99":X,"max":X}}
-- non2xx counts every response outside 200-299 (wrk's own "status" error counts only >= 400).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  local file = args[1] and io.open(args[1], "r")
  if file then
    for line in file:lines() do
      if line ~= "" then paths[#paths + 1] = line end
    end
    file:close()
  end
  if #paths == 0 then paths[1] = wrk.path end
  -- Spread the threads over the list: thread k starts at k * n / 8 (wrk's id is set by setup()).
  index = ((id or 0) * math.floor(#paths / 8)) % #paths
  non2xx = 0
  pause = tonumber(args[2] or "0") or 0
end

function delay()
  return pause
end

function request()
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (tonumber(thread:get("non2xx")) or 0) end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationSeconds":%.3f,"requestsPerSecond":%.2f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"non2xx":%d},' ..
    '"latencyMs":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}}\n',
    summary.requests, seconds, seconds > 0 and summary.requests / seconds or 0,
    e.connect, e.read, e.write, e.timeout, bad,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
