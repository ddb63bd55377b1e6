-- wrk script for `cargo xtask bench` (step `service`): every request posts one customer message to
-- `handoff serve`, spread over 10,000 conversations so no single history grows long. The widget
-- token comes from the environment (HANDOFF_WIDGET_TOKEN), never from this file.
local token = os.getenv("HANDOFF_WIDGET_TOKEN") or ""
local texts = {
  "Where is my order ORD-12345? It was supposed to arrive yesterday.",
  "Can you tell me when the sale ends?",
  "I changed my address last week, is that updated on my account?",
  "Thanks, that worked!",
  "mera order kab aayega? tracking number nahi mila",
  "¿Dónde está mi pedido? Lo compré hace una semana.",
  "How do I reset my password?",
  "Do you ship to Canada?",
}
local n = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  n = 0
end

request = function()
  n = n + 1
  local conv = string.format("bench_%d_%d", thread_id, n % 5000)
  local text = texts[(n % #texts) + 1]
  local body = '{"text": "' .. text .. '", "customer": {"id": "cust_' .. (n % 5000) .. '"}}'
  return wrk.format("POST", "/v1/conversations/" .. conv .. "/messages", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
