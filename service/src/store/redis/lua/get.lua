-- get_ticket. ARGV: ticket id. Replies {'ok', view} or {'err', 'not_found', id}.
local id = ARGV[1]
if redis.call('EXISTS', k_ticket(id)) == 0 then return fail('not_found', id) end
return {'ok', view(id)}
