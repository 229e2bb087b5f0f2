-- snapshot. ARGV: day (yyyymmdd), how many recent calls, how many stream entries to look at
-- for them, the number of windows, the window numbers of the layout, then its service ids.
-- Replies {'ok', last event id, open windows, {window view...}, {service row...},
-- {the latest 'called' entries, newest first}}, all read at one instant.
local day, recent, scan, nwin = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local windows = {}
for i = 1, nwin do windows[i] = window_view(ARGV[4 + i]) end
local services = {}
for i = 5 + nwin, #ARGV do services[#services + 1] = service_row(day, ARGV[i]) end

local calls = {}
if recent > 0 and scan > 0 then
  for _, entry in ipairs(redis.call('XREVRANGE', K_EVENTS, '+', '-', 'COUNT', scan)) do
    local fields = entry[2]
    for j = 1, #fields - 1, 2 do
      if fields[j] == 'k' then
        if fields[j + 1] == 'called' then calls[#calls + 1] = entry end
        break
      end
    end
    if #calls >= recent then break end
  end
end

local last = tonumber(redis.call('GET', K_EVSEQ) or '0')
return {'ok', last, open_windows(), windows, services, calls}
