-- Board events (the "# Events" section of store/mod.rs). A script appends the events of its
-- step after all of the step's checks, so a step that fails writes none and one that is
-- applied always writes its events, in the same script. Ids are 1, 2, 3, ... per branch from
-- the counter `P:evseq`; the entry id in the stream `P:events` is `<event id>-0`, and the
-- stream is trimmed to about RETENTION entries. Fields: `at` (ms), `k` (kind), then the kind's
-- fields (decoded in events.rs).
local K_EVSEQ = P .. ':evseq'
local K_EVENTS = P .. ':events'

local function emit(at, kind, ...)
  local id = redis.call('INCR', K_EVSEQ)
  if id == 1 then
    -- A counter lost while the stream stayed: go on after the stream's last entry, so that
    -- no id is reused and XADD accepts the new one.
    local last = redis.call('XREVRANGE', K_EVENTS, '+', '-', 'COUNT', 1)
    if #last > 0 then
      id = tonumber(string.match(last[1][1], '^%d+')) + 1
      redis.call('SET', K_EVSEQ, id)
    end
  end
  redis.call('XADD', K_EVENTS, 'MAXLEN', '~', RETENTION, string.format('%d-0', id), 'at', at, 'k', kind, ...)
  return id
end

-- A ticket `t` called to window `no` (recall 0) or recalled there (recall > 0).
local function emit_called(at, t, no, recall)
  emit(at, 'called', 'ticket', t.id, 'service', t.service, 'window', no, 'recall', recall)
end

-- Window `no` as it is now: state, pause reason, the ticket it holds and that ticket's state.
local function emit_window(at, no)
  local w = redis.call('HMGET', k_win(no), 'state', 'reason', 'current')
  local state = w[1] or 'CLOSED'
  local fields = {'window', no, 'state', state}
  if state == 'PAUSED' and w[2] and w[2] ~= '' then
    fields[#fields + 1] = 'reason'
    fields[#fields + 1] = w[2]
  end
  if w[3] then
    local tstate = redis.call('HGET', k_ticket(w[3]), 'state')
    if tstate then
      fields[#fields + 1] = 'ticket'
      fields[#fields + 1] = w[3]
      fields[#fields + 1] = 'tstate'
      fields[#fields + 1] = tstate
    end
  end
  emit(at, 'window', unpack(fields))
end

-- The number of tickets of `day` waiting for `svc` now.
local function emit_queue(at, day, svc)
  emit(at, 'queue', 'service', svc, 'waiting', redis.call('ZCARD', k_wait(day, svc)))
end
