-- recall, start_service, complete_service, mark_no_show: a step on the ticket a window holds.
-- ARGV: step ('recall' | 'start' | 'complete' | 'no_show'), window, at (ms), whether a recall
-- appends a called reminder intent ('1' | '0'), then service facts (see service_facts; needed
-- by 'recall' only, a count of 0 otherwise).
-- Replies {'ok', view}, {'retry', service} when the facts of the ticket's service were not
-- passed, or {'err', ...}. Events: recall a Called with the new recall count; the others a
-- WindowChanged. complete and no_show append the leg's history entry.
local function window_step(ARGV)
  local step, no, at, remind_recall = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1'
  local wkey = k_win(no)
  -- A served ticket longer than this does not feed the average (4 h in ms).
  local MAX_SERVICE_MS = 14400000

  local w = redis.call('HMGET', wkey, 'state', 'reason', 'current')
  local state = w[1] or 'CLOSED'
  if step == 'recall' and state ~= 'OPEN' then return fail('window_not_open', state) end
  local t = w[3] and load(w[3])
  if not t then return fail('window_empty') end

  local avg
  if step == 'recall' then
    if t.state ~= 'CALLED' then return fail('ticket_state', t.number, t.state) end
    local facts = service_facts(ARGV, 5, t.service)
    if not facts then return {'retry', t.service} end
    if tonumber(t.recall_count or '0') >= facts.recall_limit then
      return fail('recall_limit', t.number, facts.recall_limit)
    end
    local recall = redis.call('HINCRBY', k_ticket(t.id), 'recall_count', 1)
    set_field(t, 'recall_count', recall)
    emit(at, ev_called(t, no, recall))
    if remind_recall then remind_called(t, no) end
    return {'ok', view_of(t, nil, 0)}
  elseif step == 'start' then
    if t.state ~= 'CALLED' then return fail('ticket_state', t.number, t.state) end
    update(t, 'state', 'SERVING', 'started_at', at)
    emit(at, ev_window_of(no, state, w[2], t.id, t.state))
  elseif step == 'complete' then
    if t.state ~= 'SERVING' then return fail('ticket_state', t.number, t.state) end
    record(t, 'DONE', at, true)
    update(t, 'state', 'DONE', 'ended_at', at)
    redis.call('HDEL', wkey, 'current')
    local d = tonumber(at) - tonumber(t.started_at or at)
    d = math.max(0, math.min(MAX_SERVICE_MS, d))
    local skey = k_svc(t.service)
    local before = tonumber(redis.call('HGET', skey, 'avg') or '')
    if before then avg = math.floor(0.8 * before + 0.2 * d + 0.5) else avg = d end
    avg = num(avg)
    redis.call('HSET', skey, 'avg', avg)
    emit(at, ev_window_of(no, state, w[2]))
  else
    if t.state ~= 'CALLED' then return fail('ticket_state', t.number, t.state) end
    record(t, 'NO_SHOW', at, false)
    update(t, 'state', 'NO_SHOW', 'ended_at', at)
    redis.call('HDEL', wkey, 'current')
    emit(at, ev_window_of(no, state, w[2]))
  end
  return {'ok', view_of(t, nil, 0, avg)}
end
