-- wrk script for the send benchmark's ceiling: a signed ~1 KB JSON POST, as hooky send makes.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Webhook-Event"] = "order.completed"
wrk.headers["X-Webhook-Signature"] = "6790fbd631d8d96848424edcf8b3b6f495f71360a2e1c1ccecf674f98a23fd49"
wrk.body = '{"id":"evt_WXdP2Pjq80vVO8WD0W3eqUV3","type":"order.completed","created":1704067200,"data":{"order_id":"ord_LRnCOeQtvreDZO4QzbS19NUy","status":"completed","currency":"usd","amount":4999,"customer":{"id":"cus_qXloZENOEFdTxASX6KFZg3Tc","email":"jane.doe@example.com","name":"Jane Doe"},"items":[{"sku":"TSHIRT-BLK-M","name":"T-shirt, black, M","quantity":2,"unit_price":1999},{"sku":"STICKER-01","name":"Sticker","quantity":1,"unit_price":1001}],"completed_at":"2024-01-01T00:00:00Z"}}'
