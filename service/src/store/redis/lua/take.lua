-- take_ticket. ARGV: branch, day (yyyymmdd), service, prefix, daily_limit, rank of the
-- priority class, ms_of_day, at (ms), priority, channel, phone ('' = none), idempotency key
-- ('' = none). Replies {'ok', 'new', seq, people ahead, average ms or '', open windows} for a
-- ticket issued now (its fields are what the caller passed, see tickets.rs), {'ok',
-- 'replayed', view} for the ticket of a known idempotency key, or {'err', 'daily_limit'}.
-- Events: a QueueChanged of the service, unless replayed.
local function take(ARGV)
  local branch, day, svc, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
  local limit, rank, ms, at = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
  local priority, channel, phone, idem = ARGV[9], ARGV[10], ARGV[11], ARGV[12]

  if idem ~= '' then
    local known = redis.call('GET', k_idem(day, idem))
    if known and redis.call('EXISTS', k_ticket(known)) == 1 then
      return {'ok', 'replayed', view(known)}
    end
  end

  local ckey = k_count(day, svc)
  local seq = redis.call('INCR', ckey)
  -- The counter outlives its day by two days; no ticket of a past day is ever issued.
  if seq == 1 then redis.call('EXPIRE', ckey, 259200) end
  if seq > limit then
    redis.call('DECR', ckey)
    return fail('daily_limit')
  end

  local number = prefix .. string.format('%03d', seq)
  local id = branch .. '.' .. day .. '.' .. number
  local time_key = ms * 1000 + seq % 1000
  local fields = {
    'id', id, 'number', number, 'service', svc, 'state', 'WAITING', 'priority', priority,
    'channel', channel, 'recall_count', '0', 'requeue_count', '0', 'issued_at', at,
    'time_key', num(time_key), 'day', day, 'leg', '0', 'leg_at', at,
  }
  if phone ~= '' then
    fields[#fields + 1] = 'phone'
    fields[#fields + 1] = phone
  end
  redis.call('HSET', k_ticket(id), unpack(fields))
  local waiting, key = enqueue({id = id, day = day, service = svc}, rank * RANK_SPAN + time_key)
  local ahead = redis.call('ZCOUNT', k_wait(day, svc), '-inf', '(' .. key)
  if idem ~= '' then redis.call('SET', k_idem(day, idem), id, 'EX', 172800) end
  emit(at, ev_queue(day, svc, waiting))
  remind_near(day, svc, ahead)
  return {'ok', 'new', seq, ahead, redis.call('HGET', k_svc(svc), 'avg') or '', open_windows()}
end
