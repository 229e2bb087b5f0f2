-- set_window. ARGV: window, command ('open' | 'pause' | 'close'), pause reason, at (ms).
-- Replies {'ok', window view}. Events: a WindowChanged when the state or the reason changed.
local no, command, reason, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local wkey = k_win(no)
local state = window_state(wkey)

-- The state and the pause reason ('' when none) as a board shows them.
local function shown(w)
  local s = w[1] or 'CLOSED'
  if s == 'PAUSED' then return s, w[2] or '' end
  return s, ''
end
local before_state, before_reason = shown(redis.call('HMGET', wkey, 'state', 'reason'))
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
redis.call('SET', K_OPENL, table.concat(redis.call('SMEMBERS', K_OPEN), ' '))
local after_state, after_reason = shown(redis.call('HMGET', wkey, 'state', 'reason'))
if after_state ~= before_state or after_reason ~= before_reason then emit(at, ev_window(no)) end
return {'ok', window_view(no)}
