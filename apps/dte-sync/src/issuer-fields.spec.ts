import { touchesIssuer } from './issuer-fields.ts';

describe('touchesIssuer', () => {
  it.each([['name'], ['rut'], ['address'], ['commune'], ['city'], ['giro'], ['economic_activities']])('is true when %s changed', (field) => {
    expect(touchesIssuer(['description', field])).toBe(true);
  });

  it('is false for fields the issuer does not hold', () => {
    expect(touchesIssuer(['description', 'post_code', 'plan_id', 'settings', 'status'])).toBe(false);
  });
});
