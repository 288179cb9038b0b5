-- A mixed crawl for wrk (bench/crawl.py): each connection cycles through the paths listed, one a line, in
-- the file given after "--", from its own starting point; the page cache's answers are tallied from the
-- X-Page-Cache header (hit or miss) or, through Varnish, its X-Cache header (HIT). Prints one JSON line: requests, latency percentiles, hits, misses.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(paths, line) end
  end
  position = (id * 7919) % #paths
  hits, misses = 0, 0
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  if headers["X-Page-Cache"] == "hit" or headers["X-Cache"] == "HIT" then
    hits = hits + 1
  else
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local hit_count, miss_count = 0, 0
  for _, thread in ipairs(threads) do
    hit_count = hit_count + thread:get("hits")
    miss_count = miss_count + thread:get("misses")
  end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, "p99_ms": %f, "errors": %d, ' ..
    '"hits": %d, "misses": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
      + summary.errors.status, hit_count, miss_count))
end
