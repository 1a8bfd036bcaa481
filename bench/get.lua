-- wrk script: GET with the session cookie (wrk -s bench/get.lua URL -- COOKIE)
function init(args)
  wrk.headers["Cookie"] = args[1]
end
