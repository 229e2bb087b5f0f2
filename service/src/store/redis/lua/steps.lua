-- The steps of a branch that arrive together (the store sends the steps that arrive while
-- earlier ones are on their way in one call, see batch.rs): take.lua, call.lua and step.lua,
-- one after the other. ARGV: the number of steps, then per step its kind ('take' | 'call' |
-- 'step'), the number of its arguments and those arguments as its kind reads them. Replies
-- one answer per step, in order, the answer it gives alone. Each step is applied as if it
-- had come alone: a later one sees what an earlier one wrote, and one that fails in the
-- script answers {'err', 'script', message} and leaves the others as they are.
local KINDS = {take = take, call = call, step = window_step}
local answers = {}
local at = 2
for i = 1, tonumber(ARGV[1]) do
  local kind, n = KINDS[ARGV[at]], tonumber(ARGV[at + 1])
  local args = {unpack(ARGV, at + 2, at + 1 + n)}
  at = at + 2 + n
  local ok, answer = pcall(kind, args)
  if not ok then
    answer = {'err', 'script', type(answer) == 'table' and answer.err or tostring(answer)}
  end
  answers[i] = answer
end
return answers
