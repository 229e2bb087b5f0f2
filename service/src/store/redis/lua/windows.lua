-- windows. ARGV: the window numbers of the layout. Replies {'ok', window view...}.
local reply = {'ok'}
for i = 1, #ARGV do reply[i + 1] = window_view(ARGV[i]) end
return reply
