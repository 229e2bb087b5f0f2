-- services. ARGV: day (yyyymmdd), then the service ids of the layout.
-- Replies {'ok', open windows, {waiting, issued today, average ms or ''}...}.
local day = ARGV[1]
local reply = {'ok', redis.call('SMEMBERS', K_OPEN)}
for i = 2, #ARGV do
  local svc = ARGV[i]
  reply[#reply + 1] = {
    redis.call('ZCARD', k_wait(day, svc)),
    tonumber(redis.call('GET', k_count(day, svc)) or '0'),
    redis.call('HGET', k_svc(svc), 'avg') or '',
  }
end
return reply
