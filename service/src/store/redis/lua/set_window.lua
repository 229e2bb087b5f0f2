-- set_window. ARGV: window, command ('open' | 'pause' | 'close'), pause reason.
-- Replies {'ok', window view}.
local no, command, reason = ARGV[1], ARGV[2], ARGV[3]
local wkey = k_win(no)
local state = window_state(wkey)
if command == 'open' then
  redis.call('HSET', wkey, 'state', 'OPEN')
  redis.call('HDEL', wkey, 'reason')
  redis.call('SADD', K_OPEN, no)
elseif command == 'pause' then
  if state == 'CLOSED' then return fail('pause_closed') end
  redis.call('HSET', wkey, 'state', 'PAUSED', 'reason', reason)
  redis.call('SREM', K_OPEN, no)
else
  local t = held(wkey)
  if t then return fail('window_busy', t.number, t.state) end
  redis.call('HSET', wkey, 'state', 'CLOSED')
  redis.call('HDEL', wkey, 'reason')
  redis.call('SREM', K_OPEN, no)
end
return {'ok', window_view(no)}
