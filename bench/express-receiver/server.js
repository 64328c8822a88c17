// The receiver the common tutorials show, for hooky's benchmarks to be measured against:
// express.raw + crypto HMAC + timingSafeEqual + append to a file.
// node server.js PORT SECRET FILE   (prints "listening on http://127.0.0.1:PORT" once bound)
const express = require('express');
const crypto = require('crypto');
const fs = require('fs');

const [port, secret, file] = process.argv.slice(2);
const app = express();

app.post('*', express.raw({ type: '*/*', limit: '10mb' }), (req, res) => {
  const signature = Buffer.from(req.get('X-Webhook-Signature') || '', 'utf8');
  const expected = Buffer.from(
    crypto.createHmac('sha256', secret).update(req.body).digest('hex'),
    'utf8',
  );
  if (signature.length !== expected.length || !crypto.timingSafeEqual(signature, expected)) {
    return res.status(401).json({ error: 'invalid signature' });
  }
  fs.appendFileSync(file, req.body.toString('utf8') + '\n');
  res.json({ received: true });
});

const server = app.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
