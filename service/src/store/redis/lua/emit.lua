-- Board events (the "# Events" section of store/mod.rs). A script appends the events of its
-- step after all of the step's checks, so a step that fails writes none and one that is
-- applied always writes its events, in the same script. Ids are 1, 2, 3, ... per branch from
-- the counter `P:evseq`; the entry id in the stream `P:events` is `<event id>-0`, and the
-- stream is trimmed to about RETENTION entries. Fields: `at` (ms), `k` (kind), then the kind's
-- fields (decoded in events.rs).
local K_EVSEQ = P .. ':evseq'
local K_EVENTS = P .. ':events'

-- Appends events, each {kind, field, value, ...}, with consecutive ids (one INCRBY for all).
local function emit(at, ...)
  local events = {...}
  local n = #events
  local last = redis.call('INCRBY', K_EVSEQ, num(n))
  if last == n then
    -- A counter lost while the stream stayed: go on after the stream's last entry, so that
    -- no id is reused and XADD accepts the new ones.
    local prev = redis.call('XREVRANGE', K_EVENTS, '+', '-', 'COUNT', 1)
    if #prev > 0 then
      last = tonumber(string.match(prev[1][1], '^%d+')) + n
      redis.call('SET', K_EVSEQ, last)
    end
  end
  for i = 1, n do
    redis.call('XADD', K_EVENTS, 'MAXLEN', '~', RETENTION, num(last - n + i) .. '-0', 'at', at,
      'k', unpack(events[i]))
  end
end

-- A ticket `t` called to window `no` (recall 0) or recalled there (recall > 0).
local function ev_called(t, no, recall)
  return {'called', 'ticket', t.id, 'service', t.service, 'window', no, 'recall', num(recall)}
end

-- Window `no` in `state` with pause `reason`, holding ticket `id` (nil when none) in `tstate`.
local function ev_window_of(no, state, reason, id, tstate)
  local e = {'window', 'window', no, 'state', state}
  if state == 'PAUSED' and reason and reason ~= '' then
    e[#e + 1] = 'reason'
    e[#e + 1] = reason
  end
  if id and tstate then
    e[#e + 1] = 'ticket'
    e[#e + 1] = id
    e[#e + 1] = 'tstate'
    e[#e + 1] = tstate
  end
  return e
end

-- Window `no` as it is now in Redis.
local function ev_window(no)
  local w = redis.call('HMGET', k_win(no), 'state', 'reason', 'current')
  local tstate
  if w[3] then tstate = redis.call('HGET', k_ticket(w[3]), 'state') end
  return ev_window_of(no, w[1] or 'CLOSED', w[2], w[3], tstate)
end

-- The number of tickets of `day` waiting for `svc`: `waiting` when the step counted them.
local function ev_queue(day, svc, waiting)
  waiting = waiting or redis.call('ZCARD', k_wait(day, svc))
  return {'queue', 'service', svc, 'waiting', num(waiting)}
end
