-- expire_past_days. ARGV: today (yyyymmdd), at (ms). Every WAITING ticket of a day before
-- today -> EXPIRED, each with its history entry; their waiting sets are dropped. Replies
-- {'ok', how many expired}.
local today, at = ARGV[1], ARGV[2]
local expired = 0
for _, member in ipairs(redis.call('SMEMBERS', K_WSETS)) do
  local day, svc = string.sub(member, 1, 8), string.sub(member, 10)
  if day < today then
    local wait = k_wait(day, svc)
    for _, id in ipairs(redis.call('ZRANGE', wait, 0, -1)) do
      local t = load(id)
      if t and t.state == 'WAITING' then
        redis.call('HSET', k_ticket(id), 'state', 'EXPIRED', 'ended_at', at)
        record(t, 'EXPIRED', at, false)
        expired = expired + 1
      end
    end
    redis.call('DEL', wait)
    redis.call('SREM', K_WSETS, member)
  end
end
return {'ok', expired}
