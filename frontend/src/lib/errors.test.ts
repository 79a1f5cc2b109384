import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom, describeError, networkError } from './errors';

describe('apiErrorFrom', () => {
  it('reads the API’s error shape', () => {
    const error = apiErrorFrom(409, { error: { code: 'conflict', message: "project 'x' exists" } });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('conflict');
    expect(describeError(error)).toBe("project 'x' exists");
  });

  it('lists field problems from validation errors', () => {
    const error = apiErrorFrom(422, {
      error: { code: 'validation_error', message: 'invalid request', detail: { fields: [{ loc: ['body', 'name'], message: 'too long' }] } },
    });
    expect(error.fields).toEqual([{ loc: ['body', 'name'], message: 'too long' }]);
  });

  it('says something useful for bodies that are not the API’s', () => {
    expect(apiErrorFrom(502, '<html>bad gateway</html>').message).toMatch(/not answering/);
    expect(apiErrorFrom(418, null, "I'm a teapot").message).toBe("The server answered 418 I'm a teapot.");
    expect(apiErrorFrom(500, { detail: 'boom' }).message).toBe('boom');
  });

  it('points at signing in when the credential is missing', () => {
    const error = apiErrorFrom(401, { error: { code: 'unauthorized', message: 'missing bearer token' } });
    expect(describeError(error)).toBe('missing bearer token (sign in, or set an API token in Settings)');
  });

  it('keeps the server’s words for a 403, and has its own without them', () => {
    const error = apiErrorFrom(403, { error: { code: 'forbidden', message: 'this needs the trainer role on project 3; you are viewer' } });
    expect(describeError(error)).toBe('this needs the trainer role on project 3; you are viewer');
    expect(apiErrorFrom(403, null).message).toBe('Your role on this project does not allow that.');
  });

  it('explains an unreachable server', () => {
    expect(networkError(new TypeError('Failed to fetch')).message).toBe(
      'Cannot reach the Mireru server (Failed to fetch). Is it running?',
    );
  });
});
