-- list_waiting. ARGV: day (yyyymmdd), service. Replies {'ok', fields...} in calling order,
-- each ticket's fields packed (see `packed`).
local reply = {'ok'}
for _, id in ipairs(redis.call('ZRANGE', k_wait(ARGV[1], ARGV[2]), 0, -1)) do
  local _, flat = load(id)
  if flat then reply[#reply + 1] = packed(flat) end
end
return reply
