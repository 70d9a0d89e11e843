-- POST pre-signed webhook deliveries in turn (wrk -s webhooks.lua URL -- FILE HOST PATH).
-- Each line of FILE is "<Stripe-Signature>\t<JSON body>", one distinct event per line.
local deliveries, host, path, next_delivery = {}, "localhost", "/", 0

function init(args)
  for line in io.lines(args[1]) do
    local signature, body = line:match("^([^\t]*)\t(.*)$")
    deliveries[#deliveries + 1] = { signature, body }
  end
  host = args[2] or host
  path = args[3] or path
end

function request()
  next_delivery = next_delivery % #deliveries + 1
  local delivery = deliveries[next_delivery]
  return wrk.format("POST", path, {
    ["Host"] = host,
    ["Content-Type"] = "application/json",
    ["Stripe-Signature"] = delivery[1],
  }, delivery[2])
end
