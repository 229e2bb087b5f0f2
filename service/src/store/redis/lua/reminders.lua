-- The reminder buffer (store/mod.rs, "Reminder buffer"): the steps that move the queue append
-- intents to the stream `P:reminders` in the same script, after all of their checks. The
-- entry id is Redis's own; `reminders_ack` XDELs the ids the relay committed. The ticket
-- hash's `near_sent` makes a turn-near intent once per ticket, through requeues and transfers;
-- its `called_n` counts the ticket's called intents and numbers each (`call`: 1, 2, …).
local K_REMINDERS = P .. ':reminders'

-- The ticket at index n (the turn-near threshold of `svc`) of today's queue of `svc` (that
-- many people ahead), if it has a phone and was never sent a turn-near intent. `from`: the
-- first index of the queue the step changed (a ticket inserted there, 0 when the head left);
-- a change behind index n leaves the ticket there as it was, and nothing is looked at.
local function remind_near(day, svc, from)
  local n = near_of(svc)
  if not n or from > n then return end
  local id = redis.call('ZRANGE', k_wait(day, svc), n, n)[1]
  if not id then return end
  local tkey = k_ticket(id)
  local phone = redis.call('HGET', tkey, 'phone')
  if not phone or phone == '' then return end
  if redis.call('HSETNX', tkey, 'near_sent', 1) == 0 then return end
  redis.call('XADD', K_REMINDERS, '*', 'kind', 'turn_near', 'ticket', id, 'service', svc,
    'phone', phone, 'ahead', n)
end

-- Ticket `t` called, or recalled, to window `no`; `t.called_n` follows the hash.
local function remind_called(t, no)
  if not t.phone or t.phone == '' then return end
  local n = redis.call('HINCRBY', k_ticket(t.id), 'called_n', 1)
  set_field(t, 'called_n', n)
  redis.call('XADD', K_REMINDERS, '*', 'kind', 'called', 'ticket', t.id, 'service', t.service,
    'phone', t.phone, 'ahead', 0, 'window', no, 'call', n)
end
