-- transfer. ARGV: window, target service, to_front ('1' | '0'), the target's ranks of
-- normal, appointment and green_channel tickets, today (yyyymmdd), at (ms). The window's
-- CALLED or SERVING ticket -> WAITING in the target service. Replies {'ok', view} or
-- {'err', ...}. Events: a WindowChanged, then a QueueChanged of the target (today's waiting).
-- History: a TRANSFERRED entry for the leg in the old service; the next leg starts at `at`.
local no, target, to_front = ARGV[1], ARGV[2], ARGV[3] == '1'
local today, at = ARGV[7], ARGV[8]
local ranks = {
  normal = tonumber(ARGV[4]), appointment = tonumber(ARGV[5]), green_channel = tonumber(ARGV[6]),
}
local wkey = k_win(no)
local t = held(wkey)
if not t then return fail('window_empty') end
if t.state ~= 'CALLED' and t.state ~= 'SERVING' then
  return fail('ticket_state', t.number, t.state)
end
if t.service == target then return fail('same_service', t.number, target) end

-- By its place in time; to the front: just before the target's head.
local rank = ranks[t.priority] or ranks.normal
local key = rank * RANK_SPAN + tonumber(t.time_key)
if to_front then
  local first = redis.call('ZRANGE', k_wait(t.day, target), 0, 0, 'WITHSCORES')
  if #first > 0 then key = tonumber(first[2]) - 1 end
end

local tkey = k_ticket(t.id)
record(t, 'TRANSFERRED', at, t.state == 'SERVING')
redis.call('HSET', tkey, 'service', target, 'original_service', t.original_service or t.service,
  'state', 'WAITING', 'recall_count', 0, 'leg', tonumber(t.leg or '0') + 1, 'leg_at', at)
redis.call('HDEL', tkey, 'window', 'first_called_at', 'called_by')
redis.call('HDEL', wkey, 'current')
t.service = target
enqueue(t, key)
emit(at, ev_window(no), ev_queue(today, target))
remind_near(today, target, 0)
return {'ok', view(t.id)}
