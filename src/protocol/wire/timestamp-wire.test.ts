import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import { InvalidArgumentError } from '../../errors.js';
import { dateToTimestamp, optionalTimestampToDate, timestampToDate } from './timestamp-wire.js';

describe('timestamps on the wire', () => {
  it('keeps millisecond precision through binary encoding', () => {
    for (const iso of ['2026-03-01T10:20:30.456Z', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z']) {
      const date = new Date(iso);
      const wire = fromBinary(TimestampSchema, toBinary(TimestampSchema, dateToTimestamp(date)));
      assert.equal(timestampToDate(wire, 't').toISOString(), iso);
    }
  });

  it('encodes milliseconds as nanos and keeps nanos non-negative before 1970', () => {
    const ts = dateToTimestamp(new Date(-1));
    assert.equal(ts.seconds, -1n);
    assert.equal(ts.nanos, 999_000_000);
  });

  it('truncates sub-millisecond nanos from other SDKs', () => {
    const ts = create(TimestampSchema, { seconds: 100n, nanos: 999_999_999 });
    assert.equal(timestampToDate(ts, 't').getTime(), 100_999);
  });

  it('rejects invalid dates and out-of-range timestamps with the field name', () => {
    assert.throws(() => dateToTimestamp(new Date(Number.NaN), 'fireAt'), { name: 'InvalidArgumentError', field: 'fireAt' });
    assert.throws(() => dateToTimestamp(new Date('+010000-01-01T00:00:00Z'), 'fireAt'), InvalidArgumentError);
    assert.throws(() => timestampToDate(undefined, 'x.fireAt'), { field: 'x.fireAt' });
    assert.throws(() => timestampToDate(create(TimestampSchema, { seconds: 1n, nanos: -1 }), 'x'), { field: 'x.nanos' });
  });

  it('reads an absent or zero optional timestamp as not set (an SDK\'s empty message), any other as its date', () => {
    assert.equal(optionalTimestampToDate(undefined, 't'), undefined);
    assert.equal(optionalTimestampToDate(create(TimestampSchema), 't'), undefined);
    assert.equal(optionalTimestampToDate(create(TimestampSchema, { seconds: 0n, nanos: 1_000_000 }), 't')?.getTime(), 1);
    assert.equal(optionalTimestampToDate(create(TimestampSchema, { seconds: -1n }), 't')?.getTime(), -1000);
  });
});
