-- requeue. ARGV: ticket id, today (yyyymmdd), ms_of_day, at (ms), then service facts (see
-- service_facts). NO_SHOW or CALLED of today -> WAITING, requeue_offset places from the front.
-- Replies {'ok', view}, {'retry', service} when the facts of the ticket's service were not
-- passed, or {'err', ...}. Events: a WindowChanged of the window that let a CALLED ticket go,
-- then a QueueChanged of the ticket's service.
local id, today, ms, at = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local t = load(id)
if not t then return fail('not_found', id) end
local facts = service_facts(ARGV, 5, t.service)
if not facts then return {'retry', t.service} end
if t.day ~= today then return fail('other_day', t.number, t.day) end
if t.state ~= 'NO_SHOW' and t.state ~= 'CALLED' then
  return fail('ticket_state', t.number, t.state)
end
local done = tonumber(t.requeue_count or '0')
if done >= facts.requeue_limit then return fail('requeue_limit', t.number, facts.requeue_limit) end

-- With the waiting keys k[0] < k[1] < ... of its service: n = 0 -> k[0] - 1; fewer than
-- n + 1 waiting -> the last key + 1; else halfway between k[n-1] and k[n].
local n = facts.requeue_offset
local keys = redis.call('ZRANGE', k_wait(t.day, t.service), 0, n, 'WITHSCORES')
local key
if #keys == 0 then
  local rank = facts.rank[t.priority] or facts.rank.normal
  key = rank * RANK_SPAN + ms * 1000 + seq_of(t.number) % 1000
elseif n == 0 then
  key = tonumber(keys[2]) - 1
elseif #keys < 2 * (n + 1) then
  key = tonumber(keys[#keys]) + 1
else
  key = (tonumber(keys[2 * n]) + tonumber(keys[2 * n + 2])) / 2
end

local let_go
if t.state == 'CALLED' and t.window then
  local wkey = k_win(t.window)
  if redis.call('HGET', wkey, 'current') == id then
    redis.call('HDEL', wkey, 'current')
    let_go = t.window
  end
end
redis.call('HSET', k_ticket(id), 'state', 'WAITING', 'requeue_count', done + 1)
redis.call('HDEL', k_ticket(id), 'window', 'ended_at')
enqueue(t, key)
if let_go then
  emit(at, ev_window(let_go), ev_queue(today, t.service))
else
  emit(at, ev_queue(today, t.service))
end
remind_near(today, t.service, 0)
return {'ok', view(id)}
