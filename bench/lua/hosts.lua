-- GET one path on many hosts in turn (wrk -s hosts.lua URL -- HOSTS_FILE PATH):
-- every request names the next account's domain, as traffic from many accounts would.
local hosts, path, next_host = {}, "/", 0

function init(args)
  for line in io.lines(args[1]) do
    hosts[#hosts + 1] = line
  end
  path = args[2] or path
end

function request()
  next_host = next_host % #hosts + 1
  return wrk.format("GET", path, { ["Host"] = hosts[next_host] })
end
