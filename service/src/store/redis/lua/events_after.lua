-- events_after. ARGV: the event id after which to read, at most how many. Replies
-- {'ok', last event id, {entries above it, oldest first}}; no entries when it is not below
-- the last id. Rust tells a gap (trimmed entries) from the first entry's id.
local after, max = ARGV[1], tonumber(ARGV[2])
local last = tonumber(redis.call('GET', K_EVSEQ) or '0')
local entries = {}
if tonumber(after) < last then
  entries = redis.call('XRANGE', K_EVENTS, '(' .. after .. '-0', '+', 'COUNT', max)
end
return {'ok', last, entries}
