import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callSite, parseFrame } from './call-site.js';

describe('callSite', () => {
  it('parses named, anonymous and Windows frames; refuses what is not a frame', () => {
    assert.deepEqual(parseFrame('    at order (file:///app/dist/order.js:12:5)'), { file: '/app/dist/order.js', line: 12, column: 5 });
    assert.deepEqual(parseFrame('    at async order (/app/order.ts:3:19)'), { file: '/app/order.ts', line: 3, column: 19 });
    assert.deepEqual(parseFrame('    at file:///app/main.js:7:1'), { file: '/app/main.js', line: 7, column: 1 });
    assert.deepEqual(parseFrame('    at run (C:\\app\\x.js:4:2)'), { file: 'C:\\app\\x.js', line: 4, column: 2 });
    assert.equal(parseFrame('    at <anonymous>'), undefined);
    assert.equal(parseFrame(undefined), undefined);
  });

  it('names the caller of the given function, not the function itself', () => {
    function durableCall() {
      return callSite(durableCall);
    }
    const here = new Error().stack!.split('\n')[1]!;
    const site = durableCall();
    const line = Number(/:(\d+):\d+\)?$/.exec(here)![1]) + 1;
    assert.equal(site?.line, line);
    assert.match(site!.file, /call-site\.test\.js$/);
  });
});
