-- wrk script: tumour assessments saved through the API (judged, audited,
-- queries synced), spread over the study's subjects, each save a new
-- visit a week after that subject's previous bench visit.
--   wrk -s bench/save.lua URL -- SUBJECTS THREADS COOKIE CSRF
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = tonumber(args[1])
  t = tonumber(args[2])
  cookie = args[3]
  csrf = args[4]
  counter = 0
end

function request()
  local g = counter * t + id
  counter = counter + 1
  local s = g % n
  local k = math.floor(g / n)
  local subj = string.format("BAL-001-%04d", s + 1)
  local date = os.date("!%Y-%m-%d", 1924992000 + k * 7 * 86400)
  local body = string.format(
    '{"visit":"BENCH %d","date":"%s","lesions":[{"id":"T01","diameter_mm":%d}]}',
    k, date, 10 + (k % 20))
  return wrk.format("POST", "/api/v1/subjects/" .. subj .. "/assessments",
    {["Content-Type"] = "application/json", ["Cookie"] = cookie,
     ["X-CSRF-Token"] = csrf}, body)
end
