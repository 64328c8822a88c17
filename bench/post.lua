-- wrk script: POST the signed benchmark body (BODY_FILE, SIGNATURE from the environment).
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Webhook-Signature"] = os.getenv("SIGNATURE")
