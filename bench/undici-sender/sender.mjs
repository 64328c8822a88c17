// Reference sender for the send benchmark: undici's Pool.request (the client under Node's fetch,
// without fetch's WHATWG layers) with crypto HMAC-SHA256 signing, N events at concurrency C over C
// kept-alive connections, a fresh id per event: the fastest common way to send webhooks from Node.
// node bench/undici-sender/sender.mjs URL N C   (prints one JSON line with requests_per_sec)
import crypto from "node:crypto";
import { Pool } from "undici";

const [url, total = "20000", concurrency = "64"] = process.argv.slice(2);
const count = Number(total);
const secret = process.env.HOOKY_SECRET;
const target = new URL(url);
const pool = new Pool(target.origin, { connections: Number(concurrency), pipelining: 1 });
let next = 0;
let ok = 0;

async function worker() {
  while (next < count) {
    const seq = next++;
    const body = JSON.stringify({
      id: "evt_" + crypto.randomBytes(12).toString("hex"),
      type: "order.completed",
      created: Math.floor(Date.now() / 1000),
      data: { order_id: "ord_" + seq, status: "completed", currency: "usd", amount: 4999,
              customer: { id: "cus_1", email: "jane.doe@example.com", name: "Jane Doe" },
              items: [{ sku: "TSHIRT-BLK-M", name: "T-shirt, black, M", quantity: 2, unit_price: 1999 }],
              completed_at: new Date().toISOString() },
    });
    const signature = crypto.createHmac("sha256", secret).update(body).digest("hex");
    const { statusCode, body: answer } = await pool.request({
      path: target.pathname + target.search,
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-event": "order.completed",
                 "x-webhook-signature": signature },
      body,
    });
    await answer.arrayBuffer();
    if (statusCode >= 200 && statusCode < 300) ok++;
  }
}

const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await pool.close();
console.log(JSON.stringify({ sent: count, ok, seconds, requests_per_sec: count / seconds }));
