-- call_next and call_ticket. ARGV: mode ('next' | 'ticket'), window, today (yyyymmdd), at (ms),
-- then for 'next': rule ('strict_order' | 'oldest_first' | 'ratio'), ratio priority, ratio
--   normal, and per service of the window in its order: service id, rank of normal tickets;
-- for 'ticket': ticket id, then the service ids of the window.
-- Replies {'ok', view}, {'ok'} when nothing waits, or {'err', ...}. Events: a Called, then a
-- QueueChanged of the ticket's service.
local function call(ARGV)
  local mode, no, today, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
  local wkey = k_win(no)

  local w = redis.call('HMGET', wkey, 'state', 'current')
  local state = w[1] or 'CLOSED'
  if state ~= 'OPEN' then return fail('window_not_open', state) end
  local busy = w[2] and load(w[2])
  if busy then return fail('window_busy', busy.number, busy.state) end

  -- The lowest key of a waiting set within [min, max]: id, key; nil when none.
  local function head(wait, min, max)
    local r = redis.call('ZRANGEBYSCORE', wait, min, max, 'WITHSCORES', 'LIMIT', 0, 1)
    if #r == 0 then return nil end
    return r[1], tonumber(r[2])
  end

  -- The lowest key across the window's services; `kind` is nil (any), 'priority' or 'normal'.
  local function lowest(kind)
    local best, best_key
    for i = 8, #ARGV, 2 do
      local wait = k_wait(today, ARGV[i])
      local bound = num(tonumber(ARGV[i + 1]) * RANK_SPAN)
      local id, key
      if kind == 'priority' then
        id, key = head(wait, '-inf', '(' .. bound)
      elseif kind == 'normal' then
        id, key = head(wait, bound, '+inf')
      else
        id, key = head(wait, '-inf', '+inf')
      end
      if id and (not best_key or key < best_key) then best, best_key = id, key end
    end
    return best
  end

  local id, t
  if mode == 'next' then
    local rule, p, n = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
    if rule == 'strict_order' then
      for i = 8, #ARGV, 2 do
        id = head(k_wait(today, ARGV[i]), '-inf', '+inf')
        if id then break end
      end
    elseif rule == 'ratio' and p + n > 0 then
      local pos = tonumber(redis.call('HGET', wkey, 'pos') or '0') % (p + n)
      local want, other = 'normal', 'priority'
      if pos < p then want, other = 'priority', 'normal' end
      id = lowest(want) or lowest(other)
      if id then redis.call('HSET', wkey, 'pos', (pos + 1) % (p + n)) end
    else
      id = lowest(nil)
    end
    if not id then return {'ok'} end
  else
    id = ARGV[5]
    t = load(id)
    if not t then return fail('not_found', id) end
    if t.day ~= today then return fail('other_day', t.number, t.day) end
    if t.state ~= 'WAITING' then return fail('ticket_state', t.number, t.state) end
    local serves = false
    for i = 6, #ARGV do
      if ARGV[i] == t.service then serves = true end
    end
    if not serves then return fail('window_not_serving', t.service) end
  end

  t = t or load(id)
  dequeue(t)
  if t.first_called_at then
    update(t, 'state', 'CALLED', 'window', no, 'called_at', at, 'recall_count', '0',
      'called_by', no)
  else
    update(t, 'state', 'CALLED', 'window', no, 'called_at', at, 'recall_count', '0',
      'called_by', no, 'first_called_at', at)
  end
  redis.call('HSET', wkey, 'current', id)
  emit(at, ev_called(t, no, 0), ev_queue(today, t.service))
  remind_called(t, no)
  remind_near(today, t.service, 0)
  return {'ok', view_of(t, nil, 0)}
end
