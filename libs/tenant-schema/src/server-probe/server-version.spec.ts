import { MIN_SERVER_VERSION_NUM, majorVersionOf, unsupportedServerReason } from './server-version.ts';

// A real older server is not at hand in the tests, so the version rule is checked here as the pure
// function `databases add` applies to the number a real server reports.
describe('unsupportedServerReason', () => {
  it('accepts 15 and later', () => {
    for (const versionNum of [MIN_SERVER_VERSION_NUM, 150008, 160004, 170000]) expect(unsupportedServerReason(versionNum)).toBeNull();
  });

  it.each([
    [140011, /PostgreSQL 14, and tenant databases need PostgreSQL 15 or later/],
    [130000, /PostgreSQL 13/],
    [90624, /PostgreSQL 9\.6/],
    [0, /no usable server_version_num/],
    [Number.NaN, /no usable server_version_num/],
  ])('refuses %s', (versionNum, reason) => {
    expect(unsupportedServerReason(versionNum)).toMatch(reason);
  });

  it('names major versions as people say them', () => {
    expect([majorVersionOf(160004), majorVersionOf(100023), majorVersionOf(90624)]).toEqual(['16', '10', '9.6']);
  });
});
