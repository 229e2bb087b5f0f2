-- cancel_ticket. ARGV: ticket id, at (ms), today (yyyymmdd). WAITING -> CANCELLED.
-- Events: a QueueChanged of the ticket's service (today's waiting).
local id, at, today = ARGV[1], ARGV[2], ARGV[3]
local t = load(id)
if not t then return fail('not_found', id) end
if t.state ~= 'WAITING' then return fail('ticket_state', t.number, t.state) end
dequeue(t)
redis.call('HSET', k_ticket(id), 'state', 'CANCELLED', 'ended_at', at)
record(t, 'CANCELLED', at, false)
emit(at, ev_queue(today, t.service))
remind_near(today, t.service, 0)
return {'ok', view(id)}
