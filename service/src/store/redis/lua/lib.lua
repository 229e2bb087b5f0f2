-- Shared helpers of the Redis queue store, placed in front of every script.
--
-- KEYS[1] is the branch's key prefix `<prefix>:{<branch>}`. Every key a script touches is
-- built from it below, so every key carries the same hash tag `{<branch>}`, hashes to the
-- same cluster slot as KEYS[1], and the scripts run unchanged on Redis Cluster.
local P = KEYS[1]
local RANK_SPAN = 1e11

-- ARGV[1] of every script is the event retention: about how many entries the branch's event
-- stream keeps (see emit.lua), ARGV[2] the turn-near thresholds. The script's own arguments
-- follow them; the local `ARGV` below holds only those, so every script body reads them from
-- index 1 (each step of steps.lua gets a table of its own arguments, read the same way).
-- Kept as the text it came as: Redis takes a Lua number as text formatted by printf's %.14g,
-- which costs more than the rest of the argument.
local RETENTION = ARGV[1]
-- ARGV[2] is the branch's turn-near thresholds, ' <service>=<n> <service>=<n> ...' (see
-- reminders.lua); `near_of` finds a service's when a step needs it.
local NEAR = ARGV[2] or ''
local ARGV = {unpack(ARGV, 3)}

-- The turn-near threshold of `svc`, or nil when it has none.
local function near_of(svc)
  local tag = ' ' .. svc .. '='
  local at = string.find(NEAR, tag, 1, true)
  if not at then return nil end
  return tonumber(string.match(NEAR, '^%d+', at + #tag))
end

local function k_ticket(id) return P .. ':t:' .. id end
local function k_wait(day, svc) return P .. ':w:' .. day .. ':' .. svc end
local function k_count(day, svc) return P .. ':n:' .. day .. ':' .. svc end
local function k_idem(day, key) return P .. ':idem:' .. day .. ':' .. key end
local function k_win(no) return P .. ':win:' .. no end
local function k_svc(svc) return P .. ':svc:' .. svc end
-- Members '<yyyymmdd>:<service>': the waiting sets that may hold tickets.
local K_WSETS = P .. ':wsets'
-- Numbers of the windows that are OPEN, as a set and as one string ' <n> <n> ...' that the
-- steps read in one GET (set_window.lua writes both).
local K_OPEN = P .. ':open'
local K_OPENL = P .. ':openl'

-- A queue key or instant as Redis reads it back exactly (integers without the slow float
-- formatting).
local function num(x)
  if x == math.floor(x) and x > -1e15 and x < 1e15 then return string.format('%d', x) end
  return string.format('%.17g', x)
end

-- The OPEN windows: the string of K_OPENL, or the set's members when data written before it
-- has not been through a set_window yet.
local function open_windows()
  return redis.call('GET', K_OPENL) or redis.call('SMEMBERS', K_OPEN)
end

local function fail(kind, ...) return {'err', kind, ...} end

-- A ticket's fields as every reply carries them: the names and values of its hash (`flat`, as
-- HGETALL reads them) joined by NUL into one string (no field holds one). Redis and the store
-- pay per element of a reply, and a ticket has some thirty.
local function packed(flat) return table.concat(flat, '\0') end

-- By ticket table (`load`): the HGETALL reply it was read from, with the name and value of
-- every field a step set since appended (`update`, `set_field`); packed, a later pair of a
-- name stands for the earlier (decode.rs reads them in order), so a view needs no rebuilding
-- from the table. A step that removes a field drops the entry (`remove`).
local FLAT = {}

-- The ticket hash as a table of fields and as the flat HGETALL reply, or nil when it was
-- never issued.
local function load(id)
  local flat = redis.call('HGETALL', k_ticket(id))
  if #flat == 0 then return nil end
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  FLAT[t] = flat
  return t, flat
end

-- The ticket a window holds, or nil.
local function held(wkey)
  local id = redis.call('HGET', wkey, 'current')
  if not id then return nil end
  return load(id)
end

local function window_state(wkey)
  return redis.call('HGET', wkey, 'state') or 'CLOSED'
end

local function seq_of(number) return tonumber(string.match(number, '%d+$')) end

-- Puts a ticket into the waiting set of its day and service under queue key `key`; returns
-- how many wait there now and the key as the set's score. Only the first ticket of a set puts
-- the set among K_WSETS (expire.lua drops both at once).
local function enqueue(t, key)
  local wait, score = k_wait(t.day, t.service), num(key)
  redis.call('ZADD', wait, score, t.id)
  local waiting = redis.call('ZCARD', wait)
  if waiting == 1 then redis.call('SADD', K_WSETS, t.day .. ':' .. t.service) end
  return waiting, score
end

local function dequeue(t)
  redis.call('ZREM', k_wait(t.day, t.service), t.id)
end

-- Sets fields of ticket `t` in its hash and in `t` (values as strings, as HGETALL reads them).
local function update(t, ...)
  redis.call('HSET', k_ticket(t.id), ...)
  local f = {...}
  local flat = FLAT[t]
  for i = 1, #f, 2 do
    t[f[i]] = f[i + 1]
    if flat then
      flat[#flat + 1] = f[i]
      flat[#flat + 1] = f[i + 1]
    end
  end
end

-- Sets field `name` of ticket `t` in `t` only, for a step that wrote it to the hash itself
-- (HINCRBY).
local function set_field(t, name, value)
  t[name] = value
  local flat = FLAT[t]
  if flat then
    flat[#flat + 1] = name
    flat[#flat + 1] = value
  end
end

-- Removes fields of ticket `t` from its hash and from `t`.
local function remove(t, ...)
  redis.call('HDEL', k_ticket(t.id), ...)
  for _, name in ipairs({...}) do t[name] = nil end
  FLAT[t] = nil
end

-- A ticket as every call returns it: {fields, people ahead, average ms or '', open windows},
-- from its fields `t` as they are now (`flat`: the same as HGETALL read them, when unchanged;
-- otherwise what `FLAT` keeps for `t`, or the fields of `t` themselves) and, when the step
-- knows it, the service's average; the fields packed (see `packed`).
local function view_of(t, flat, ahead, avg)
  flat = flat or FLAT[t]
  if not flat then
    flat = {}
    for name, value in pairs(t) do
      flat[#flat + 1] = name
      flat[#flat + 1] = value
    end
  end
  avg = avg or redis.call('HGET', k_svc(t.service), 'avg') or ''
  return {packed(flat), ahead, avg, open_windows()}
end

-- The view of the ticket `id`, read from Redis.
local function view(id)
  local t, flat = load(id)
  local ahead = 0
  if t.state == 'WAITING' then
    local wkey = k_wait(t.day, t.service)
    local score = redis.call('ZSCORE', wkey, id)
    if score then ahead = redis.call('ZCOUNT', wkey, '-inf', '(' .. score) end
  end
  return view_of(t, flat, ahead)
end

-- A window as `windows` and `set_window` return it: {state, pause reason, the held ticket's
-- fields packed (see `packed`) or '' when it holds none}.
local function window_view(no)
  local w = redis.call('HMGET', k_win(no), 'state', 'reason', 'current')
  local current = ''
  if w[3] then current = packed(redis.call('HGETALL', k_ticket(w[3]))) end
  return {w[1] or 'CLOSED', w[2] or '', current}
end

-- One service's row as `services` and `snapshot` return it: {waiting of `day`, issued that
-- day, average ms or ''}.
local function service_row(day, svc)
  return {
    redis.call('ZCARD', k_wait(day, svc)),
    tonumber(redis.call('GET', k_count(day, svc)) or '0'),
    redis.call('HGET', k_svc(svc), 'avg') or '',
  }
end

-- Service facts from the layout, passed in a script's arguments `args` from index `first`: a
-- count, then per service its id, recall_limit, requeue_offset, requeue_limit and the ranks
-- of normal, appointment and green_channel tickets. nil when `wanted` is not among them.
local function service_facts(args, first, wanted)
  local count = tonumber(args[first])
  for i = 0, count - 1 do
    local b = first + 1 + i * 7
    if args[b] == wanted then
      return {
        recall_limit = tonumber(args[b + 1]),
        requeue_offset = tonumber(args[b + 2]),
        requeue_limit = tonumber(args[b + 3]),
        rank = {
          normal = tonumber(args[b + 4]),
          appointment = tonumber(args[b + 5]),
          green_channel = tonumber(args[b + 6]),
        },
      }
    end
  end
  return nil
end

