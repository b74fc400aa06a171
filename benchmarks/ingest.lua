-- wrk script for webhook ingest: one signed body, a new X-Shopify-Webhook-Id per request
-- (the signature covers the body only), so every request is a new delivery to store.
-- The body, its HMAC and the shop come from the environment (BENCH_BODY_FILE, ...).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  local file = io.open(os.getenv("BENCH_BODY_FILE"), "rb")
  body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Shopify-Topic"] = "orders/updated"
  wrk.headers["X-Shopify-Hmac-Sha256"] = os.getenv("BENCH_HMAC")
  wrk.headers["X-Shopify-Shop-Domain"] = os.getenv("BENCH_SHOP")
  prefix = os.getenv("BENCH_RUN") .. "-" .. tid .. "-"
end

function request()
  counter = counter + 1
  wrk.headers["X-Shopify-Webhook-Id"] = prefix .. counter
  return wrk.format()
end

function done(summary, latency, requests)
  local p50 = latency:percentile(50) / 1000
  local p99 = latency:percentile(99) / 1000
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, p50, p99,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
