import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeListToken, encodeListToken } from './list-token.js';

const position = { createdAt: new Date('2026-03-04T05:06:07.089Z'), instanceId: 'order-1' };
const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('list tokens', () => {
  it('round-trip a position as epoch milliseconds', () => {
    const encoded = encodeListToken(position);
    assert.deepEqual(JSON.parse(Buffer.from(encoded, 'base64url').toString()), [position.createdAt.getTime(), 'order-1']);
    assert.deepEqual(decodeListToken(encoded), position);
  });

  it('still decode the ISO 8601 tokens that earlier PostgreSQL versions issued', () => {
    assert.deepEqual(decodeListToken(token(['2026-03-04T05:06:07.089Z', 'order-1'])), position);
  });

  it('reject anything else, naming continuationToken', () => {
    for (const bad of ['%%%', token(['yesterday', 'x']), token([1, 2]), token([1]), token({ a: 1 })]) {
      assert.throws(() => decodeListToken(bad), { name: 'InvalidArgumentError', message: /continuationToken/ });
    }
  });
});
