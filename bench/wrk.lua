-- One benchmark scenario for wrk (core/management/commands/benchmark.py runs it).
-- Environment: BENCH_METHOD (GET), BENCH_BODY (a form body; each "{uuid}" in it becomes
-- a fresh random UUID per request), BENCH_HEADERS ("Name: value" lines) and BENCH_OUT,
-- the file that receives the results as JSON.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local out = os.getenv("BENCH_OUT")
local headers = {}
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

function init(args)
  -- Each thread has its own Lua state: seed each differently, or they repeat each other.
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

local function hex(digits)
  local parts = {}
  for i = 1, digits do parts[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(parts)
end

local function uuid()
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
end

function request()
  local this_body = body
  if this_body and this_body:find("{uuid}", 1, true) then
    this_body = this_body:gsub("{uuid}", uuid())
  end
  return wrk.format(method, nil, headers, this_body)
end

function done(summary, latency, requests)
  local file = assert(io.open(out, "w"))
  file:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
  file:close()
end
