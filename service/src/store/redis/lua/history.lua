-- The history buffer (store/mod.rs, "History buffer"): every step that ends a leg of a ticket
-- appends one entry to the stream `P:history` in the same script, after all of its checks.
-- The entry id is Redis's own (`XADD *`); `history_ack` XDELs exactly the ids it committed.
-- Leg fields of the ticket hash: `leg` (0, +1 per transfer), `leg_at` (ms; issued_at when
-- missing), `first_called_at` (ms), `called_by` (window of the latest call in the leg).
local K_HISTORY = P .. ':history'

-- Appends the entry of ticket `t` (its fields as they were before the step) ending as
-- `outcome` at `at`; `served` says whether its start of service belongs to this leg.
local function record(t, outcome, at, served)
  local e = {
    'ticket', t.id, 'leg', t.leg or '0', 'service', t.service, 'priority', t.priority,
    'channel', t.channel, 'outcome', outcome, 'entered_at', t.leg_at or t.issued_at,
    'ended_at', at, 'recall_count', t.recall_count or '0', 'requeue_count', t.requeue_count or '0',
  }
  if t.called_by then e[#e + 1] = 'window'; e[#e + 1] = t.called_by end
  if t.first_called_at then e[#e + 1] = 'called_at'; e[#e + 1] = t.first_called_at end
  if served and t.started_at then e[#e + 1] = 'started_at'; e[#e + 1] = t.started_at end
  redis.call('XADD', K_HISTORY, '*', unpack(e))
end
