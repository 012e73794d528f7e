import { redactUrlPassword } from './redact-url.ts';

describe('redactUrlPassword', () => {
  it('replaces the password and keeps everything else', () => {
    expect(redactUrlPassword('postgres://tenantry:s3cr%40t@db-east:5432/tenants?sslmode=require')).toBe(
      'postgres://tenantry:***@db-east:5432/tenants?sslmode=require',
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactUrlPassword('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });

  it('takes a URL object and does not change it', () => {
    const url = new URL('postgres://u:p@h/d');
    expect(redactUrlPassword(url)).toBe('postgres://u:***@h/d');
    expect(url.password).toBe('p');
  });
});
