-- cancel_ticket. ARGV: ticket id, at (ms). WAITING -> CANCELLED.
local id, at = ARGV[1], ARGV[2]
local t = load(id)
if not t then return fail('not_found', id) end
if t.state ~= 'WAITING' then return fail('ticket_state', t.number, t.state) end
dequeue(t)
redis.call('HSET', k_ticket(id), 'state', 'CANCELLED', 'ended_at', at)
return {'ok', view(id)}
