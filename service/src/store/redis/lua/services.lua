-- services. ARGV: day (yyyymmdd), then the service ids of the layout.
-- Replies {'ok', open windows, {waiting, issued today, average ms or ''}...}.
local day = ARGV[1]
local reply = {'ok', open_windows()}
for i = 2, #ARGV do
  reply[#reply + 1] = service_row(day, ARGV[i])
end
return reply
