import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { MAX_INSTANCE_ID_LENGTH, validateInstanceId } from './instance-id.js';

function rejects(value: unknown, reason: RegExp, field = 'instanceId') {
  assert.throws(
    () => validateInstanceId(value, field),
    (error: unknown) => error instanceof InvalidArgumentError && error.field === field && reason.test(error.reason),
  );
}

describe('validateInstanceId', () => {
  it('accepts ordinary IDs, paired surrogates and exactly the maximum length', () => {
    for (const id of ['a', 'order-42', 'p:0001', 'emoji-😀', 'x'.repeat(MAX_INSTANCE_ID_LENGTH)]) assert.equal(validateInstanceId(id), id);
  });

  it('rejects a lone high or low surrogate, naming its index', () => {
    rejects('ab\ud800', /lone UTF-16 surrogate at index 2/);
    rejects('\udc00x', /lone UTF-16 surrogate at index 0/);
    rejects('\ud83d\ud83d\ude00', /index 0/);
  });

  it('rejects NUL, the empty string, non-strings and one character over the limit', () => {
    rejects('a\u0000b', /NUL character at index 1/, 'target.instanceId');
    rejects('', /must not be empty/);
    rejects(42, /must be a string, got number/);
    rejects('x'.repeat(MAX_INSTANCE_ID_LENGTH + 1), new RegExp(`${MAX_INSTANCE_ID_LENGTH + 1} characters long; the limit is ${MAX_INSTANCE_ID_LENGTH}`));
  });
});
