import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TYPED_ARRAY_LENGTH, zeros } from '../../src/linalg/matrix';
import { InputError } from '../../src/util/errors';

test('zeros refuses a matrix larger than one typed array, naming its shape and size', () => {
  assert.throws(
    () => zeros(MAX_TYPED_ARRAY_LENGTH / 1024 + 1, 1024),
    (e: Error) => e instanceof InputError && /4194305 x 1024 float32 matrix \(16\.0 GiB\)/.test(e.message),
  );
  assert.equal(zeros(3, 2).data.length, 6);
});
