import { describe, expect, it } from 'vitest';
import { safeNext, signInHref } from './safeNext';

describe('after signing in', () => {
  it('goes back only to paths of this app', () => {
    expect(safeNext('/projects/3/search?item=4')).toBe('/projects/3/search?item=4');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('/sign-in?next=/x')).toBe('/');
  });

  it('remembers where the sign-in was asked for', () => {
    expect(signInHref('/projects/3', '?label=cat')).toBe('/sign-in?next=%2Fprojects%2F3%3Flabel%3Dcat');
    expect(signInHref('/', '')).toBe('/sign-in');
  });
});
